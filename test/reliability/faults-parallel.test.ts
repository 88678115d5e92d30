// Many resources at once against the emulator's real limits: a collective 20 requests per second and at most
// 15 outstanding asynchronous account-assignment writes (https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html,
// "Throttle limits"; the emulator's defaults). 30 CREATEs run in parallel, as CloudFormation runs the
// independent resources of one stack, then 30 DELETEs; every one must end SUCCESS, with throttling
// absorbed by the SDK's retries and the handlers' retry-later callbacks.
import type { ResourceProperties, RunResult } from '../../dev/driver';
import { DEFAULT_WORLD, type RunningEmulator } from '../../dev/emulator';
import {
  ACCOUNT_ASSIGNMENT,
  APPLICATION_ASSIGNMENT,
  countCalls,
  driverFor,
  errorCodes,
  GRAFANA,
  muteConsole,
  sessionCredentials,
  type TypeUnderTest,
  useEmulator,
} from './support/harness';

const RESOURCES = 30;

// Real limits; writes stay IN_PROGRESS long enough for the outstanding-write limit to bite.
const emulator = useEmulator({ requestsPerSecond: 20, maxOutstandingAsyncWrites: 15, provisioningMs: 300 });

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
  test('30 CREATEs then 30 DELETEs in parallel all end SUCCESS; throttling is absorbed; exactly 30 assignments in between', async () => {
    const resources = models();
    // One stack, one execution role: every operation uses the same caller credentials.
    const callerCredentials = sessionCredentials();
    const runAll = (run: (model: ResourceProperties) => Promise<RunResult>): Promise<RunResult[]> =>
      Promise.all(resources.map(run));

    const creates = await runAll((model) => driverFor(type, { callerCredentials }).driver.create(model));

    expect(creates.map((result) => result.final.status)).toEqual(resources.map(() => 'SUCCESS'));
    expect(errorCodes(...creates)).toEqual([]);
    expect(copiesOf(type, resources)).toBe(RESOURCES);
    expect(countCalls(emulator(), type.createOperation, 'ok')).toBe(RESOURCES);
    // The rate limit did bite: some calls were throttled and retried.
    const throttledCreatePhase = emulator()
      .calls()
      .filter((call) => call.outcome === 'ThrottlingException').length;
    expect(throttledCreatePhase).toBeGreaterThan(0);

    emulator().clearCalls();
    const deletes = await runAll((model) => driverFor(type, { callerCredentials }).driver.del(model));

    expect(deletes.map((result) => result.final.status)).toEqual(resources.map(() => 'SUCCESS'));
    expect(errorCodes(...deletes)).toEqual([]);
    expect(copiesOf(type, resources)).toBe(0);
    expect(countCalls(emulator(), type.deleteOperation, 'ok')).toBe(RESOURCES);
    expect(emulator().state.outstandingAsyncWrites()).toBe(0);
  });
});
