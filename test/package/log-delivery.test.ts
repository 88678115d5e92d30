// Provider log delivery and metrics from the shipped bundle: when CloudFormation passes provider
// credentials, the runtime lib's SDK v2 calls (served by the aws-sdk bridge from SDK v3 clients) reach
// CloudWatch Logs, CloudWatch and S3 — here a loopback stand-in — and carry no credentials in any message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildHandlerRequest,
  DEFAULT_CALLER_CREDENTIALS,
  type CredentialsPayload,
  type HandlerRequestPayload,
} from '../../dev/driver';
import {
  DEFAULT_WORLD,
  type LocalServices,
  startLocalServices,
  type RunningEmulator,
} from '../../dev/emulator';
import { bundleHandlers, type BundleResult } from '../../dev/package/bundle';
import { runBundle } from '../../dev/package/run-bundle';
import { withOrganization } from '../../dev/package/type-name';
import { RESOURCE_TYPES, seedResource } from '../../dev/types';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from './fake-aws';

jest.setTimeout(60_000);

const PROVIDER_CREDENTIALS: CredentialsPayload = {
  accessKeyId: 'ASIAPROVIDERKEY00042',
  secretAccessKey: 'providerSecretKey/EXAMPLE+abcdefghij0123456789',
  sessionToken: 'IQoJb3JpZ2luX2VjProviderSessionTokenForLoopbackOnly0123456789',
};
describe.each(RESOURCE_TYPES)('the $packageName bundle delivering provider logs', (entry) => {
  const LOG_GROUP = 'org-provider-logs';
  /** The type as CloudFormation names it here: registered under a private organisation. */
  const TYPE_NAME = withOrganization(entry.typeName, 'Org');

  const workDir = mkdtempSync(path.join(tmpdir(), `log-delivery-test-${entry.key}-`));
  let bundle: BundleResult;
  let services: LocalServices;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    bundle = await bundleHandlers(entry.key, workDir);
    // With the state table (and the resource's record) for a type that keeps state.
    services = await startLocalServices({ requestsPerSecond: Infinity, stateTable: entry.stateTable });
    emulator = services.emulator;
    await seedResource(entry, emulator, entry.demoModel(DEFAULT_WORLD), services.stateTableEndpoint);
  });

  afterAll(async () => {
    await services?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  function readRequest(withProvider: boolean): HandlerRequestPayload {
    return buildHandlerRequest(
      {
        typeName: TYPE_NAME,
        ...(withProvider
          ? { providerCredentials: PROVIDER_CREDENTIALS, providerLogGroupName: LOG_GROUP }
          : {}),
      },
      { action: 'READ', properties: entry.demoModel(DEFAULT_WORLD) },
    );
  }

  async function invokeWith(fake: FakeAws, request: HandlerRequestPayload) {
    return runBundle({
      bundleFile: bundle.file,
      request,
      env: {
        AWS_REGION: DEFAULT_WORLD.region,
        ...services.environment,
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fake.endpoint,
        AWS_ENDPOINT_URL_CLOUDWATCH: fake.endpoint,
        AWS_ENDPOINT_URL_S3: fake.endpoint,
      },
    });
  }

  async function withFakeAws<T>(options: FakeAwsOptions, body: (fake: FakeAws) => Promise<T>): Promise<T> {
    const fake = await startFakeAws(options);
    try {
      return await body(fake);
    } finally {
      await fake.close();
    }
  }

  function logMessages(fake: FakeAws): string[] {
    return fake.calls('logs', 'PutLogEvents').flatMap((call) => {
      const { logEvents } = call.body as { logEvents: { message: string }[] };
      return logEvents.map((event) => event.message);
    });
  }

  /** The stream name the lib derives: `<stackId>/<logicalResourceId>`, ':' written as '__'. */
  function streamNameOf(request: HandlerRequestPayload): string {
    return `${request.stackId}/${request.requestData.logicalResourceId}`.replace(/:/g, '__');
  }

  describe('with provider credentials', () => {
    const request = readRequest(true);
    let fake: FakeAws;
    let response: unknown;

    beforeAll(async () => {
      fake = await startFakeAws();
      response = (await invokeWith(fake, request)).response;
    });

    afterAll(() => fake.close());

    it('still answers the READ', () => {
      expect(response).toEqual(expect.objectContaining({ status: 'SUCCESS' }));
    });

    it('prepares the log group and stream, then delivers the log lines to CloudWatch Logs', () => {
      expect(fake.calls('logs', 'CreateLogGroup').map((call) => call.body)).toEqual([
        { logGroupName: LOG_GROUP },
      ]);
      expect(fake.calls('logs', 'CreateLogStream').map((call) => call.body)).toEqual([
        { logGroupName: LOG_GROUP, logStreamName: streamNameOf(request) },
      ]);
      const puts = fake.calls('logs', 'PutLogEvents');
      expect(puts.length).toBeGreaterThan(0);
      for (const put of puts) {
        expect(put.body).toEqual(
          expect.objectContaining({ logGroupName: LOG_GROUP, logStreamName: streamNameOf(request) }),
        );
        // The header the lib adds in a 'build' listener reaches the wire.
        expect(put.headers['x-amzn-logs-format']).toBe('json/emf');
      }
      // The first put has no sequence token: the lib's `sequenceToken: null` is dropped, as SDK v2 did.
      expect(puts[0].body).not.toHaveProperty('sequenceToken');
      expect(logMessages(fake)).toEqual(
        expect.arrayContaining(['[READ] invoking handler...', 'Handler returned SUCCESS']),
      );
    });

    it('signs the delivery with the provider credentials', () => {
      for (const call of fake.calls()) {
        expect(call.headers.authorization).toContain(`Credential=${PROVIDER_CREDENTIALS.accessKeyId}/`);
        expect(call.headers['x-amz-security-token']).toBe(PROVIDER_CREDENTIALS.sessionToken);
      }
    });

    it('publishes the invocation metrics to CloudWatch under the type CloudFormation named', () => {
      const metrics = fake
        .calls('cloudwatch', 'PutMetricData')
        .map((call) => call.body as Record<string, unknown>);
      expect(metrics.map((metric) => metric.Namespace)).toEqual(
        expect.arrayContaining([`AWS/CloudFormation/${TYPE_NAME.replace(/::/g, '/')}`]),
      );
      const names = metrics.flatMap((metric) =>
        (metric.MetricData as { MetricName: string }[]).map((datum) => datum.MetricName),
      );
      expect(names).toEqual(expect.arrayContaining(['HandlerInvocationCount', 'HandlerInvocationDuration']));
      expect(metrics[metrics.length - 1]).toEqual(
        expect.objectContaining({
          MetricData: [
            expect.objectContaining({
              MetricName: 'HandlerInvocationDuration',
              Unit: 'Milliseconds',
              Dimensions: [
                { Name: 'DimensionKeyActionType', Value: 'READ' },
                { Name: 'DimensionKeyResourceType', Value: TYPE_NAME },
              ],
            }),
          ],
        }),
      );
    });

    it('delivers to S3 too, creating the bucket the lib names after the log group and account', () => {
      const bucket = `${LOG_GROUP}-${request.awsAccountId}`;
      expect(
        fake
          .calls('s3')
          .map((call) => call.operation)
          .slice(0, 3),
      ).toEqual(['ListObjectsV2', 'CreateBucket', 'PutObject']);
      // The bucket was missing: the lib reports NoSuchBucket, the v3 error's name, as the exception type.
      const failureMetric = fake
        .calls('cloudwatch', 'PutMetricData')
        .map((call) => JSON.stringify(call.body))
        .find((body) => body.includes('ProviderLogDelivery'));
      expect(failureMetric).toContain('NoSuchBucket');
      expect(fake.calls('s3', 'CreateBucket').map((call) => call.path)).toEqual([`/${bucket}/`]);
      expect(fake.calls('s3', 'PutObject').map((call) => call.body)).toEqual(
        expect.arrayContaining(['[READ] invoking handler...']),
      );
    });

    it('puts no credential or bearer token into any delivered message', () => {
      const delivered = [
        ...logMessages(fake),
        ...fake.calls('s3', 'PutObject').map((call) => String(call.body)),
      ];
      expect(delivered.length).toBeGreaterThan(5);
      const secrets = [
        ...Object.values(PROVIDER_CREDENTIALS),
        ...Object.values(DEFAULT_CALLER_CREDENTIALS),
        request.bearerToken,
      ];
      for (const message of delivered) {
        for (const secret of secrets) expect(message).not.toContain(secret);
      }
    });
  });

  it('tolerates a log stream that already exists (the v3 error reaches the lib with its v2 code)', async () => {
    const request = readRequest(true);
    await withFakeAws(
      { logGroups: [LOG_GROUP], logStreams: new Map([[LOG_GROUP, [streamNameOf(request)]]]) },
      async (fake) => {
        const result = await invokeWith(fake, request);
        expect(result.response).toEqual(expect.objectContaining({ status: 'SUCCESS' }));
        expect(fake.calls('logs', 'CreateLogGroup')).toEqual([]);
        expect(fake.calls('logs', 'CreateLogStream')).toHaveLength(1);
        // ResourceAlreadyExistsException is what the lib accepts (log-delivery.js createLogStream): logs flow.
        expect(logMessages(fake)).toEqual(expect.arrayContaining(['Handler returned SUCCESS']));
      },
    );
  });

  it('without provider credentials, sends nothing to CloudWatch Logs, CloudWatch or S3', async () => {
    await withFakeAws({}, async (fake) => {
      const result = await invokeWith(fake, readRequest(false));
      expect(result.response).toEqual(expect.objectContaining({ status: 'SUCCESS' }));
      expect(fake.calls()).toEqual([]);
    });
  });
});
