// Many resources at once against the emulator's real limits: a collective 20 requests per second and at most
// 15 outstanding asynchronous account-assignment writes (https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html,
// "Throttle limits"; the emulator's defaults). 30 CREATEs run in parallel, as CloudFormation runs the
// independent resources of one stack; every one must end SUCCESS, with throttling absorbed by the SDK's
// retries and the handlers' retry-later callbacks. (At 20 requests per second the run's length is set by
// the number of calls, about 5 per account-assignment CREATE, so DELETEs are left to the other cells.)
import type { ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, type RunningEmulator } from '../../dev/emulator';
import {
  countCalls,
  driverFor,
  errorCodes,
  GRAFANA,
  muteConsole,
  sessionCredentials,
  type TypeUnderTest,
  useEmulator,
} from './support/harness';
import { APPLICATION_ASSIGNMENT } from '../application-assignment/under-test';
import { ACCOUNT_ASSIGNMENT } from '../assignment/under-test';

const RESOURCES = 30;

// Real limits; writes stay IN_PROGRESS long enough for the outstanding-write limit to bite.
const emulator = useEmulator({ requestsPerSecond: 20, maxOutstandingAsyncWrites: 15, provisioningMs: 200 });

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

/** 30 distinct account assignments in the seeded world: 3 active accounts x 3 permission sets x 6 principals. */
function accountModels(): ResourceProperties[] {
  const principals = [
    ...DEFAULT_WORLD.users.map((user) => ({ PrincipalId: user.id, PrincipalType: 'USER' })),
    ...DEFAULT_WORLD.groups.map((group) => ({ PrincipalId: group.id, PrincipalType: 'GROUP' })),
  ];
  const accounts = DEFAULT_WORLD.accounts.filter((account) => account.status === 'ACTIVE');
  return accounts
    .flatMap((account) =>
      DEFAULT_WORLD.permissionSets.flatMap((permissionSet) =>
        principals.map((principal) => ({
          InstanceArn: DEFAULT_WORLD.instanceArn,
          PermissionSetArn: permissionSet.arn,
          TargetId: account.id,
          TargetType: 'AWS_ACCOUNT',
          ...principal,
        })),
      ),
    )
    .slice(0, RESOURCES);
}

/** 30 application assignments to one application: the seeded world has 6 principals, so 30 users are added. */
function applicationModels(target: RunningEmulator): ResourceProperties[] {
  return Array.from({ length: RESOURCES }, (_, index) => {
    const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    target.state.addUser({ id, name: `parallel-user-${index}` });
    return { ApplicationArn: GRAFANA.arn, PrincipalId: id, PrincipalType: 'USER' };
  });
}

function copiesOf(type: TypeUnderTest, models: ResourceProperties[]): number {
  return models.reduce((total, model) => total + type.copies(emulator(), model), 0);
}

describe.each([
  { type: ACCOUNT_ASSIGNMENT, models: () => accountModels() },
  { type: APPLICATION_ASSIGNMENT, models: () => applicationModels(emulator()) },
])('$type.typeName: 30 resources in parallel at 20 requests per second', ({ type, models }) => {
  test('30 CREATEs in parallel all end SUCCESS; throttling is absorbed; exactly 30 assignments, no write left in flight', async () => {
    const resources = models();
    // One stack, one execution role: every operation uses the same caller credentials.
    const callerCredentials = sessionCredentials();
    const creates = await Promise.all(
      resources.map((model) => driverFor(type, { callerCredentials }).driver.create(model)),
    );

    expect(creates.map((result) => result.final.status)).toEqual(resources.map(() => 'SUCCESS'));
    expect(errorCodes(...creates)).toEqual([]);
    expect(copiesOf(type, resources)).toBe(RESOURCES);
    expect(countCalls(emulator(), type.createOperation, 'ok')).toBe(RESOURCES);
    expect(emulator().state.outstandingAsyncWrites()).toBe(0);
    // The rate limit did bite: calls were throttled, and absorbed.
    expect(
      emulator()
        .calls()
        .filter((call) => call.outcome === 'ThrottlingException').length,
    ).toBeGreaterThan(0);
  });
});
