// Cells that run into the 25-minute stabilization deadline, on virtual time: Date.now() (seen by the handlers
// and by the emulator's clock) moves forward by each callbackDelaySeconds instead of the driver sleeping, so
// a whole 25-minute operation takes a few hundred fast invocations. These cells also check, from the
// invocation records, that the callback delays the handlers chose were jittered and capped as the retry
// policy says (src/core/retry-policy.ts).
import type { RunOptions, RunResult } from '../../dev/driver';
import { RETRY_POLICY } from '../../src/core/retry-policy';
import {
  callbackDelays,
  countCalls,
  driverFor,
  muteConsole,
  TYPES,
  type TypeUnderTest,
  useEmulator,
  useVirtualTime,
} from './support/harness';
import { APPLICATION_ASSIGNMENT } from '../application-assignment/under-test';
import { ACCOUNT_ASSIGNMENT, tupleOf } from '../assignment/under-test';
import { useInterceptor } from './support/interceptor';
import { NO_RETRY_LAMBDA_TIMEOUT_MS } from './support/transient-cells';

const DEADLINE_MS = RETRY_POLICY.stabilizationDeadlineMs;
const CAP_SECONDS = RETRY_POLICY.callbackDelayCapSeconds;
const RETRY_LATER = RETRY_POLICY.retryLaterDelaySeconds;
/** More than a 25-minute operation can take at the shortest delay the policy allows. */
const MAX_INVOCATIONS = 1_000;
/** Fault counts that outlast any operation here. */
const FOREVER = 100_000;

const emulator = useEmulator();
const intercept = useInterceptor(emulator);

const time = useVirtualTime();

beforeEach(() => {
  muteConsole();
  // Every cell goes through the interceptor, whose Date header follows the virtual clock.
  intercept();
});
afterEach(() => jest.restoreAllMocks());

/** Runs the operation on virtual time; `onWake` runs between invocations (after the virtual wait). */
function virtualDriver(
  type: TypeUnderTest,
  onWake?: (wait: number) => void,
  overrides: Partial<RunOptions> = {},
) {
  const options = {
    timeScale: 1,
    sleep: time().sleeper(onWake),
    now: time().now,
    maxInvocations: MAX_INVOCATIONS,
    ...overrides,
  };
  return driverFor(type, options).driver;
}

/**
 * The operation lasted the deadline and not much more: the last wait is at most one callback delay (the
 * extra 2 s cover the real time the invocations themselves took, which the virtual clock also counts).
 */
function expectEndedAtDeadline(result: RunResult, lastDelayCapSeconds: number): void {
  expect(result.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS);
  expect(result.elapsedMs).toBeLessThan(DEADLINE_MS + (lastDelayCapSeconds + 2) * 1000);
}

/** Stabilization delays: never above the cap, the capped ones jittered within [cap/2, cap]. */
function expectJitteredAndCapped(delays: number[]): void {
  expect(Math.max(...delays)).toBeLessThanOrEqual(CAP_SECONDS);
  // Once the doubling base has reached the cap (from the fifth check on), delays are uniform in [cap/2, cap].
  const capped = delays.slice(5);
  expect(capped.length).toBeGreaterThan(100);
  expect(Math.min(...capped)).toBeGreaterThanOrEqual(CAP_SECONDS / 2);
  expect(new Set(capped).size).toBeGreaterThanOrEqual(3);
  // Bounded: at least cap/2 seconds per invocation once capped, so no more than deadline / (cap/2) of them.
  expect(delays.length).toBeLessThanOrEqual(DEADLINE_MS / 1000 / (CAP_SECONDS / 2) + 10);
}

describe('provisioning slower than the stabilization deadline', () => {
  test(`${ACCOUNT_ASSIGNMENT.typeName}: the creation request stays IN_PROGRESS → FAILED NotStabilized after 25 min, delays jittered and capped, one Create`, async () => {
    const type = ACCOUNT_ASSIGNMENT;
    emulator().faults.stuck(tupleOf(type.model));
    const result = await virtualDriver(type).create(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expectEndedAtDeadline(result, CAP_SECONDS);
    const delays = callbackDelays(result);
    // The submit marker (0 s), then the first check after 1 s, then growing.
    expect(delays.slice(0, 2)).toEqual([0, RETRY_POLICY.firstCallbackDelaySeconds]);
    expectJitteredAndCapped(delays.slice(1));
    expect(countCalls(emulator(), type.createOperation)).toBe(1);
    // The request is still in flight on the service side, and nothing was created.
    expect(emulator().state.outstandingAsyncWrites()).toBe(1);
    expect(type.copies(emulator())).toBe(0);
  });

  test(`${ACCOUNT_ASSIGNMENT.typeName}: the deletion request stays IN_PROGRESS → FAILED NotStabilized after 25 min, one Delete`, async () => {
    const type = ACCOUNT_ASSIGNMENT;
    type.addOutOfBand(emulator());
    emulator().faults.stuck(tupleOf(type.model));
    const result = await virtualDriver(type).del(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expectEndedAtDeadline(result, CAP_SECONDS);
    expectJitteredAndCapped(callbackDelays(result));
    expect(countCalls(emulator(), type.deleteOperation)).toBe(1);
    expect(type.copies(emulator())).toBe(1);
  });

  test(`${APPLICATION_ASSIGNMENT.typeName} (synchronous; nearest equivalent): DescribeApplicationAssignment never reflects the created assignment → created once more after 3 checks, FAILED NotStabilized after 25 min, never a duplicate`, async () => {
    const type = APPLICATION_ASSIGNMENT;
    emulator().faults.error({
      errorName: 'ResourceNotFoundException',
      operation: type.readOperation,
      count: FOREVER,
    });
    const result = await virtualDriver(type).create(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expectEndedAtDeadline(result, CAP_SECONDS);
    const delays = callbackDelays(result);
    expect(delays[0]).toBe(0);
    // After 3 read-backs without it, the handler creates once more (safe to repeat), which restarts the
    // schedule for one cycle; from then on the delays are jittered and capped until the deadline.
    expectJitteredAndCapped(delays.slice(3));
    expect(countCalls(emulator(), type.createOperation)).toBe(2);
    expect(type.copies(emulator())).toBe(1);
  });

  test(`${APPLICATION_ASSIGNMENT.typeName} (synchronous; nearest equivalent): DescribeApplicationAssignment keeps showing the deleted assignment → FAILED NotStabilized after 25 min, one Delete`, async () => {
    const type = APPLICATION_ASSIGNMENT;
    type.addOutOfBand(emulator());
    // Right after DeleteApplicationAssignment answers, the assignment is back, as a read-back that lags would show it.
    intercept().onAnswered(type.deleteOperation, () => type.addOutOfBand(emulator()));
    const result = await virtualDriver(type).del(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expectEndedAtDeadline(result, CAP_SECONDS);
    expectJitteredAndCapped(callbackDelays(result));
    expect(countCalls(emulator(), type.deleteOperation)).toBe(1);
  });
});

describe.each(TYPES)('$typeName: a write throttled for longer than the deadline', (type) => {
  test('every invocation calls back after a jittered 3–15 s; at the deadline → FAILED Throttling', async () => {
    emulator().faults.throttle({ count: FOREVER, operation: type.createOperation });
    // No SDK retry fits in a 15 s Lambda, so each invocation makes one attempt (fast on real time too).
    const result = await virtualDriver(type, undefined, {
      lambdaTimeoutMs: NO_RETRY_LAMBDA_TIMEOUT_MS,
    }).create(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'Throttling' });
    expectEndedAtDeadline(result, RETRY_LATER.max);
    const retryDelays = callbackDelays(result).slice(1); // after the submit marker
    expect(Math.min(...retryDelays)).toBeGreaterThanOrEqual(RETRY_LATER.min);
    expect(Math.max(...retryDelays)).toBeLessThanOrEqual(RETRY_LATER.max);
    expect(new Set(retryDelays).size).toBeGreaterThanOrEqual(5);
    // One attempt per invocation: the write was tried exactly once per retry-later answer, plus the last.
    expect(countCalls(emulator(), type.createOperation)).toBe(retryDelays.length + 1);
    expect(type.copies(emulator())).toBe(0);
  });
});

describe('the assignment deleted out of band after the write succeeded, before the handler read it back', () => {
  test(`${ACCOUNT_ASSIGNMENT.typeName}: the creation request SUCCEEDED but the assignment is not listed → submitted again → SUCCESS, one assignment`, async () => {
    const type = ACCOUNT_ASSIGNMENT;
    // The Create's first virtual wait (1 s) outlasts provisioning: the request SUCCEEDS, then someone removes
    // the assignment before the handler checks the status and lists it.
    let created = false;
    let removed = false;
    intercept().onAnswered(type.createOperation, () => {
      created = true;
    });
    const driver = virtualDriver(type, () => {
      if (created && !removed) removed = type.removeOutOfBand(emulator());
    });
    const result = await driver.create(type.model);

    expect(removed).toBe(true);
    expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
    expect(countCalls(emulator(), type.createOperation)).toBe(2);
    expect(type.copies(emulator())).toBe(1);
  });

  test(`${APPLICATION_ASSIGNMENT.typeName}: CreateApplicationAssignment succeeded and the assignment is gone before the read-back → created again → SUCCESS, one assignment`, async () => {
    const type = APPLICATION_ASSIGNMENT;
    let removed = false;
    intercept().onAnswered(type.createOperation, () => {
      if (!removed) removed = type.removeOutOfBand(emulator());
    });
    const result = await virtualDriver(type).create(type.model);

    expect(removed).toBe(true);
    expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
    expect(countCalls(emulator(), type.createOperation)).toBe(2);
    expect(type.copies(emulator())).toBe(1);
  });
});
