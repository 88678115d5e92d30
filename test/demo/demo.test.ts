// `npm run demo`: the lifecycle it runs (dev/demo/lifecycle.ts) in-process, and the script itself as a user
// runs it (a child process), with short waits. A type's own demo scenario (UPDATE, drift, repair, and membership
// drift when it has it) is checked here through its registry entry, and in detail in test/<key>/ (what its steps
// leave in the emulator).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CALLER_CREDENTIALS, Driver, type ResourceProperties } from '../../dev/driver';
import {
  clearStateTable,
  DEFAULT_WORLD,
  type LocalServices,
  pointSdkAt,
  type RunningEmulator,
  startLocalServices,
  type World,
} from '../../dev/emulator';
import { LIFECYCLE_STEPS, lifecycleSteps, runLifecycle } from '../../dev/demo/lifecycle';
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

/** A whole demo run: every type, a demo scenario's steps among them, paced to SSO Admin's quotas. */
const DEMO_RUN_MS = 80_000;
const runDemo = (args: string[], env: Record<string, string> = {}) =>
  runScript('demo', args, env, DEMO_RUN_MS);

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
/** Types with a demo scenario (dev/types.ts DemoScenario): UPDATE, drift and repair in the seeded run. */
const scenarioTypes = types.flatMap((entry) => (entry.demo ? [{ entry, scenario: entry.demo }] : []));
/** The model a seeded demo run creates for a type. */
const seededModel = (entry: ResourceTypeEntry) => (entry.demo?.model ?? entry.demoModel)(DEFAULT_WORLD);
/** DEFAULT_WORLD after an account joined an OU (a membership scenario's join). */
function joinedWorld(join: { accountId: string; parentId: string }): World {
  return {
    ...DEFAULT_WORLD,
    accounts: DEFAULT_WORLD.accounts.map((account) =>
      account.id === join.accountId ? { ...account, parentId: join.parentId } : account,
    ),
  };
}
/** How many verdicts a seeded run of these types prints. */
const seededSteps = (entries: readonly ResourceTypeEntry[]) =>
  entries.reduce((total, entry) => total + lifecycleSteps(entry, { emulator }).length, 0);

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

  test("given the emulator, the seeded run's steps (the demo scenario's, for a type with one) all pass and leave nothing", async () => {
    const created = seededModel(entry);
    const outcomes = await runLifecycle(entry, await driverFor(entry), created, {}, { emulator });
    expect(outcomes.map(({ step, ok, skipped }) => ({ step, ok, skipped }))).toEqual(
      lifecycleSteps(entry, { emulator }).map((step) => ({ step, ok: true, skipped: false })),
    );
    const { demo } = entry;
    const membership = demo?.membership?.update(DEFAULT_WORLD).model;
    const models = [
      created,
      ...(demo ? [demo.update(DEFAULT_WORLD).model] : []),
      // Resolved in the emulator's world now, the joined account included.
      ...(membership ? [membership] : []),
    ];
    expect(models.map((each) => entry.emulator.present(emulator, each))).toEqual(models.map(() => 0));
  });
});

describe.each(scenarioTypes.map(({ entry, scenario }) => [entry.typeName, entry, scenario] as const))(
  '%s demo scenario',
  (_name, entry, scenario) => {
    const binding = entry.emulator;
    const created = scenario.model(DEFAULT_WORLD);
    const { model: updated } = scenario.update(DEFAULT_WORLD);
    const { model: drift } = scenario.drift(DEFAULT_WORLD);
    const { membership } = scenario;
    /** The account that joins an OU out of band, for a membership scenario. */
    const join = membership?.join(DEFAULT_WORLD);
    /** The model applied last before DELETE, and the world it stands for accounts of then. */
    const last = membership ? membership.reapply(membership.update(DEFAULT_WORLD).model).model : updated;
    const lastWorld = join ? joinedWorld(join) : DEFAULT_WORLD;

    test('each step answers and leaves in the emulator what it should: the drift READ shows the missing one', async () => {
      /**
       * Per step: the writes it made, and how many of the created and updated models' resources exist after it, and
       * of the model applied last (the membership scenario's, resolved in the emulator's world then).
       */
      const seen = new Map<
        string,
        { created: number; deleted: number; ofCreated: number; ofUpdated: number; ofLast: number }
      >();
      let callsBefore = 0;
      const outcomes = await runLifecycle(
        entry,
        await driverFor(entry),
        created,
        {
          onStepStart: () => {
            callsBefore = emulator.calls().length;
          },
          onStepEnd: (outcome) => {
            const calls = emulator.calls().slice(callsBefore);
            seen.set(outcome.step, {
              created: calls.filter((call) => call.operation === binding.createOperation).length,
              deleted: calls.filter((call) => call.operation === binding.deleteOperation).length,
              ofCreated: binding.present(emulator, created),
              ofUpdated: binding.present(emulator, updated),
              ofLast: binding.present(emulator, last),
            });
          },
        },
        { emulator },
      );
      expect(outcomes.map(({ step, ok }) => ({ step, ok }))).toEqual(
        lifecycleSteps(entry, { emulator }).map((step) => ({ step, ok: true })),
      );
      const full = binding.size(updated);
      const atCreate = seen.get('CREATE');
      expect(atCreate).toMatchObject({
        created: binding.size(created),
        deleted: 0,
        ofCreated: binding.size(created),
      });
      // READ and LIST write nothing.
      for (const step of ['READ', 'LIST'] as const) {
        expect(seen.get(step)).toEqual({ ...atCreate, created: 0 });
      }
      // The UPDATE creates what the new model adds (what of it did not exist) and deletes what it drops.
      const atUpdate = seen.get('UPDATE');
      expect(atUpdate).toMatchObject({
        created: full - (atCreate?.ofUpdated ?? NaN),
        deleted: binding.size(created) - (atUpdate?.ofCreated ?? NaN),
        ofUpdated: full,
      });
      expect(atUpdate?.created).toBeGreaterThan(0);
      expect(atUpdate?.deleted).toBeGreaterThan(0);
      // The out-of-band delete takes one resource away, READ shows it without writing, the repair puts it back.
      const drifted = full - binding.size(drift);
      expect(seen.get('DELETE out of band')).toMatchObject({ created: 0, deleted: 0, ofUpdated: drifted });
      expect(seen.get('READ shows drift')).toMatchObject({ created: 0, deleted: 0, ofUpdated: drifted });
      expect(seen.get('UPDATE repairs')).toMatchObject({
        created: binding.size(drift),
        deleted: 0,
        ofUpdated: full,
      });
      expect(seen.get('READ after repair')).toMatchObject({ created: 0, deleted: 0, ofUpdated: full });
      // DELETE removes all the last model stands for, in the world as it is then (a joined account included).
      expect(seen.get('DELETE')).toEqual({
        created: 0,
        deleted: binding.size(last, lastWorld),
        ofCreated: 0,
        ofUpdated: 0,
        ofLast: 0,
      });

      const byStep = new Map(outcomes.map((outcome) => [outcome.step, outcome.final]));
      const readBack = (model: ResourceProperties, world: World = DEFAULT_WORLD) => ({
        ...model,
        ...scenario.readOnly(model, 0, world),
      });
      expect(byStep.get('READ')?.resourceModel).toEqual(readBack(created));
      expect(byStep.get('UPDATE')?.resourceModel).toEqual(readBack(updated));
      const driftRead = byStep.get('READ shows drift')?.resourceModel;
      expect(driftRead).toMatchObject(scenario.readOnly(updated, binding.size(drift), DEFAULT_WORLD));
      expect(
        Object.keys(updated).some(
          (name) => JSON.stringify(driftRead?.[name]) !== JSON.stringify(updated[name]),
        ),
      ).toBe(true);
      expect(byStep.get('READ after repair')?.resourceModel).toEqual(readBack(updated));
      expect(byStep.get('READ after DELETE')).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });

      if (!membership || !join) return;
      // Membership drift: the OU's resources created (what of them did not exist) and the updated model's dropped; the
      // account joins without a write; READ shows it as drift with the counts of the last apply, writing nothing;
      // applied again, the joined account's resources are created, nothing deleted.
      const { model: unit } = membership.update(DEFAULT_WORLD);
      const before = binding.size(unit, DEFAULT_WORLD);
      const atRepair = seen.get('READ after repair');
      const atUnit = seen.get('UPDATE to an OU target');
      expect(atUnit).toMatchObject({
        created: before - (atRepair?.ofLast ?? NaN),
        deleted: full - (atUnit?.ofUpdated ?? NaN),
        ofLast: before,
      });
      expect(byStep.get('UPDATE to an OU target')?.resourceModel).toEqual(readBack(unit));
      expect(seen.get('account joins the OU out of band')).toMatchObject({
        created: 0,
        deleted: 0,
        ofLast: before,
      });
      expect(seen.get('READ shows membership drift')).toMatchObject({
        created: 0,
        deleted: 0,
        ofLast: before,
      });
      const membershipRead = byStep.get('READ shows membership drift')?.resourceModel;
      expect(membershipRead).toMatchObject(scenario.readOnly(unit, 0, DEFAULT_WORLD));
      expect(JSON.stringify(membershipRead)).not.toContain(join.parentId);
      const after = binding.size(last, lastWorld);
      expect(after).toBeGreaterThan(before);
      expect(seen.get('UPDATE assigns the new member')).toMatchObject({
        created: after - before,
        deleted: 0,
        ofLast: after,
      });
      expect(byStep.get('UPDATE assigns the new member')?.resourceModel).toEqual(readBack(last, lastWorld));
    });

    test('the scenario names only the seeded world, updates the created resource in place, and drifts one of its resources', () => {
      expect(primaryIdentifierOf(entry, updated)).toEqual(primaryIdentifierOf(entry, created));
      expect(updated).not.toEqual(created);
      expect(binding.size(drift)).toBe(1);
    });
  },
);

describe.each(
  scenarioTypes.flatMap(({ entry, scenario }) =>
    scenario.membership ? [[entry.typeName, entry, scenario, scenario.membership] as const] : [],
  ),
)('%s membership scenario', (_name, entry, scenario, membership) => {
  test('targets an OU in place, which an account joins, and is applied again without editing its lists', () => {
    const created = scenario.model(DEFAULT_WORLD);
    const { model: unit } = membership.update(DEFAULT_WORLD);
    const join = membership.join(DEFAULT_WORLD);
    const { model: again } = membership.reapply(unit);
    expect(primaryIdentifierOf(entry, unit)).toEqual(primaryIdentifierOf(entry, created));
    expect(primaryIdentifierOf(entry, again)).toEqual(primaryIdentifierOf(entry, created));
    expect(JSON.stringify(unit)).toContain(join.parentId);
    // The account is not in the OU yet: joining adds to what the OU stands for.
    const joined = joinedWorld(join);
    expect(entry.emulator.size(unit, joined)).toBeGreaterThan(entry.emulator.size(unit, DEFAULT_WORLD));
    expect(again).not.toEqual(unit);
    expect(entry.emulator.size(again, joined)).toBe(entry.emulator.size(unit, joined));
  });
});

/** The lines of one type's part of a demo run's output, from its `== <name> (the <type> mirror` heading on. */
function sectionOf(stdout: string, entry: ResourceTypeEntry): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex(
    (line) => line.startsWith('== ') && line.includes(`(the ${entry.typeName} mirror`),
  );
  const end = lines.findIndex(
    (line, index) => index > start && (line.startsWith('== ') || line.startsWith('All steps')),
  );
  return start < 0 ? [] : lines.slice(start, end < 0 ? undefined : end);
}

/** Every type's steps, their numbered headings and verdicts, as a seeded run prints them. */
function expectSeededRun(stdout: string): void {
  const verdicts = verdictsOf(stdout);
  expect(verdicts).toHaveLength(seededSteps(types));
  expect(verdicts.filter((line) => line.startsWith('  FAIL'))).toEqual([]);
  for (const entry of types) {
    const section = sectionOf(stdout, entry);
    const steps = lifecycleSteps(entry, { emulator });
    const headings = section.filter((line) => /^\[\d+\/\d+\] /.test(line));
    expect(headings.map((line) => line.replace(/: .*$/, ''))).toEqual(
      steps.map((step, index) => `[${index + 1}/${steps.length}] ${step}`),
    );
    // A model of several assignments: each invocation of a write says how many of them exist after it.
    const writes = section.filter((line) => /^ {4}(CREATE|UPDATE|DELETE) #\d+ /.test(line));
    const counted = writes.filter((line) => /\[\d+\/\d+ assignments\]$/.test(line));
    expect(counted).toHaveLength(entry.emulator.size(seededModel(entry)) > 1 ? writes.length : 0);
  }
  for (const { entry, scenario } of scenarioTypes) {
    const section = sectionOf(stdout, entry);
    const steps = lifecycleSteps(entry, { emulator });
    /** The numbered heading of a step that says what it does. */
    const heading = (step: (typeof steps)[number], detail: string) =>
      `[${steps.indexOf(step) + 1}/${steps.length}] ${step}: ${detail}`;
    expect(section).toContain(heading('UPDATE', scenario.update(DEFAULT_WORLD).change));
    expect(section).toContain(heading('DELETE out of band', scenario.drift(DEFAULT_WORLD).description));
    const { membership } = scenario;
    if (membership) {
      const { model: unit, change } = membership.update(DEFAULT_WORLD);
      expect(section).toContain(heading('UPDATE to an OU target', change));
      expect(section).toContain(
        heading('account joins the OU out of band', membership.join(DEFAULT_WORLD).description),
      );
      expect(section).toContain(heading('UPDATE assigns the new member', membership.reapply(unit).change));
    }
  }
  const total = seededSteps(types);
  expect(stdout).toMatch(new RegExp(`^All steps as expected: ${total}/${total} \\(`, 'm'));
}

describe('the demo script', () => {
  test(
    'with no options: its own emulator, every type, every step PASS, exit code 0',
    async () => {
      const run = await runDemo(['--time-scale', '0.05', '--provisioning-ms', '200']);
      expect(run.code).toBe(0);
      expectSeededRun(run.stdout);
      // Each type under the example registered name (AWS:: is reserved), as CloudFormation would name it.
      for (const entry of types) {
        const [, service, resource] = entry.typeName.split('::');
        expect(run.stdout).toContain(`== Org::${service}::${resource} (the ${entry.typeName} mirror`);
      }
      // The runtime lib's own log lines are held back without --verbose; credentials never appear.
      expect(run.stdout).not.toContain('START RequestId');
      expect(run.stdout + run.stderr).not.toContain(DEFAULT_CALLER_CREDENTIALS.secretAccessKey);
    },
    DEMO_RUN_MS,
  );

  test(
    '--provisioning-ms 5000 --time-scale 0: every step PASS (the waits count in full on the emulator clock)',
    async () => {
      const run = await runDemo(['--provisioning-ms', '5000', '--time-scale', '0']);
      expect(run.code).toBe(0);
      expectSeededRun(run.stdout);
    },
    DEMO_RUN_MS,
  );
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

    test(
      'the NotFound line of READ after DELETE shows the identifier whole, under the registered name',
      async () => {
        const run = await runDemo(['--type', entry.key, '--time-scale', '0', '--provisioning-ms', '200']);
        expect(run.code).toBe(0);
        const identifier = primaryIdentifierOf(entry, seededModel(entry)).join('|');
        const notFoundLines = run.stdout
          .split('\n')
          .filter((line) => line.includes('READ #1 FAILED NotFound'));
        expect(notFoundLines).toHaveLength(1);
        expect(notFoundLines[0]).toContain(
          `Resource of type '${registeredName}' with identifier '${identifier}'`,
        );
      },
      DEMO_RUN_MS,
    );

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
