// The group paces every SSO Admin call of an operation in one place (src/assignment-group/assignments.ts runStage):
// with the emulator enforcing the real quotas (20 requests per second, 15 outstanding asynchronous writes) and a
// provisioning time the group does not know, a CREATE of many assignments is never throttled, sends and checks
// overlap, and once it has seen how long a write takes it checks each write about once.
import { type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { assignmentsIn, expectedAssignments, groupDriver, useGroupEmulator } from './support';

jest.setTimeout(120_000);

// Ten times the group's first check (10 ms in tests): it has to learn the provisioning time.
const emulator = useGroupEmulator(100);
const world = DEFAULT_WORLD;

const accounts = world.accounts
  .filter((account) => account.state === 'ACTIVE' && account.id !== world.ownerAccountId)
  .slice(0, 10)
  .map((account) => account.id);
const GROUP: ResourceProperties = {
  Name: 'paced',
  InstanceArn: world.instanceArn,
  Principals: world.users.slice(0, 3).map((user) => ({ PrincipalType: 'USER', PrincipalId: user.id })),
  PermissionSets: world.permissionSets.slice(0, 2).map((permissionSet) => permissionSet.arn),
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts }],
};
const WRITES = 3 * 2 * 10;

test('a CREATE of 60 assignments: no call throttled, sends and checks interleaved, about one check per write', async () => {
  const since = emulator().calls().length;
  const created = await groupDriver().create(GROUP);
  expect(created.final.status).toBe('SUCCESS');
  expect(assignmentsIn(emulator())).toEqual(expectedAssignments(GROUP));

  const calls = emulator().calls().slice(since);
  expect(calls.filter((call) => call.outcome !== 'ok')).toEqual([]);
  const sends = calls.filter((call) => call.operation === 'CreateAccountAssignment');
  const checks = calls.filter((call) => call.operation === 'DescribeAccountAssignmentCreationStatus');
  expect(sends).toHaveLength(WRITES);
  // The first writes are checked early and again (the group learns the provisioning time); the rest once.
  expect(checks.length).toBeGreaterThanOrEqual(WRITES);
  expect(checks.length).toBeLessThanOrEqual(WRITES + 15);
  // One paced stream: a check that frees a slot is followed by a send, rather than sending in rounds of 15
  // separated by rounds of checks.
  const order = calls
    .map((call) => call.operation)
    .filter((operation) =>
      /^(CreateAccountAssignment|DescribeAccountAssignmentCreationStatus)$/.test(operation),
    );
  const checkThenSend = order.filter(
    (operation, index) =>
      operation === 'CreateAccountAssignment' &&
      order[index - 1] === 'DescribeAccountAssignmentCreationStatus',
  ).length;
  expect(checkThenSend).toBeGreaterThanOrEqual(WRITES / 3);
  // Fewer than 15 writes are ever outstanding here (100 ms provisioning): while writes remain to be sent, a due
  // check and a send take turns, so no two checks come in a row (checks first would send in bursts).
  const lastSend = order.lastIndexOf('CreateAccountAssignment');
  const checkAfterCheck = order
    .slice(0, lastSend)
    .filter(
      (operation, index) =>
        index > 0 && operation !== 'CreateAccountAssignment' && order[index - 1] === operation,
    );
  expect(checkAfterCheck).toEqual([]);
  expect(emulator().state.outstandingAsyncWrites()).toBe(0);

  expect((await groupDriver().del({ Name: GROUP.Name })).final.status).toBe('SUCCESS');
  expect(assignmentsIn(emulator())).toEqual([]);
});

test('a CREATE spread over many short invocations learns the provisioning time once, not in every invocation', async () => {
  const since = emulator().calls().length;
  // About 800 ms of work per invocation (the Lambda timeout less the group's 5 s margin to answer).
  const created = await groupDriver(undefined, { lambdaTimeoutMs: 5_800, timeoutMs: 60_000 }).create({
    ...GROUP,
    Name: 'resumed',
  });
  expect(created.final.status).toBe('SUCCESS');
  expect(assignmentsIn(emulator())).toEqual(expectedAssignments(GROUP));
  // The first invocation records the plan; several more send and check.
  expect(created.invocations.length).toBeGreaterThanOrEqual(4);
  // An invocation that spent its work window asks to be called back at once: it was not waiting on the service.
  const carriedOn = created.invocations.slice(1, -1).map((invocation) => invocation.response);
  expect(carriedOn.map((response) => [response.status, response.callbackDelaySeconds])).toEqual(
    carriedOn.map(() => ['IN_PROGRESS', 0]),
  );

  const calls = emulator().calls().slice(since);
  expect(calls.filter((call) => call.outcome !== 'ok')).toEqual([]);
  const checks = calls.filter((call) => call.operation === 'DescribeAccountAssignmentCreationStatus');
  // Early checks probe the provisioning time in the first invocation that writes; the later ones start from what
  // it learned (recorded in the state), so only a few writes are checked more than once in the whole CREATE.
  expect(checks.length).toBeGreaterThanOrEqual(WRITES);
  expect(checks.length).toBeLessThanOrEqual(WRITES + 6);

  expect((await groupDriver().del({ Name: 'resumed' })).final.status).toBe('SUCCESS');
  expect(assignmentsIn(emulator())).toEqual([]);
});
