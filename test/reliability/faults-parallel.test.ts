// Many resources at once against the emulator's real limits: a collective 20 requests per second and at most
// 15 outstanding asynchronous account-assignment writes (https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html,
// "Throttle limits"; the emulator's defaults). 30 CREATEs run in parallel, as CloudFormation runs the
// independent resources of one stack; every one must end SUCCESS, with throttling absorbed by the SDK's
// retries and the handlers' retry-later callbacks. (At 20 requests per second the run's length is set by
// the number of calls, about 5 per account-assignment CREATE, so DELETEs are left to the other cells.)
import type { ResourceProperties } from '../../dev/driver';
import {
  countCalls,
  driverFor,
  errorCodes,
  muteConsole,
  sessionCredentials,
  TYPES,
  type TypeUnderTest,
  useEmulator,
} from './support/harness';
import { reliabilityProfile } from './support/profile';

const RESOURCES = 30;

// Real limits; writes stay IN_PROGRESS long enough for the outstanding-write limit to bite.
const emulator = useEmulator({ requestsPerSecond: 20, maxOutstandingAsyncWrites: 15, provisioningMs: 200 });

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

function copiesOf(type: TypeUnderTest, models: ResourceProperties[]): number {
  return models.reduce((total, model) => total + type.copies(emulator(), model), 0);
}

describe.each(TYPES)('$typeName: 30 resources in parallel at 20 requests per second', (type) => {
  // Each type makes its own distinct models (test/<key>/reliability-profile.ts).
  const { parallelModels } = reliabilityProfile(type.key);

  test('30 CREATEs in parallel all end SUCCESS; throttling is absorbed; exactly 30 assignments, no write left in flight', async () => {
    const resources = parallelModels(emulator(), RESOURCES);
    expect(new Set(resources.map((model) => JSON.stringify(model))).size).toBe(RESOURCES);
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
