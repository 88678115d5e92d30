import { buildHandlerRequest, createLambdaContext, type ProgressEventPayload } from '../../dev/driver';
import { DEFAULT_WORLD, startEmulator, type RunningEmulator } from '../../dev/emulator';
import { NATIVE_STRATEGY, nativeLikeEntrypoint } from '../../bench/native/native-like';

const [permissionSet] = DEFAULT_WORLD.permissionSets;
const [user] = DEFAULT_WORLD.users;
const TARGET = '222233334444';
const MODEL = {
  InstanceArn: DEFAULT_WORLD.instanceArn,
  PermissionSetArn: permissionSet.arn,
  PrincipalId: user.id,
  PrincipalType: 'USER',
  TargetId: TARGET,
  TargetType: 'AWS_ACCOUNT',
};
const TUPLE = {
  targetId: TARGET,
  permissionSetArn: permissionSet.arn,
  principalType: 'USER' as const,
  principalId: user.id,
};

let emulator: RunningEmulator;

beforeAll(async () => {
  // Provisioning 0: a status read right after the write already sees SUCCEEDED, so no 5 s wait happens.
  emulator = await startEmulator({ provisioningMs: 0, requestsPerSecond: Number.POSITIVE_INFINITY });
  process.env.AWS_ENDPOINT_URL_SSO_ADMIN = emulator.endpoint;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SSO_ADMIN;
  await emulator.close();
});

beforeEach(() => emulator.reset());

function invoke(
  action: 'CREATE' | 'DELETE',
  callbackContext?: Record<string, unknown>,
): Promise<ProgressEventPayload> {
  const request = buildHandlerRequest(
    { typeName: 'AWS::SSO::Assignment' },
    { action, properties: MODEL, callbackContext },
  );
  return nativeLikeEntrypoint(request, createLambdaContext({ functionName: 'native-like' }));
}

test('CREATE: pre-check, write, status, read, in one invocation', async () => {
  const response = await invoke('CREATE');
  expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
  expect(emulator.calls().map((call) => call.operation)).toEqual([
    'ListAccountAssignments',
    'CreateAccountAssignment',
    'DescribeAccountAssignmentCreationStatus',
    'ListAccountAssignments',
  ]);
  expect(emulator.state.accountAssignments()).toEqual([TUPLE]);
});

test('CREATE of an existing assignment fails AlreadyExists after the pre-check only', async () => {
  emulator.state.addAccountAssignment(TUPLE);
  expect(await invoke('CREATE')).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
  expect(emulator.calls().map((call) => call.operation)).toEqual(['ListAccountAssignments']);
});

test('a conflict on the write answers IN_PROGRESS with a 60-299 s callback and no request id', async () => {
  emulator.faults.conflict({ count: 1, operation: 'CreateAccountAssignment', assignment: TUPLE });
  const response = await invoke('CREATE');
  expect(response.status).toBe('IN_PROGRESS');
  expect(response.callbackDelaySeconds).toBeGreaterThanOrEqual(NATIVE_STRATEGY.retryLaterSeconds.min);
  expect(response.callbackDelaySeconds).toBeLessThan(NATIVE_STRATEGY.retryLaterSeconds.maxExclusive);
  expect(response.callbackContext).toEqual({ attempts: 0 });
  // The callback starts over with the pre-check and succeeds.
  expect(await invoke('CREATE', response.callbackContext)).toMatchObject({ status: 'SUCCESS' });
});

test("a callback carrying the write's request id resumes stabilization without writing again", async () => {
  const first = await invoke('CREATE');
  expect(first.status).toBe('SUCCESS');
  const [creation] = emulator.state.creationStatuses();
  emulator.clearCalls();
  const resumed = await invoke('CREATE', { requestId: creation.requestId, attempts: 3 });
  expect(resumed.status).toBe('SUCCESS');
  expect(emulator.calls().map((call) => call.operation)).toEqual([
    'DescribeAccountAssignmentCreationStatus',
    'ListAccountAssignments',
  ]);
});

test('DELETE: pre-check, write, status; a missing assignment is NotFound', async () => {
  emulator.state.addAccountAssignment(TUPLE);
  expect(await invoke('DELETE')).toMatchObject({ status: 'SUCCESS' });
  expect(emulator.state.accountAssignments()).toEqual([]);
  expect(await invoke('DELETE')).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
});
