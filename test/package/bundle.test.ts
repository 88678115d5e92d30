// The Lambda bundle as it ships: the handlers' file per type, no AWS SDK v2, loaded by a new node process that
// answers CloudFormation's requests against the SSO Admin emulator; the provider clients in a file beside it,
// loaded only when the runtime lib delivers logs and metrics.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildHandlerRequest, createLambdaContext, type HandlerRequestPayload } from '../../dev/driver';
import {
  clearStateTable,
  DEFAULT_WORLD,
  type LocalServices,
  startLocalServices,
  type RunningEmulator,
} from '../../dev/emulator';
import {
  bundleHandlers,
  isSdkV2Input,
  PROVIDER_CLIENT_PACKAGES,
  type BundleResult,
} from '../../dev/package/bundle';
import { runBundle, runNode } from '../../dev/package/run-bundle';
import {
  needsStateTable,
  RESOURCE_TYPES,
  resourceType,
  seedResource,
  TYPE_KEYS,
  type TypeKey,
} from '../../dev/types';

jest.setTimeout(60_000);

const workDir = mkdtempSync(path.join(tmpdir(), 'bundle-test-'));
const bundles = new Map<TypeKey, BundleResult>();
let services: LocalServices;
let emulator: RunningEmulator;

beforeAll(async () => {
  for (const type of TYPE_KEYS) bundles.set(type, await bundleHandlers(type, workDir));
  // With the state table when a type keeps state.
  services = await startLocalServices({
    requestsPerSecond: Infinity,
    stateTable: needsStateTable(RESOURCE_TYPES),
  });
  emulator = services.emulator;
});

afterAll(async () => {
  await services?.close();
  rmSync(workDir, { recursive: true, force: true });
});

beforeEach(async () => {
  emulator.reset();
  if (services.stateTableEndpoint !== undefined) await clearStateTable(services.stateTableEndpoint);
});

function bundleOf(type: TypeKey): BundleResult {
  const bundle = bundles.get(type);
  if (!bundle) throw new Error(`no bundle for ${type}`);
  return bundle;
}

/** Requires the bundle, answers one READ, and prints the files node loaded besides the runner. */
const LOADED_MODULES_RUNNER = `
const handlers = require(process.env.BUNDLE_FILE);
const context = { ...JSON.parse(process.env.LAMBDA_CONTEXT), getRemainingTimeInMillis: () => 60000 };
handlers.entrypoint(JSON.parse(process.env.HANDLER_REQUEST), context).then((response) => {
  const report = { status: response.status, loaded: Object.keys(require.cache) };
  process.stdout.write('\\n' + JSON.stringify(report) + '\\n', () => process.exit(0));
}, (error) => { console.error(error); process.exit(1); });
`;

function run(type: TypeKey, request: HandlerRequestPayload) {
  return runBundle({
    bundleFile: bundleOf(type).file,
    request,
    env: { AWS_REGION: DEFAULT_WORLD.region, ...services.environment },
  });
}

describe.each(TYPE_KEYS)('the %s bundle', (type) => {
  const entry = resourceType(type);

  it('is a file at the entrypoint path, made from the aws-sdk bridge and no AWS SDK v2', () => {
    const bundle = bundleOf(type);
    expect(bundle.bundlePath).toBe(`dist/${type}/handlers.js`);
    expect(bundle.file).toBe(path.join(workDir, 'dist', type, 'handlers.js'));
    // The runtime lib's require('aws-sdk/clients/…') resolved to the bridge …
    expect(bundle.inputs).toEqual(
      expect.arrayContaining([
        'packages/aws-sdk-v3-bridge/clients/all.js',
        'packages/aws-sdk-v3-bridge/clients/cloudwatchlogs.js',
        'packages/aws-sdk-v3-bridge/clients/cloudwatch.js',
        'packages/aws-sdk-v3-bridge/clients/s3.js',
      ]),
    );
    // … and nothing of the real SDK v2 was bundled or left to be required at run time.
    expect(bundle.inputs.filter(isSdkV2Input)).toEqual([]);
    expect(bundle.inputs.filter((input) => input.includes('string.prototype.replaceall/'))).toEqual([]);
    // Each package's CommonJS build, as node loads it: not the ES module graph of the bundler-only `module`
    // condition, which would all be initialised on require.
    expect(bundle.inputs.filter((input) => /\/dist-es\//.test(input))).toEqual([]);
    const text = readFileSync(bundle.file, 'utf8');
    expect(text).not.toContain('aws-sdk/clients');
    expect(text).not.toContain('aws-sdk-nodejs'); // SDK v2's user agent
    // Well under the 1 MiB the zipped package may take (the zip is ~30 % of this).
    expect(bundle.bytes + bundle.providerClientsBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('carries the log delivery and metrics clients in a file of their own beside it', () => {
    const bundle = bundleOf(type);
    expect(bundle.providerClientsFile).toBe(path.join(workDir, 'dist', type, 'provider-clients.js'));
    const clientPackages = (inputs: readonly string[]) =>
      PROVIDER_CLIENT_PACKAGES.filter((name) =>
        inputs.some((input) => input.startsWith(`node_modules/${name}/`)),
      );
    expect(clientPackages(bundle.inputs)).toEqual([]);
    expect(clientPackages(bundle.providerClientsInputs)).toEqual([...PROVIDER_CLIENT_PACKAGES]);
    expect(bundle.providerClientsInputs.filter(isSdkV2Input)).toEqual([]);
  });

  it('leaves out the default credential chain and bowser, which the handlers never call on Lambda', () => {
    const bundle = bundleOf(type);
    const unused = /^node_modules\/(@aws-sdk\/credential-provider-|@aws-sdk\/nested-clients\/|bowser\/)/;
    expect(bundle.inputs.filter((input) => unused.test(input))).toEqual([]);
  });

  it('answers a READ without provider credentials without loading the provider clients', async () => {
    const model = entry.demoModel(DEFAULT_WORLD);
    await seedResource(entry, emulator, model, services.stateTableEndpoint);
    const request = buildHandlerRequest({ typeName: entry.typeName }, { action: 'READ', properties: model });
    const { getRemainingTimeInMillis: _remaining, ...context } = createLambdaContext({
      functionName: 'TypeFunction',
    });
    const run = await runNode(['-e', LOADED_MODULES_RUNNER], {
      PATH: process.env.PATH,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: DEFAULT_WORLD.region,
      ...services.environment,
      BUNDLE_FILE: bundleOf(type).file,
      HANDLER_REQUEST: JSON.stringify(request),
      LAMBDA_CONTEXT: JSON.stringify(context),
    });
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      status?: string;
      loaded?: string[];
    };
    expect(report.status).toBe('SUCCESS');
    expect(report.loaded).toEqual([bundleOf(type).file]);
  });

  it('answers a READ in a new node process with the resource from the emulator', async () => {
    const model = entry.demoModel(DEFAULT_WORLD);
    await seedResource(entry, emulator, model, services.stateTableEndpoint);
    const result = await run(
      type,
      buildHandlerRequest({ typeName: entry.typeName }, { action: 'READ', properties: model }),
    );
    // The model read back: the seeded one, plus the read-only properties a type answers (a group's counts).
    const readOnly = (entry.schema.readOnlyProperties ?? []).map((pointer) =>
      pointer.replace('/properties/', ''),
    );
    const withReadOnly = expect.objectContaining(model) as unknown;
    expect(result.response).toEqual(
      expect.objectContaining({ status: 'SUCCESS', resourceModel: withReadOnly }),
    );
    const answered = (result.response as { resourceModel?: Record<string, unknown> }).resourceModel ?? {};
    expect(Object.keys(answered).filter((name) => !(name in model) && !readOnly.includes(name))).toEqual([]);
    expect(emulator.calls().length).toBeGreaterThan(0);
    expect(emulator.calls().every((call) => call.outcome === 'ok')).toBe(true);
  });

  it('answers NotFound for a READ of a resource that does not exist', async () => {
    const model = entry.demoModel(DEFAULT_WORLD);
    const result = await run(
      type,
      buildHandlerRequest({ typeName: entry.typeName }, { action: 'READ', properties: model }),
    );
    expect(result.response).toEqual(expect.objectContaining({ status: 'FAILED', errorCode: 'NotFound' }));
  });

  it('keeps class names: the lib names the error code after its exception class', async () => {
    // Without awsAccountId the lib throws its InvalidRequest exception, whose errorCode is
    // HandlerErrorCode[this.constructor.name]: a minified class name would leave it undefined.
    const request = buildHandlerRequest(
      { typeName: entry.typeName },
      { action: 'READ', properties: entry.demoModel(DEFAULT_WORLD) },
    );
    const result = await run(type, { ...request, awsAccountId: '' });
    expect(result.response).toEqual(
      expect.objectContaining({
        status: 'FAILED',
        errorCode: 'InvalidRequest',
        message: expect.stringContaining('awsAccountId'),
      }),
    );
  });
});
