import { RETRY_POLICY, retryLaterDelaySeconds, stabilizationDelaySeconds } from '../../src/core/retry-policy';
import {
  firstWait,
  readStabilizationContext,
  RequestStatus,
  stabilizeOnce,
  startStabilization,
} from '../../src/core/stabilizer';

const fixedNow = () => 1_000_000;

test('delays double from the first delay to the cap, jittered within [base/2, base]', () => {
  for (let poll = 0; poll < 10; poll += 1) {
    const base = Math.min(
      RETRY_POLICY.callbackDelayCapSeconds,
      RETRY_POLICY.firstCallbackDelaySeconds * 2 ** poll,
    );
    expect(stabilizationDelaySeconds(poll, () => 0)).toBe(Math.max(1, Math.ceil(base / 2)));
    expect(stabilizationDelaySeconds(poll, () => 0.999999)).toBe(base);
  }
  expect(stabilizationDelaySeconds(50, Math.random)).toBeLessThanOrEqual(
    RETRY_POLICY.callbackDelayCapSeconds,
  );
});

test('retry-later delays stay within their documented bounds', () => {
  expect(retryLaterDelaySeconds(() => 0)).toBe(RETRY_POLICY.retryLaterDelaySeconds.min);
  expect(retryLaterDelaySeconds(() => 0.999999)).toBe(RETRY_POLICY.retryLaterDelaySeconds.max);
});

test('a new request starts with no polls and waits the first delay', () => {
  const context = startStabilization('req-1', fixedNow);
  expect(context).toEqual({ requestId: 'req-1', startedAt: 1_000_000, polls: 0 });
  expect(firstWait(context, () => 0.999999)).toEqual({
    kind: 'wait',
    context,
    delaySeconds: RETRY_POLICY.firstCallbackDelaySeconds,
  });
});

test.each<[RequestStatus, string]>([
  [{ status: 'SUCCEEDED' }, 'succeeded'],
  [{ status: 'FAILED', reason: 'no' }, 'failed'],
  [{ status: 'IN_PROGRESS' }, 'wait'],
])('status %j → %s', async (status, kind) => {
  const checked: string[] = [];
  const step = await stabilizeOnce(
    { requestId: 'req-2', startedAt: 1_000_000, polls: 3 },
    async (requestId) => {
      checked.push(requestId);
      return status;
    },
    { now: fixedNow, random: () => 0.5 },
  );
  expect(step.kind).toBe(kind);
  expect(checked).toEqual(['req-2']);
  if (step.kind === 'wait') expect(step.context.polls).toBe(4);
  if (step.kind === 'failed') expect(step.reason).toBe('no');
});

test('past the deadline an in-progress request times out', async () => {
  const step = await stabilizeOnce(
    { requestId: 'req-3', startedAt: 0, polls: 1 },
    async () => ({ status: 'IN_PROGRESS' }),
    { now: () => 5000, deadlineMs: 5000 },
  );
  expect(step).toEqual({ kind: 'timed-out', elapsedMs: 5000 });
});

test('only a well-formed callback context is read back', () => {
  expect(readStabilizationContext({ requestId: 'r', startedAt: 1, polls: 0, extra: true })).toEqual({
    requestId: 'r',
    startedAt: 1,
    polls: 0,
  });
  expect(readStabilizationContext({ startedAt: 1 })).toBeUndefined();
  expect(readStabilizationContext(null)).toBeUndefined();
  expect(readStabilizationContext({ requestId: 1, startedAt: 1, polls: 0 })).toBeUndefined();
});
