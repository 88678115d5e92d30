// `npm run demo` for the group (issue 12): CREATE 3 principals x 2 permission sets x 4 member accounts, READ, LIST,
// UPDATE (one principal replaced by another, an account added), an assignment deleted out of band that READ shows
// as drift, the UPDATE with the same model that repairs it; then (issue 13) an UPDATE to an OU target, an account
// joining that OU out of band, READ showing it as drift, and the UPDATE with a new Revision that assigns it; and
// DELETE. Through the lifecycle in-process (what each step leaves in SSO Admin and the state table) and through the
// script as a user runs it (its progress lines).
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DEFAULT_CALLER_CREDENTIALS,
  Driver,
  parseProgressEvent,
  type ResourceProperties,
} from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { MEMBERSHIP_SCENARIO_STEPS, runLifecycle, type LifecycleStep } from '../../dev/demo/lifecycle';
import { resourceType, STATE_TABLE } from '../../dev/types';
import { CHECK_INTERVAL_ENV } from '../../src/assignment-group/assignments';
import { runScript } from '../demo/support/scripts';
import { useHandlerEmulator } from '../support/emulator';
import { assignmentsIn, expectedAssignments } from './support';

const RUN_MS = 80_000;
jest.setTimeout(RUN_MS + 10_000);

const emulator = useHandlerEmulator({ stateTable: true, provisioningMs: 200 });

beforeAll(() => {
  // The first check of a write in flight sooner than the default 250 ms: the emulator provisions in 200.
  process.env[CHECK_INTERVAL_ENV] = '20';
});
afterAll(() => {
  Reflect.deleteProperty(process.env, CHECK_INTERVAL_ENV);
});

const entry = resourceType('assignment-group');
const { demo } = entry;
if (!demo) throw new Error('the group declares a demo scenario');
const world = DEFAULT_WORLD;
const created = demo.model(world);
const update = demo.update(world);
const updated = update.model;
const drift = demo.drift(world);
const { membership } = demo;
if (!membership) throw new Error('the group declares membership drift in its demo scenario');
const unitUpdate = membership.update(world);
const unitModel = unitUpdate.model;
const join = membership.join(world);
const reapply = membership.reapply(unitModel);

interface Principal {
  PrincipalType: string;
  PrincipalId: string;
}
const principalsOf = (model: ResourceProperties) => model.Principals as Principal[];
const setsOf = (model: ResourceProperties) => model.PermissionSets as string[];
const accountsOf = (model: ResourceProperties) =>
  (model.Targets as { TargetIds: string[] }[]).flatMap((target) => target.TargetIds);
const without = <T>(items: readonly T[], dropped: readonly T[]) =>
  items.filter((item) => !dropped.some((other) => JSON.stringify(other) === JSON.stringify(item)));

/** Assignments as the emulator lists them (`principal|permission set|account`). */
const keysOf = (model: ResourceProperties) => expectedAssignments(model);
const addedByUpdate = without(keysOf(updated), keysOf(created));
const droppedByUpdate = without(keysOf(created), keysOf(updated));

/** The assignments of `model`'s principals and permission sets in `accounts`. */
const keysIn = (model: ResourceProperties, accounts: readonly string[]) =>
  expectedAssignments({ ...model, Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts }] });
/** The accounts directly in the OU the membership steps target, before the join: what that OU stands for. */
const unitAccounts = world.accounts
  .filter((account) => account.parentId === join.parentId && account.state === 'ACTIVE')
  .map((account) => account.id);
const unitKeys = keysIn(unitModel, unitAccounts);
/** What the joined account gets once applied again, and all the group then stands for. */
const joinedKeys = keysIn(unitModel, [join.accountId]);
const reappliedKeys = [...unitKeys, ...joinedKeys].sort();
const nameOfAccount = (id: string) => world.accounts.find((account) => account.id === id)?.name;
const unitName = world.organization.organizationalUnits.find((unit) => unit.id === join.parentId)?.name;

describe("the demo's group", () => {
  test('stands for 3 principals x 2 permission sets x 4 member accounts, none of them the management account', () => {
    expect(principalsOf(created)).toHaveLength(3);
    expect(setsOf(created)).toHaveLength(2);
    expect(new Set(accountsOf(created)).size).toBe(4);
    expect(keysOf(created)).toHaveLength(3 * 2 * 4);
    for (const model of [created, updated]) {
      expect(accountsOf(model)).not.toContain(world.ownerAccountId);
      for (const account of accountsOf(model)) {
        expect(world.accounts.find((each) => each.id === account)?.state).toBe('ACTIVE');
      }
    }
  });

  test('is updated in place: one principal replaced by another, one account added', () => {
    expect(updated.Name).toBe(created.Name);
    expect(without(principalsOf(updated), principalsOf(created))).toHaveLength(1);
    expect(without(principalsOf(created), principalsOf(updated))).toHaveLength(1);
    expect(setsOf(updated)).toEqual(setsOf(created));
    expect(accountsOf(updated)).toEqual([
      ...accountsOf(created),
      ...without(accountsOf(updated), accountsOf(created)),
    ]);
    expect(without(accountsOf(updated), accountsOf(created))).toHaveLength(1);
  });

  test('drifts on one assignment the updated group holds', () => {
    expect(keysOf(drift.model)).toHaveLength(1);
    expect(keysOf(updated)).toEqual(expect.arrayContaining(keysOf(drift.model)));
  });

  test('then targets one small OU, same principals and permission sets, which an active member account joins', () => {
    // Only Targets change: an AWS_OU target naming the OU the account joins, its direct accounts.
    expect(unitModel).toEqual({
      ...updated,
      Targets: [{ TargetType: 'AWS_OU', TargetIds: [join.parentId], Recursive: false }],
    });
    expect(unitName).toBeDefined();
    expect(unitAccounts.length).toBeGreaterThan(0);
    // A few dozen assignments at most, and never the management account (an OU never stands for it).
    expect(reappliedKeys.length).toBeLessThanOrEqual(keysOf(created).length);
    expect(unitAccounts).not.toContain(world.ownerAccountId);
    const joining = world.accounts.find((account) => account.id === join.accountId);
    expect(joining).toMatchObject({ state: 'ACTIVE' });
    expect(joining?.parentId).not.toBe(join.parentId);
    expect(join.accountId).not.toBe(world.ownerAccountId);
    // Applied again with its lists unchanged: only the Revision differs.
    expect(unitModel.Revision).toBeUndefined();
    expect(reapply.model).toEqual({ ...unitModel, Revision: expect.any(String) });
  });
});

/** The state table's item of the demo's group, if any. */
async function groupRecord(): Promise<unknown> {
  const table = emulator.stateTable();
  const { Item } = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { [STATE_TABLE.partitionKey]: { S: String(created.Name) } },
    }),
  );
  return Item;
}

test('in-process: each step answers as CloudFormation expects and leaves SSO Admin and the table as it should', async () => {
  /** Per step: the emulator's assignments after it, and the writes it sent. */
  const after = new Map<LifecycleStep, { assignments: string[]; writes: string[] }>();
  /** Every IN_PROGRESS message, by step. */
  const messages = new Map<LifecycleStep, string[]>();
  let step: LifecycleStep = 'CREATE';
  let callsBefore = 0;
  const handlers = await entry.loadHandlers();
  const driver = new Driver({
    entrypoint: async (request, context) => {
      const response = await handlers.entrypoint(request, context);
      const event = parseProgressEvent(request.action, response);
      if (event.status === 'IN_PROGRESS') messages.set(step, [...(messages.get(step) ?? []), event.message]);
      return response;
    },
    typeName: entry.typeName,
    primaryIdentifier: entry.primaryIdentifier,
    timeScale: 0.05,
    ...(demo.lambdaTimeoutMs === undefined ? {} : { lambdaTimeoutMs: demo.lambdaTimeoutMs }),
    log: () => undefined,
  });
  const outcomes = await runLifecycle(
    entry,
    driver,
    created,
    {
      onStepStart: (start) => {
        step = start.step;
        callsBefore = emulator().calls().length;
      },
      onStepEnd: (outcome) => {
        after.set(outcome.step, {
          assignments: assignmentsIn(emulator()),
          writes: emulator()
            .calls()
            .slice(callsBefore)
            .map((call) => call.operation)
            .filter((operation) => /^(Create|Delete)AccountAssignment$/.test(operation)),
        });
      },
    },
    { emulator: emulator() },
  );
  expect(outcomes.map(({ step: name, ok }) => ({ step: name, ok }))).toEqual(
    MEMBERSHIP_SCENARIO_STEPS.map((name) => ({ step: name, ok: true })),
  );
  const outcomeOf = (name: LifecycleStep) => outcomes.find((outcome) => outcome.step === name);
  const final = (name: LifecycleStep) => outcomeOf(name)?.final;
  const writes = (name: LifecycleStep, operation: string) =>
    after.get(name)?.writes.filter((each) => each === operation).length;

  // CREATE: every assignment, over several callbacks, each IN_PROGRESS saying how far it is.
  expect(after.get('CREATE')?.assignments).toEqual(keysOf(created));
  expect(writes('CREATE', 'CreateAccountAssignment')).toBe(keysOf(created).length);
  const progress = (messages.get('CREATE') ?? []).filter((message) => message.startsWith('creating'));
  expect(progress.length).toBeGreaterThan(0);
  for (const message of progress) {
    expect(message).toMatch(
      new RegExp(`^creating assignments: \\d+ of ${keysOf(created).length} sent, \\d+ in flight$`),
    );
  }

  // READ: the declaration and its counts.
  const counts = (model: ResourceProperties, missing: number) => ({
    AccountCount: new Set(keysOf(model).map((key) => key.split('|')[2])).size,
    AssignmentCount: keysOf(model).length,
    MissingAssignmentCount: missing,
  });
  expect(final('READ')?.resourceModel).toEqual({ ...created, ...counts(created, 0) });
  expect(final('LIST')?.resourceModels).toEqual(
    expect.arrayContaining([expect.objectContaining({ Name: created.Name })]),
  );

  // UPDATE: the new principal's and the new account's assignments created, the old principal's deleted.
  expect(final('UPDATE')?.resourceModel).toEqual({ ...updated, ...counts(updated, 0) });
  expect(after.get('UPDATE')?.assignments).toEqual(keysOf(updated));
  expect(writes('UPDATE', 'CreateAccountAssignment')).toBe(addedByUpdate.length);
  expect(writes('UPDATE', 'DeleteAccountAssignment')).toBe(droppedByUpdate.length);
  // Additions are confirmed before removals: the moved principal's access has no gap.
  const updateWrites = after.get('UPDATE')?.writes ?? [];
  expect(updateWrites.lastIndexOf('CreateAccountAssignment')).toBeLessThan(
    updateWrites.indexOf('DeleteAccountAssignment'),
  );

  // The out-of-band delete: one assignment gone, behind the handler's back.
  const drifted = without(keysOf(updated), keysOf(drift.model));
  expect(after.get('DELETE out of band')).toMatchObject({ assignments: drifted, writes: [] });

  // READ shows the drift: the permission set and the account of the missing assignment leave the lists, every
  // other element stays, and MissingAssignmentCount counts it.
  const [missing] = principalsOf(drift.model);
  const driftRead = final('READ shows drift')?.resourceModel ?? {};
  expect(driftRead).toMatchObject({
    Name: updated.Name,
    InstanceArn: updated.InstanceArn,
    PermissionSets: without(setsOf(updated), setsOf(drift.model)),
    Targets: [
      { TargetType: 'AWS_ACCOUNT', TargetIds: without(accountsOf(updated), accountsOf(drift.model)) },
    ],
    ...counts(updated, 1),
  });
  // Its principal still has other assignments: whether READ drops it from Principals is the read view's rule
  // (docs/assignment-group.md, Drift); every other principal stays.
  expect(principalsOf(driftRead)).toEqual(expect.arrayContaining(without(principalsOf(updated), [missing])));
  expect(without(principalsOf(driftRead), principalsOf(updated))).toEqual([]);
  expect(after.get('READ shows drift')).toMatchObject({ assignments: drifted, writes: [] });

  // UPDATE with the same model creates just the missing one; READ is clean again.
  expect(after.get('UPDATE repairs')).toMatchObject({
    assignments: keysOf(updated),
    writes: ['CreateAccountAssignment'],
  });
  expect(final('READ after repair')?.resourceModel).toEqual({ ...updated, ...counts(updated, 0) });

  // UPDATE to an OU target: the OU's accounts get every assignment, those of accounts it does not hold go,
  // additions first; its counts are of the accounts it resolved to.
  const unitCounts = (accounts: number, assignments: number) => ({
    AccountCount: accounts,
    AssignmentCount: assignments,
    MissingAssignmentCount: 0,
  });
  expect(final('UPDATE to an OU target')?.resourceModel).toEqual({
    ...unitModel,
    ...unitCounts(unitAccounts.length, unitKeys.length),
  });
  expect(after.get('UPDATE to an OU target')?.assignments).toEqual(unitKeys);
  expect(writes('UPDATE to an OU target', 'CreateAccountAssignment')).toBe(
    without(unitKeys, keysOf(updated)).length,
  );
  expect(writes('UPDATE to an OU target', 'DeleteAccountAssignment')).toBe(
    without(keysOf(updated), unitKeys).length,
  );
  const unitWrites = after.get('UPDATE to an OU target')?.writes ?? [];
  expect(unitWrites.lastIndexOf('CreateAccountAssignment')).toBeLessThan(
    unitWrites.indexOf('DeleteAccountAssignment'),
  );

  // The account joins the OU in Organizations: nothing written, nothing assigned to it yet.
  expect(after.get('account joins the OU out of band')).toEqual({ assignments: unitKeys, writes: [] });
  expect(
    emulator()
      .state.world()
      .accounts.find((account) => account.id === join.accountId)?.parentId,
  ).toBe(join.parentId);

  // READ shows it as drift: the OU dropped from Targets, the counts those of the last apply, nothing written; the
  // verdict names the account that joined.
  expect(final('READ shows membership drift')?.resourceModel).toEqual({
    ...unitModel,
    Targets: [],
    ...unitCounts(unitAccounts.length, unitKeys.length),
  });
  expect(outcomeOf('READ shows membership drift')?.summary).toContain(join.accountId);
  expect(after.get('READ shows membership drift')).toEqual({ assignments: unitKeys, writes: [] });

  // UPDATE with a new Revision: the OU resolved again, the joined account gets the group's assignments, nothing
  // else is written.
  expect(final('UPDATE assigns the new member')?.resourceModel).toEqual({
    ...reapply.model,
    ...unitCounts(unitAccounts.length + 1, reappliedKeys.length),
  });
  expect(after.get('UPDATE assigns the new member')).toEqual({
    assignments: reappliedKeys,
    writes: joinedKeys.map(() => 'CreateAccountAssignment'),
  });

  // DELETE: every assignment the group owned is gone, the joined account's included, and so is its record; READ
  // then answers NotFound.
  expect(after.get('DELETE')?.assignments).toEqual([]);
  expect(writes('DELETE', 'DeleteAccountAssignment')).toBe(reappliedKeys.length);
  expect(await groupRecord()).toBeUndefined();
  expect(final('READ after DELETE')).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
});

test('the script: each step numbered of 14, every invocation of a write with n/N assignments, the counts in the verdicts', async () => {
  const run = await runScript(
    'demo',
    ['--type', entry.key, '--time-scale', '0.05', '--provisioning-ms', '200'],
    { [CHECK_INTERVAL_ENV]: '20' },
    RUN_MS,
  );
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n');
  const total = MEMBERSHIP_SCENARIO_STEPS.length;
  const headings = lines.filter((line) => /^\[\d+\/\d+\] /.test(line));
  expect(headings).toEqual([
    `[1/${total}] CREATE`,
    `[2/${total}] READ`,
    `[3/${total}] LIST`,
    `[4/${total}] UPDATE: ${update.change}`,
    `[5/${total}] DELETE out of band: ${drift.description}`,
    `[6/${total}] READ shows drift`,
    `[7/${total}] UPDATE repairs: the same model again`,
    `[8/${total}] READ after repair`,
    `[9/${total}] UPDATE to an OU target: ${unitUpdate.change}`,
    `[10/${total}] account joins the OU out of band: ${join.description}`,
    `[11/${total}] READ shows membership drift`,
    `[12/${total}] UPDATE assigns the new member: ${reapply.change}`,
    `[13/${total}] DELETE`,
    `[14/${total}] READ after DELETE`,
  ]);
  expect(run.stdout).toContain(`Model (${keysOf(created).length} assignments):`);

  // CREATE: one line per invocation, each with how many of the 24 exist after it, rising to all of them.
  const size = keysOf(created).length;
  const createLines = lines.filter((line) => line.startsWith('    CREATE #'));
  const present = createLines.map((line) =>
    Number(new RegExp(`\\[(\\d+)/${size} assignments\\]$`).exec(line)?.[1]),
  );
  expect(present).toEqual([...present].sort((a, b) => a - b));
  expect(present.at(-1)).toBe(size);
  expect(createLines.at(-1)).toContain(' SUCCESS ');
  // At least one callback mid-way: the handler's own progress, and some but not all assignments there.
  const midway = createLines.filter((line) =>
    /: creating assignments: \d+ of \d+ sent, \d+ in flight \[/.test(line),
  );
  expect(midway.length).toBeGreaterThan(0);
  expect(present.some((count) => count > 0 && count < size)).toBe(true);

  // The invocations of a step that targets the OU count what it stands for then: the joined account included once
  // it has joined.
  const invocationsOf = (step: LifecycleStep) => {
    const start = lines.indexOf(headings[MEMBERSHIP_SCENARIO_STEPS.indexOf(step)] ?? '');
    const end = lines.findIndex((line, index) => index > start && /^ {2}(PASS|FAIL) /.test(line));
    return lines.slice(start + 1, end).filter((line) => /^ {4}UPDATE #\d+ /.test(line));
  };
  for (const [step, of] of [
    ['UPDATE to an OU target', unitKeys.length],
    ['UPDATE assigns the new member', reappliedKeys.length],
  ] as const) {
    const counted = invocationsOf(step);
    expect(counted.length).toBeGreaterThan(0);
    for (const line of counted) expect(line).toMatch(new RegExp(`\\[\\d+/${of} assignments\\]$`));
    expect(counted.at(-1)).toMatch(new RegExp(` SUCCESS .*\\[${of}/${of} assignments\\]$`));
  }

  const verdicts = lines.filter((line) => /^ {2}(PASS|FAIL) /.test(line));
  expect(verdicts).toHaveLength(total);
  expect(verdicts.filter((line) => line.startsWith('  FAIL'))).toEqual([]);
  const verdict = (step: LifecycleStep) => verdicts[MEMBERSHIP_SCENARIO_STEPS.indexOf(step)];
  const full = keysOf(updated).length;
  expect(verdict('CREATE')).toContain(`SUCCESS: created (${size}/${size} assignments)`);
  expect(verdict('READ')).toContain(`AssignmentCount ${size}, MissingAssignmentCount 0`);
  expect(verdict('UPDATE')).toContain(
    `SUCCESS: ${addedByUpdate.length} created, ${droppedByUpdate.length} deleted (${full}/${full} assignments)`,
  );
  expect(verdict('DELETE out of band')).toContain(`(${full - 1}/${full} assignments)`);
  expect(verdict('READ shows drift')).toMatch(
    /SUCCESS, drift: .*PermissionSets lacks permission set ReadOnlyAccess; Targets lacks account workload-prod/,
  );
  expect(verdict('READ shows drift')).toContain(`AssignmentCount ${full}, MissingAssignmentCount 1`);
  expect(verdict('UPDATE repairs')).toContain(`SUCCESS: 1 created, 0 deleted (${full}/${full} assignments)`);
  expect(verdict('READ after repair')).toContain(`AssignmentCount ${full}, MissingAssignmentCount 0`);

  // The membership steps, in the seeded world's names.
  const unit = unitKeys.length;
  const joined = reappliedKeys.length;
  expect(verdict('UPDATE to an OU target')).toContain(
    `SUCCESS: ${without(unitKeys, keysOf(updated)).length} created, ${without(keysOf(updated), unitKeys).length} deleted (${unit}/${unit} assignments)`,
  );
  expect(verdict('account joins the OU out of band')).toContain(
    `moved account ${nameOfAccount(join.accountId)} into OU ${unitName} in the emulator, not through the handler (${unit}/${joined} assignments)`,
  );
  expect(verdict('READ shows membership drift')).toContain(
    `SUCCESS, drift: Targets lacks OU ${unitName}, which account ${nameOfAccount(join.accountId)} joined (not assigned yet: ${unit}/${joined} assignments); AccountCount ${unitAccounts.length}, AssignmentCount ${unit}, MissingAssignmentCount 0`,
  );
  expect(verdict('UPDATE assigns the new member')).toContain(
    `SUCCESS: ${joinedKeys.length} created, 0 deleted (${joined}/${joined} assignments)`,
  );
  expect(verdict('DELETE')).toContain(`SUCCESS: deleted (0/${joined} assignments)`);
  expect(verdict('READ after DELETE')).toContain('FAILED NotFound');
  expect(run.stdout).toMatch(new RegExp(`^All steps as expected: ${total}/${total} `, 'm'));
  expect(run.stdout + run.stderr).not.toContain(DEFAULT_CALLER_CREDENTIALS.secretAccessKey);
});
