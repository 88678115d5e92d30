// `npm run demo`: the lifecycle it runs (dev/demo/lifecycle.ts) in-process, and the script itself as a user
// runs it (a child process), with short waits.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CALLER_CREDENTIALS, Driver } from '../../dev/driver';
import {
  clearStateTable,
  DEFAULT_WORLD,
  type LocalServices,
  pointSdkAt,
  type RunningEmulator,
  startLocalServices,
} from '../../dev/emulator';
import { LIFECYCLE_STEPS, runLifecycle } from '../../dev/demo/lifecycle';
import {
  availableResourceTypes,
  callsOf,
  needsStateTable,
  primaryIdentifierOf,
  REPOSITORY_ROOT,
  type ResourceTypeEntry,
  seedResource,
} from '../../dev/types';
import { runScript } from './support/scripts';

const runDemo = (args: string[], env: Record<string, string> = {}) => runScript('demo', args, env);

/** The verdict lines (PASS/FAIL per step) of a demo run's output. */
function verdictsOf(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^ {2}(PASS|FAIL) /.test(line));
}

let services: LocalServices;
let emulator: RunningEmulator;
let restoreEndpoints: () => void;

beforeAll(async () => {
  // With the state table when a type keeps state.
  services = await startLocalServices({
    provisioningMs: 200,
    stateTable: needsStateTable(availableResourceTypes()),
  });
  emulator = services.emulator;
  restoreEndpoints = pointSdkAt(emulator.endpoint, services.stateTableEndpoint);
});

afterAll(async () => {
  await services.close();
  restoreEndpoints();
});

beforeEach(async () => {
  emulator.reset();
  if (services.stateTableEndpoint !== undefined) await clearStateTable(services.stateTableEndpoint);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

const types = availableResourceTypes();

async function driverFor(entry: ResourceTypeEntry): Promise<Driver> {
  const handlers = await entry.loadHandlers();
  return new Driver({
    entrypoint: handlers.entrypoint,
    typeName: entry.typeName,
    primaryIdentifier: entry.primaryIdentifier,
    timeScale: 0.05,
    log: () => undefined,
  });
}

describe.each(types.map((entry) => [entry.typeName, entry] as const))('%s lifecycle', (_name, entry) => {
  const model = entry.demoModel(DEFAULT_WORLD);

  test('every step as expected, ending with nothing left in the emulator', async () => {
    const outcomes = await runLifecycle(entry, await driverFor(entry), model);
    expect(outcomes.map(({ step, ok, skipped }) => ({ step, ok, skipped }))).toEqual(
      LIFECYCLE_STEPS.map((step) => ({ step, ok: true, skipped: false })),
    );
    expect(outcomes.at(-1)?.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect(entry.emulator.exists(emulator, model)).toBe(false);
    expect(callsOf(emulator, entry.emulator.createOperation)).toHaveLength(entry.emulator.size(model));
    expect(callsOf(emulator, entry.emulator.deleteOperation)).toHaveLength(entry.emulator.size(model));
  });

  test('a failed CREATE fails the run and skips the rest (nothing to delete)', async () => {
    emulator.faults.error({
      count: 1,
      operation: entry.emulator.createOperation,
      errorName: 'AccessDeniedException',
    });
    const outcomes = await runLifecycle(entry, await driverFor(entry), model);
    expect(outcomes[0]).toMatchObject({ step: 'CREATE', ok: false, skipped: false });
    expect(outcomes[0]?.final).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect(outcomes.slice(1).map(({ ok, skipped }) => ({ ok, skipped }))).toEqual(
      LIFECYCLE_STEPS.slice(1).map(() => ({ ok: false, skipped: true })),
    );
    expect(callsOf(emulator, entry.emulator.deleteOperation)).toEqual([]);
  });

  test('an assignment that already exists fails CREATE with AlreadyExists and is not deleted', async () => {
    // The whole resource: its assignments, and its record for a type that keeps state.
    await seedResource(entry, emulator, model, services.stateTableEndpoint);
    const outcomes = await runLifecycle(entry, await driverFor(entry), model);
    expect(outcomes[0]?.final).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
    expect(entry.emulator.exists(emulator, model)).toBe(true);
  });
});

describe('the demo script', () => {
  test('with no options: its own emulator, every type, every step PASS, exit code 0', async () => {
    const run = await runDemo(['--time-scale', '0.05', '--provisioning-ms', '200']);
    expect(run.code).toBe(0);
    const verdicts = verdictsOf(run.stdout);
    expect(verdicts).toHaveLength(types.length * LIFECYCLE_STEPS.length);
    expect(verdicts.filter((line) => line.startsWith('  FAIL'))).toEqual([]);
    // Each type under the example registered name (AWS:: is reserved), as CloudFormation would name it.
    for (const entry of types) {
      const [, service, resource] = entry.typeName.split('::');
      expect(run.stdout).toContain(`== Org::${service}::${resource} (the ${entry.typeName} mirror`);
    }
    // The runtime lib's own log lines are held back without --verbose; credentials never appear.
    expect(run.stdout).not.toContain('START RequestId');
    expect(run.stdout + run.stderr).not.toContain(DEFAULT_CALLER_CREDENTIALS.secretAccessKey);
  });

  test('--provisioning-ms 5000 --time-scale 0: every step PASS (the waits count in full on the emulator clock)', async () => {
    const run = await runDemo(['--provisioning-ms', '5000', '--time-scale', '0']);
    expect(run.code).toBe(0);
    const verdicts = verdictsOf(run.stdout);
    expect(verdicts).toHaveLength(types.length * LIFECYCLE_STEPS.length);
    expect(verdicts.filter((line) => line.startsWith('  FAIL'))).toEqual([]);
  });
});

describe.each(types.map((entry) => [entry.typeName, entry] as const))(
  'the demo script for %s',
  (_name, entry) => {
    const [, service, resource] = entry.typeName.split('::');
    /** The name the demo registers the type under (AWS:: is reserved). */
    const registeredName = `Org::${service}::${resource}`;
    /** The type's first contract-test input, relative to the repository root (where the script runs). */
    const createInput = path.relative(REPOSITORY_ROOT, path.join(entry.inputsDir, 'inputs_1_create.json'));
    /** The writes one resource of that input takes (one, or a group's assignment count). */
    const inputWrites = entry.emulator.size(
      JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, createInput), 'utf8')) as Record<string, unknown>,
    );

    test('the NotFound line of READ after DELETE shows the identifier whole, under the registered name', async () => {
      const run = await runDemo(['--type', entry.key, '--time-scale', '0', '--provisioning-ms', '200']);
      expect(run.code).toBe(0);
      const identifier = primaryIdentifierOf(entry, entry.demoModel(DEFAULT_WORLD)).join('|');
      const notFoundLines = run.stdout.split('\n').filter((line) => line.includes('READ #1 FAILED NotFound'));
      expect(notFoundLines).toHaveLength(1);
      expect(notFoundLines[0]).toContain(
        `Resource of type '${registeredName}' with identifier '${identifier}'`,
      );
    });

    test('--endpoint seeds nothing and needs the model: without it, a usage error (exit code 2)', async () => {
      const run = await runDemo(['--endpoint', emulator.endpoint, '--type', entry.key]);
      expect(run.code).toBe(2);
      // It names the flag of a property the model needs (e.g. InstanceArn: --instance-arn).
      const [needed] = entry.schema.required ?? [];
      expect(needed).toBeDefined();
      expect(run.stderr).toContain(`--${needed.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase()}`);
      expect(emulator.calls()).toEqual([]);
    });

    test('--endpoint with --model runs against that endpoint', async () => {
      const run = await runDemo([
        '--endpoint',
        emulator.endpoint,
        '--type',
        entry.key,
        '--model',
        createInput,
        '--time-scale',
        '0.05',
      ]);
      expect(run.code).toBe(0);
      expect(callsOf(emulator, entry.emulator.createOperation)).toHaveLength(inputWrites);
      expect(callsOf(emulator, entry.emulator.deleteOperation)).toHaveLength(inputWrites);
    });

    test('--live takes credentials from the default provider chain and never prints them', async () => {
      // Environment credentials (first in the chain), against the emulator instead of AWS.
      const credentials = {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7LIVETEST',
        AWS_SECRET_ACCESS_KEY: 'liveTestSecretAccessKey/EXAMPLE0123456789abc',
        AWS_SESSION_TOKEN: 'liveTestSessionTokenEXAMPLE0123456789',
        AWS_REGION: 'eu-west-1',
      };
      const run = await runDemo(
        ['--live', '--endpoint', emulator.endpoint, '--type', entry.key, '--model', createInput],
        credentials,
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('eu-west-1');
      for (const secret of [credentials.AWS_SECRET_ACCESS_KEY, credentials.AWS_SESSION_TOKEN]) {
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
      expect(callsOf(emulator, entry.emulator.createOperation)).toHaveLength(inputWrites);
    });
  },
);
