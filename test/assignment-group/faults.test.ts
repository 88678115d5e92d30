// Fault cells of the assignment group, through the driver against the SSO Admin emulator and dynalite.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Driver, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, FAILURE_REASONS, stateTableClient } from '../../dev/emulator';
import { entrypoint } from '../../src/assignment-group/handlers';
import { ResourceModel } from '../../src/assignment-group/models';
import { StateStore } from '../../src/assignment-group/state-store';
import { groupDriver, useGroupEmulator } from './support';

jest.setTimeout(60_000);

const emulator = useGroupEmulator();
afterEach(() => jest.restoreAllMocks());

const world = DEFAULT_WORLD;
const accounts = world.accounts.filter((account) => account.state === 'ACTIVE').map((account) => account.id);
const [readOnly, powerUser] = world.permissionSets.map((set) => set.arn);
const [alice, bob] = world.users.map((user) => ({ PrincipalType: 'USER' as const, PrincipalId: user.id }));

const GROUP: ResourceProperties = {
  Name: 'faults',
  InstanceArn: world.instanceArn,
  Principals: [alice, bob],
  PermissionSets: [readOnly, powerUser],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts.slice(0, 2) }],
};

const driver = groupDriver;

const count = () => emulator().state.accountAssignments().length;
const store = () => new StateStore(stateTableClient(emulator.stateTable().endpoint));

/**
 * The next creation of `user`'s assignment of `permissionSetArn` in `account` turns FAILED (the account
 * unreachable); returns the reason.
 */
function creationFails(user: typeof alice, permissionSetArn: string, account: string): string {
  const reason = FAILURE_REASONS.accountUnreachable(account);
  emulator().faults.failNextWrite({
    assignment: { principalType: 'USER', principalId: user.PrincipalId, permissionSetArn, targetId: account },
    reason,
    operation: 'CreateAccountAssignment',
  });
  return reason;
}

test('some creations FAILED → FAILED with how many and the first reasons; what was created is owned, so the rollback DELETE removes it', async () => {
  const reason = creationFails(bob, powerUser, accounts[1]);

  const created = await driver().create(GROUP);
  expect(created.final).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
  expect(created.final.message).toContain('1 of 8 assignments failed');
  expect(created.final.message).toContain(reason);
  expect(count()).toBe(7);
  expect((await store().get('faults'))?.owned.size).toBe(7);

  const rolledBack = await driver().del({ Name: 'faults' });
  expect(rolledBack.final).toMatchObject({ status: 'SUCCESS' });
  expect(count()).toBe(0);
  expect(await store().get('faults')).toBeUndefined();
});

test('a request re-sent after its operation ended (the answer lost on the way) gets the same answer, with no write', async () => {
  creationFails(alice, readOnly, accounts[0]);
  const failed = await driver().create(GROUP);
  expect(failed.final).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
  const writes = () =>
    emulator()
      .calls()
      .filter((call) => call.operation === 'CreateAccountAssignment').length;
  const sent = writes();
  // CloudFormation re-sends the last request of the operation, and then its first one: same token.
  const last = failed.invocations.at(-1)?.request;
  const bearerToken = last?.bearerToken ?? '';
  const lastAgain = await driver().create(GROUP, { bearerToken, callbackContext: last?.callbackContext });
  expect(lastAgain.final).toEqual(failed.final);
  const firstAgain = await driver().create(GROUP, { bearerToken });
  expect(firstAgain.final).toEqual(failed.final);
  expect(writes()).toBe(sent);
  await driver().del({ Name: GROUP.Name });

  const created = await driver().create(GROUP);
  expect(created.final.status).toBe('SUCCESS');
  const resent = await driver().create(GROUP, {
    bearerToken: created.invocations[0]?.request.bearerToken ?? '',
  });
  expect(resent.final).toEqual(created.final);
  // Another operation (another token) creating a group of this Name is refused.
  expect((await driver().create(GROUP)).final).toMatchObject({
    status: 'FAILED',
    errorCode: 'AlreadyExists',
  });
  await driver().del({ Name: GROUP.Name });
});

test('a throttle storm on CreateAccountAssignment (more than the SDK retries) still converges: SUCCESS, every assignment', async () => {
  emulator().faults.throttle({ count: 12, operation: 'CreateAccountAssignment' });
  const created = await driver().create(GROUP);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  expect(count()).toBe(8);
  const retriedLater = created.invocations.filter(
    (invocation) => invocation.response.errorCode === undefined,
  );
  expect(retriedLater.length).toBeGreaterThan(1);
});

/**
 * The state table answers the next `times` commands that `matches` accepts with a DynamoDB error named `name`, then
 * behaves normally.
 */
function tableRefuses(
  times: number,
  name: string,
  message: string,
  matches: (command: unknown) => boolean = () => true,
) {
  const send = DynamoDBClient.prototype.send;
  let left = times;
  function refusing(this: DynamoDBClient, ...args: unknown[]): Promise<unknown> {
    if (left > 0 && matches(args[0])) {
      left -= 1;
      return Promise.reject(Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } }));
    }
    return Reflect.apply(send, this, args) as Promise<unknown>;
  }
  // The SDK's send is overloaded (promise and callback forms); the handlers use the promise form only.
  jest.spyOn(DynamoDBClient.prototype, 'send').mockImplementation(refusing as unknown as typeof send);
}

test('the state table throttled beyond the SDK retries: the write calls back and then succeeds', async () => {
  tableRefuses(
    6,
    'ProvisionedThroughputExceededException',
    'Rate of requests exceeds the allowed throughput.',
  );
  const created = await driver().create(GROUP);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  expect(created.invocations[0]?.response).toMatchObject({ status: 'IN_PROGRESS' });
  expect(count()).toBe(8);
});

test('a conditional-write conflict (another writer changed the group meanwhile) is retried, never overwritten', async () => {
  // One PutItem after the first assignment exists: mid-operation, as a concurrent writer would cause.
  tableRefuses(
    1,
    'ConditionalCheckFailedException',
    'The conditional request failed',
    (command) => command instanceof PutItemCommand && count() > 0,
  );
  const created = await driver().create(GROUP);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  expect(
    created.invocations.some((invocation) =>
      invocation.response.message?.includes('changed by another operation'),
    ),
  ).toBe(true);
  expect(count()).toBe(8);
  expect((await store().get('faults'))?.owned.size).toBe(8);
});

test('the state table missing → FAILED InvalidTypeConfiguration naming the table and the fix, nothing written to SSO Admin', async () => {
  const created = await new Driver({
    entrypoint,
    typeName: ResourceModel.TYPE_NAME,
    primaryIdentifier: ['/properties/Name'],
    timeScale: 0.001,
    log: () => undefined,
    typeConfiguration: { StateTable: 'no-such-table' },
  }).create(GROUP);
  expect(created.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidTypeConfiguration' });
  expect(created.final.message).toContain('no-such-table does not exist');
  expect(created.final.message).toContain('npm run register');
  expect(
    emulator()
      .calls()
      .filter((call) => call.operation === 'CreateAccountAssignment'),
  ).toEqual([]);
});
