// The aws-sdk bridge in a warm Lambda process: the runtime lib builds new SDK v2 clients (refreshClient) on
// every invocation that carries provider credentials. Run the shipped bundle's entrypoint 200 times in one
// process, with provider credentials and a provider log group, against the loopback stand-in of CloudWatch
// Logs, CloudWatch and S3: the process's open sockets must not grow with the invocations, and the
// credentials CloudFormation rotates between invocations must sign what is sent after the rotation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildHandlerRequest, createLambdaContext, type CredentialsPayload } from '../../dev/driver';
import {
  DEFAULT_WORLD,
  type LocalServices,
  startLocalServices,
  type RunningEmulator,
} from '../../dev/emulator';
import { bundleHandlers, type BundleResult } from '../../dev/package/bundle';
import { runNode } from '../../dev/package/run-bundle';
import { withOrganization } from '../../dev/package/type-name';
import { RESOURCE_TYPES, seedResource } from '../../dev/types';
import { startFakeAws, type FakeAws } from './fake-aws';

jest.setTimeout(120_000);

const INVOCATIONS_PER_PHASE = 50;
const REPORT_MARKER = '@@warm-run@@';
const LOG_GROUP = 'org-provider-logs';

/** Each phase: the provider credentials of that stretch of invocations, and a stream name to tell it by. */
const PHASES = [1, 2, 3, 4].map((phase) => ({
  logicalResourceId: `Assignment${phase}`,
  providerCredentials: {
    accessKeyId: `ASIAPROVIDERPHASE000${phase}`,
    secretAccessKey: `providerSecretKey/phase${phase}`,
    sessionToken: `providerSessionTokenPhase${phase}`,
  } satisfies CredentialsPayload,
}));

/**
 * One warm process: require the bundle once, then answer each phase's invocations in turn, counting the open
 * client sockets after each one.
 */
const WARM_RUNNER = `
// Every client socket the process opens, until it closes. (process.getActiveResourcesInfo() would not do: an
// idle keep-alive socket is unref'd, so it is not listed, yet it stays open.)
let openSockets = 0;
require('node:diagnostics_channel').subscribe('net.client.socket', ({ socket }) => {
  openSockets += 1;
  socket.once('close', () => (openSockets -= 1));
});
const handlers = require(process.env.BUNDLE_FILE);
const base = JSON.parse(process.env.HANDLER_REQUEST);
const phases = JSON.parse(process.env.PHASES);
const perPhase = Number(process.env.INVOCATIONS_PER_PHASE);
const context = { ...JSON.parse(process.env.LAMBDA_CONTEXT), getRemainingTimeInMillis: () => 60000 };
(async () => {
  const sockets = [];
  const statuses = [];
  for (const phase of phases) {
    for (let i = 0; i < perPhase; i += 1) {
      const request = structuredClone(base);
      request.bearerToken = require('node:crypto').randomUUID();
      request.requestData.providerCredentials = phase.providerCredentials;
      request.requestData.logicalResourceId = phase.logicalResourceId;
      const response = await handlers.entrypoint(request, context);
      // A failure keeps its code and message, to be seen in the test's diff.
      statuses.push(response.status === 'SUCCESS' ? 'SUCCESS' : [response.status, response.errorCode, response.message].join(' '));
      sockets.push(openSockets);
    }
  }
  process.stdout.write('\\n${REPORT_MARKER}' + JSON.stringify({ sockets, statuses }) + '\\n', () => process.exit(0));
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface WarmReport {
  /** Open TCP sockets after each invocation, in order. */
  readonly sockets: number[];
  readonly statuses: string[];
}

describe.each(RESOURCE_TYPES)('the $packageName bundle, warm', (entry) => {
  const workDir = mkdtempSync(path.join(tmpdir(), `bridge-warm-test-${entry.key}-`));
  let bundle: BundleResult;
  let services: LocalServices;
  let emulator: RunningEmulator;
  let fake: FakeAws;
  let report: WarmReport;

  beforeAll(async () => {
    bundle = await bundleHandlers(entry.key, workDir);
    // With the state table (and the resource's record in it) for a type that keeps state.
    services = await startLocalServices({ requestsPerSecond: Infinity, stateTable: entry.stateTable });
    emulator = services.emulator;
    await seedResource(entry, emulator, entry.demoModel(DEFAULT_WORLD), services.stateTableEndpoint);
    fake = await startFakeAws();
    const request = buildHandlerRequest(
      { typeName: withOrganization(entry.typeName, 'Org'), providerLogGroupName: LOG_GROUP },
      { action: 'READ', properties: entry.demoModel(DEFAULT_WORLD) },
    );
    const { getRemainingTimeInMillis: _remaining, ...context } = createLambdaContext({
      functionName: 'TypeFunction',
    });
    const run = await runNode(['-e', WARM_RUNNER], {
      PATH: process.env.PATH,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: DEFAULT_WORLD.region,
      // Every service the handler calls (SSO Admin, Identity Store) is the emulator, but for the three the
      // runtime lib delivers to: nothing leaves the machine.
      AWS_ENDPOINT_URL: emulator.endpoint,
      ...services.environment,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fake.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: fake.endpoint,
      AWS_ENDPOINT_URL_S3: fake.endpoint,
      BUNDLE_FILE: bundle.file,
      HANDLER_REQUEST: JSON.stringify(request),
      PHASES: JSON.stringify(PHASES),
      INVOCATIONS_PER_PHASE: String(INVOCATIONS_PER_PHASE),
      LAMBDA_CONTEXT: JSON.stringify(context),
    });
    const line = run.stdout.split('\n').find((text) => text.startsWith(REPORT_MARKER));
    if (!line) throw new Error(`The warm process printed no report: ${run.stdout.slice(-2000)}`);
    report = JSON.parse(line.slice(REPORT_MARKER.length)) as WarmReport;
  });

  afterAll(async () => {
    await fake?.close();
    await services?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers every invocation, and delivers logs in each of them', () => {
    const invocations = PHASES.length * INVOCATIONS_PER_PHASE;
    expect(report.statuses).toEqual(Array.from({ length: invocations }, () => 'SUCCESS'));
    // Each invocation creates (or finds) its log stream: the bridge really sent from every invocation.
    expect(fake.calls('logs', 'CreateLogStream')).toHaveLength(invocations);
  });

  it('keeps the open sockets flat over 200 warm invocations', () => {
    // Whatever the first invocations needed (the SSO Admin client's, the bridge's keep-alive sockets) is the
    // most a warm process may hold later: a client per invocation would add sockets every invocation.
    const warmingUp = report.sockets.slice(0, 10);
    const later = report.sockets.slice(10);
    expect(Math.max(...later)).toBeLessThanOrEqual(Math.max(...warmingUp));
  });

  it('signs what each invocation sends with the provider credentials of that invocation', () => {
    for (const phase of PHASES) {
      const streamName = `/${phase.logicalResourceId}`;
      const sent = fake
        .calls('logs')
        .filter((call) =>
          String((call.body as { logStreamName?: unknown }).logStreamName).endsWith(streamName),
        );
      expect(sent.length).toBeGreaterThan(0);
      for (const call of sent) {
        expect(call.headers.authorization).toContain(`Credential=${phase.providerCredentials.accessKeyId}/`);
        expect(call.headers['x-amz-security-token']).toBe(phase.providerCredentials.sessionToken);
      }
    }
  });
});
