// The aws-sdk bridge (packages/aws-sdk-v3-bridge) in-process: what `require('aws-sdk/…')` gives the runtime
// lib, the lib's own log-delivery and metrics classes running on it, and what reaches the wire.
import {
  Action,
  CloudWatchLogHelper,
  CloudWatchLogPublisher,
  LoggerProxy,
  MetricsPublisher,
  SessionProxy,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import Aws from 'aws-sdk/clients/all';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import CloudWatchLogs from 'aws-sdk/clients/cloudwatchlogs';
import { runNode } from '../../dev/package/run-bundle';
import { startFakeAws, type FakeAws } from './fake-aws';

const CREDENTIALS = {
  accessKeyId: 'AKIAFIRSTKEY00000001',
  secretAccessKey: 'first-secret',
  sessionToken: 'first-token',
};
const REGION = 'us-east-1';

let fake: FakeAws;

beforeEach(async () => {
  fake = await startFakeAws({ logGroups: ['existing-group'] });
});

afterEach(() => fake.close());

function logsClient(): CloudWatchLogs {
  return new CloudWatchLogs({ credentials: CREDENTIALS, region: REGION, endpoint: fake.endpoint });
}

function session(): SessionProxy {
  const proxy = SessionProxy.getSession(CREDENTIALS, REGION);
  if (!proxy) throw new Error('no session');
  return proxy;
}

describe('the modules the runtime lib requires', () => {
  it('clients/all names the bridged clients by their SDK v2 class names and identifiers', () => {
    expect(Object.keys(Aws).sort()).toEqual(['CloudWatch', 'CloudWatchLogs', 'S3']);
    expect(new Aws.CloudWatch().serviceIdentifier).toBe('cloudwatch');
    expect(new Aws.CloudWatchLogs().serviceIdentifier).toBe('cloudwatchlogs');
    expect(new Aws.S3().serviceIdentifier).toBe('s3');
    expect(Aws.CloudWatchLogs).toBe(CloudWatchLogs);
  });

  it('loads an SDK v3 client package on the first request only', async () => {
    const script = `
      const CloudWatchLogs = require('aws-sdk/clients/cloudwatchlogs');
      const loaded = () => Object.keys(require.cache).some((file) => file.includes('@aws-sdk/client-cloudwatch-logs'));
      const client = new CloudWatchLogs({ region: 'us-east-1', endpoint: process.env.ENDPOINT,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
      const before = loaded();
      client.makeRequest('describeLogGroups', {}).promise().then(() => {
        console.log(JSON.stringify({ before, after: loaded() }));
      });`;
    const run = await runNode(['-e', script], { PATH: process.env.PATH, ENDPOINT: fake.endpoint });
    expect(JSON.parse(run.stdout)).toEqual({ before: false, after: true });
  });
});

describe('makeRequest', () => {
  it('sends the v3 command of the v2 operation, with build-listener headers, without null members', async () => {
    const request = logsClient().makeRequest('putLogEvents', {
      logGroupName: 'existing-group',
      logStreamName: 'stream',
      logEvents: [{ message: 'hello', timestamp: 1_700_000_000_000 }],
      sequenceToken: null,
    });
    request.on('build', () => {
      request.httpRequest.headers['X-Amzn-Logs-Format'] = 'json/emf';
    });
    const output = await request.promise();
    expect(output).toEqual({ nextSequenceToken: '1' }); // the v3 output, without $metadata
    const [call] = fake.calls('logs', 'PutLogEvents');
    expect(call.body).toEqual({
      logGroupName: 'existing-group',
      logStreamName: 'stream',
      logEvents: [{ message: 'hello', timestamp: 1_700_000_000_000 }],
    });
    expect(call.headers['x-amzn-logs-format']).toBe('json/emf');
    expect(call.headers.authorization).toContain(`Credential=${CREDENTIALS.accessKeyId}/`);
  });

  it('rejects with the v3 error described as v2 did (code, statusCode), not marked retryable', async () => {
    const failure = logsClient().makeRequest('createLogGroup', { logGroupName: 'existing-group' }).promise();
    await expect(failure).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
      code: 'ResourceAlreadyExistsException',
      statusCode: 400,
      message: 'The specified log group already exists',
    });
    await expect(failure).rejects.not.toHaveProperty('retryable');
  });

  it('rejects an operation it does not serve, without sending anything', async () => {
    await expect(
      logsClient().makeRequest('deleteLogGroup', { logGroupName: 'x' }).promise(),
    ).rejects.toMatchObject({
      code: 'UnsupportedOperation',
      message: expect.stringContaining('cloudwatchlogs.deleteLogGroup'),
    });
    expect(fake.calls()).toEqual([]);
  });

  it("serves the 'build' request event only", () => {
    const request = logsClient().makeRequest('describeLogGroups', {});
    // SDK v2 has other events ('complete', 'retry', …); the lib listens to 'build' only.
    expect(() => request.on('complete' as 'build', () => undefined)).toThrow(/'build' only/);
  });

  it('uses the settings of config.update for the next request', async () => {
    const client = logsClient();
    await client.makeRequest('describeLogGroups', {}).promise();
    client.config.update({
      credentials: { accessKeyId: 'AKIASECONDKEY0000002', secretAccessKey: 'second-secret' },
    });
    await client.makeRequest('describeLogGroups', {}).promise();
    expect(fake.calls('logs', 'DescribeLogGroups').map((call) => call.headers.authorization)).toEqual([
      expect.stringContaining('Credential=AKIAFIRSTKEY00000001/'),
      expect.stringContaining('Credential=AKIASECONDKEY0000002/'),
    ]);
  });
});

/** Runs `body`, counting the client sockets opened meanwhile (the channel node publishes each one on). */
async function countOpenedSockets(body: () => Promise<void>): Promise<number> {
  let opened = 0;
  const onSocket = (message: unknown) => {
    if ((message as { socket?: Socket }).socket) opened += 1;
  };
  subscribe('net.client.socket', onSocket);
  try {
    await body();
  } finally {
    unsubscribe('net.client.socket', onSocket);
  }
  return opened;
}

describe('clients and sockets (the runtime lib builds new v2 clients on every invocation)', () => {
  const ROTATED = { accessKeyId: 'AKIAROTATEDKEY000003', secretAccessKey: 'rotated-secret' };

  it('new v2 clients of the same settings send over the same keep-alive socket', async () => {
    const clients = 20;
    const opened = await countOpenedSockets(async () => {
      for (let i = 0; i < clients; i += 1) await logsClient().makeRequest('describeLogGroups', {}).promise();
    });
    expect(fake.calls('logs', 'DescribeLogGroups')).toHaveLength(clients);
    expect(opened).toBe(1);
  });

  it('clients of different credentials, used in turn, each sign with their own', async () => {
    const first = logsClient();
    const rotated = new CloudWatchLogs({ credentials: ROTATED, region: REGION, endpoint: fake.endpoint });
    for (const client of [first, rotated, first, rotated]) {
      await client.makeRequest('describeLogGroups', {}).promise();
    }
    const keys = [CREDENTIALS.accessKeyId, ROTATED.accessKeyId, CREDENTIALS.accessKeyId, ROTATED.accessKeyId];
    expect(fake.calls('logs', 'DescribeLogGroups').map((call) => call.headers.authorization)).toEqual(
      keys.map((key) => expect.stringContaining(`Credential=${key}/`)),
    );
    // The session token goes with its own credentials only.
    expect(
      fake.calls('logs', 'DescribeLogGroups').map((call) => call.headers['x-amz-security-token']),
    ).toEqual([CREDENTIALS.sessionToken, undefined, CREDENTIALS.sessionToken, undefined]);
  });
});

describe("the runtime lib's log delivery and metrics on the bridge", () => {
  it('CloudWatchLogHelper prepares a stream and CloudWatchLogPublisher delivers to it', async () => {
    // A logger proxy without publishers: the lib logs its responses there, nowhere to look at here.
    const logger = new LoggerProxy();
    const helper = new CloudWatchLogHelper(session(), 'new-group', 'stack:resource', logger);
    helper.refreshClient({ endpoint: fake.endpoint });
    const stream = await helper.prepareLogStream();
    expect(stream).toBe('stack__resource');
    const publisher = new CloudWatchLogPublisher(session(), 'new-group', 'stack__resource', logger);
    publisher.refreshClient({ endpoint: fake.endpoint });
    await publisher.populateSequenceToken();
    await publisher.publishLogEvent('a log line', new Date(1_700_000_000_000));
    expect(fake.calls('logs').map((call) => call.operation)).toEqual([
      'DescribeLogGroups',
      'CreateLogGroup',
      'CreateLogStream',
      'DescribeLogStreams',
      'PutLogEvents',
    ]);
    expect(fake.calls('logs', 'PutLogEvents')[0].body).toEqual({
      logGroupName: 'new-group',
      logStreamName: 'stack__resource',
      logEvents: [{ message: 'a log line', timestamp: 1_700_000_000_000 }],
    });
  });

  it('MetricsPublisher puts the invocation metric', async () => {
    const publisher = new MetricsPublisher(session(), new LoggerProxy(), 'Org::Fake::Thing');
    publisher.refreshClient({ endpoint: fake.endpoint });
    await publisher.publishInvocationMetric(new Date(1_700_000_000_000), Action.Create);
    expect(fake.calls('cloudwatch', 'PutMetricData').map((call) => call.body)).toEqual([
      {
        Namespace: 'AWS/CloudFormation/Org/Fake/Thing',
        MetricData: [
          {
            MetricName: 'HandlerInvocationCount',
            Dimensions: [
              { Name: 'DimensionKeyActionType', Value: 'CREATE' },
              { Name: 'DimensionKeyResourceType', Value: 'Org::Fake::Thing' },
            ],
            Unit: 'Count',
            Timestamp: 1_700_000_000,
            Value: 1,
          },
        ],
      },
    ]);
  });
});
