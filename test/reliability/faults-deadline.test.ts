// Cells that run into the 25-minute stabilization deadline, on virtual time (support/deadline.ts), for every
// registered type. They also check, from the invocation records, that the callback delays the handlers chose
// were jittered and capped as the retry policy says (src/core/retry-policy.ts). Each type's own deadline
// cells (a write that never finishes, a write that succeeded and vanished) are in
// test/<key>/faults-deadline.test.ts.
import { callbackDelays, countCalls, TYPES } from './support/harness';
import { expectEndedAtDeadline, FOREVER, RETRY_LATER, useDeadlineRun } from './support/deadline';
import { NO_RETRY_LAMBDA_TIMEOUT_MS } from './support/transient-cells';

const { emulator, virtualDriver } = useDeadlineRun();

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
    // No write tried twice in an invocation: once per retry-later answer, plus the last, for each service resource
    // whose write had started when the first answer came back throttled (a group sends its writes in one stream).
    const invocationsThatWrote = retryDelays.length + 1;
    expect(countCalls(emulator(), type.createOperation)).toBeGreaterThanOrEqual(invocationsThatWrote);
    expect(countCalls(emulator(), type.createOperation)).toBeLessThanOrEqual(
      invocationsThatWrote * type.size(),
    );
    expect(type.copies(emulator())).toBe(0);
    // A group plays about 170 virtual invocations, each a real handler run: more than Jest's 30 s on a loaded machine.
  }, 120_000);
});
