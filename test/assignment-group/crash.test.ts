// Crash anywhere: the process dies after any number of AWS calls (SSO Admin or the state table), its answer is
// lost, and CloudFormation re-sends the same request (same token, same callback context). For every crash point of
// a CREATE, an UPDATE and a DELETE: the operation still ends as it would have, no assignment is left unowned or
// orphaned, ownership is not lost, and no delete is sent twice (deleting an assignment already gone FAILs).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Driver, runRequest, type ResourceProperties, type RunResult } from '../../dev/driver';
import { clearStateTable, DEFAULT_WORLD, stateTableClient } from '../../dev/emulator';
import { entrypoint } from '../../src/assignment-group/handlers';
import { ResourceModel } from '../../src/assignment-group/models';
import { StateStore } from '../../src/assignment-group/state-store';
import { assignmentsIn, expectedAssignments, useGroupEmulator } from './support';

jest.setTimeout(240_000);

const emulator = useGroupEmulator();

const world = DEFAULT_WORLD;
const accounts = world.accounts.filter((account) => account.state === 'ACTIVE').map((account) => account.id);
const [readOnly, powerUser] = world.permissionSets.map((set) => set.arn);
const [alice, bob] = world.users.map((user) => ({ PrincipalType: 'USER', PrincipalId: user.id }));

const GROUP: ResourceProperties = {
  Name: 'crash-test',
  InstanceArn: world.instanceArn,
  Principals: [alice],
  PermissionSets: [readOnly, powerUser],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts.slice(0, 2) }],
};
const MOVED: ResourceProperties = {
  ...GROUP,
  Principals: [bob],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts.slice(1, 3) }],
};

const driverOptions = {
  typeName: ResourceModel.TYPE_NAME,
  primaryIdentifier: ['/properties/Name'],
  timeScale: 0.001,
  log: () => undefined,
};
const driver = () => new Driver({ entrypoint, ...driverOptions });

/** Every SSO Admin and state-table call fails after `calls` calls, as if the process had died there. */
function dieAfter(calls: number | undefined): { made: () => number; restore: () => void } {
  let made = 0;
  const dead = () => {
    made += 1;
    return calls !== undefined && made > calls;
  };
  const ssoSend = SSOAdminClient.prototype.send;
  const tableSend = DynamoDBClient.prototype.send;
  // The SDK's send is overloaded (promise and callback forms); the handlers use the promise form only.
  function ssoUnlessDead(this: SSOAdminClient, ...args: unknown[]): Promise<unknown> {
    return dead()
      ? Promise.reject(new Error('the process died'))
      : (Reflect.apply(ssoSend, this, args) as Promise<unknown>);
  }
  function tableUnlessDead(this: DynamoDBClient, ...args: unknown[]): Promise<unknown> {
    return dead()
      ? Promise.reject(new Error('the process died'))
      : (Reflect.apply(tableSend, this, args) as Promise<unknown>);
  }
  const spies = [
    jest
      .spyOn(SSOAdminClient.prototype, 'send')
      .mockImplementation(ssoUnlessDead as unknown as typeof ssoSend),
    jest
      .spyOn(DynamoDBClient.prototype, 'send')
      .mockImplementation(tableUnlessDead as unknown as typeof tableSend),
  ];
  return { made: () => made, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

const assignments = () => assignmentsIn(emulator());
const expected = expectedAssignments;

async function owned(): Promise<string[]> {
  const state = await new StateStore(stateTableClient(emulator.stateTable().endpoint)).get('crash-test');
  return [...(state?.owned ?? [])].map((key) => key.replace(/^USER:/, '')).sort();
}

/** Deletes sent per assignment over the whole run. */
function deletesPerAssignment(): number[] {
  const counts = new Map<string, number>();
  for (const call of emulator().calls()) {
    if (call.operation !== 'DeleteAccountAssignment') continue;
    const key = JSON.stringify(call.input);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}

/** Runs the operation with the process dying after `calls` calls, then re-sends the lost request to the end. */
async function withCrash(calls: number, operation: () => Promise<RunResult>): Promise<RunResult> {
  const crash = dieAfter(calls);
  let interrupted: RunResult;
  try {
    interrupted = await operation();
  } finally {
    crash.restore();
  }
  const lost = interrupted.invocations[interrupted.invocations.length - 1];
  if (!lost || interrupted.final.status === 'SUCCESS') return interrupted;
  return runRequest(entrypoint, lost.request, driverOptions);
}

async function fresh(): Promise<void> {
  emulator().reset();
  await clearStateTable(emulator.stateTable().endpoint);
}

/** How many AWS calls the operation makes when nothing goes wrong. */
async function callsOf(setUp: () => Promise<unknown>, operation: () => Promise<RunResult>): Promise<number> {
  await fresh();
  await setUp();
  const count = dieAfter(undefined);
  try {
    expect((await operation()).final.status).toBe('SUCCESS');
  } finally {
    count.restore();
  }
  return count.made();
}

const nothing = async () => undefined;
const created = async () => expect((await driver().create(GROUP)).final.status).toBe('SUCCESS');

describe.each([
  ['CREATE', nothing, () => driver().create(GROUP), expected(GROUP), expected(GROUP)],
  ['UPDATE', created, () => driver().update(MOVED, GROUP), expected(MOVED), expected(MOVED)],
  ['DELETE', created, () => driver().del({ Name: 'crash-test' }), [], []],
] as const)('%s', (_name, setUp, operation, assigned, ownedAfter) => {
  test('for every crash point: the same end state, everything owned, no delete sent twice', async () => {
    const total = await callsOf(setUp, operation);
    expect(total).toBeGreaterThan(3);
    for (let calls = 0; calls < total; calls += 1) {
      await fresh();
      await setUp();
      const result = await withCrash(calls, operation);
      const where = `crash after ${calls} of ${total} calls`;
      expect({ where, status: result.final.status }).toEqual({ where, status: 'SUCCESS' });
      expect({ where, assignments: assignments() }).toEqual({ where, assignments: [...assigned] });
      expect({ where, owned: await owned() }).toEqual({ where, owned: [...ownedAfter] });
      expect({ where, deletes: deletesPerAssignment().filter((count) => count > 1) }).toEqual({
        where,
        deletes: [],
      });
    }
  });
});

test('the process dies right after sending a delete that is still in progress: the re-send follows that request, never deletes twice', async () => {
  await fresh();
  await created();
  const [first] = expected(GROUP);
  const [principalId, permissionSetArn, targetId] = (first ?? '').split('|');
  const stuck = {
    principalType: 'USER' as const,
    principalId: principalId ?? '',
    permissionSetArn: permissionSetArn ?? '',
    targetId: targetId ?? '',
  };
  emulator().faults.stuck(stuck);
  // Die on the first call after that delete was sent (its request is not recorded yet).
  const deletes = () =>
    emulator()
      .calls()
      .filter((call) => call.operation === 'DeleteAccountAssignment').length;
  const before = emulator().calls().length;
  let result: RunResult | undefined;
  for (let calls = 1; calls < 40 && !result; calls += 1) {
    await fresh();
    await created();
    emulator().faults.stuck(stuck);
    const crash = dieAfter(calls);
    let interrupted: RunResult;
    try {
      interrupted = await driver().del({ Name: 'crash-test' });
    } finally {
      crash.restore();
    }
    if (deletes() !== 1) continue; // the crash must land after the first delete was sent, before any other
    const lost = interrupted.invocations[interrupted.invocations.length - 1];
    if (!lost) continue;
    const resent = runRequest(entrypoint, lost.request, driverOptions);
    // While the deletion is stuck, the re-sent DELETE follows it; then it completes.
    setTimeout(() => emulator().faults.release(stuck), 300);
    result = await resent;
  }
  expect(before).toBeGreaterThan(0);
  expect(result?.final.status).toBe('SUCCESS');
  expect(assignments()).toEqual([]);
  expect(deletesPerAssignment().filter((count) => count > 1)).toEqual([]);
  expect(
    emulator()
      .calls()
      .some((call) => call.operation === 'ListAccountAssignmentDeletionStatus'),
  ).toBe(true);
});
