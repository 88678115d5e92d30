import {
  callbackDelayForElapsed,
  CHECK_TIME_SCALE_ENV,
  inInvocationCheckOffsetsMs,
  RETRY_POLICY,
  retryLaterDelaySeconds,
  stabilizationDelaySeconds,
} from '../../src/core/retry-policy';
import { firstWait, RequestStatus, stabilizeOnce } from '../../src/core/stabilizer';

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

test('after the in-invocation checks, the callback delay is a jittered share of the time taken, capped', () => {
  const share = RETRY_POLICY.callbackShareOfElapsed;
  // A few seconds in: CloudFormation's own re-invocation is the wait.
  expect(callbackDelayForElapsed(4_000, () => 0.999999)).toBe(0);
  expect(callbackDelayForElapsed(50_000, () => 0)).toBe(Math.floor((share * 50) / 2));
  expect(callbackDelayForElapsed(55_000, () => 0.999999)).toBe(Math.floor(share * 55));
  expect(callbackDelayForElapsed(3_600_000, () => 0.999999)).toBe(RETRY_POLICY.callbackDelayCapSeconds);
  expect(callbackDelayForElapsed(3_600_000, () => 0)).toBe(RETRY_POLICY.callbackDelayCapSeconds / 2);
  expect(callbackDelayForElapsed(-5, () => 0.5)).toBe(0);
});

test('the in-invocation check offsets grow to a few seconds; the test knob only shrinks them', () => {
  const offsets = RETRY_POLICY.inInvocationCheckOffsetsMs;
  expect([...offsets].sort((left, right) => left - right)).toEqual([...offsets]);
  expect(offsets[offsets.length - 1]).toBeLessThanOrEqual(5_000);
  expect(inInvocationCheckOffsetsMs({})).toEqual(offsets);
  expect(inInvocationCheckOffsetsMs({ [CHECK_TIME_SCALE_ENV]: '0.1' })).toEqual(
    offsets.map((offset) => offset / 10),
  );
  for (const ignored of ['2', '0', '-1', 'fast']) {
    expect(inInvocationCheckOffsetsMs({ [CHECK_TIME_SCALE_ENV]: ignored })).toEqual(offsets);
  }
});

test('retry-later delays stay within their documented bounds', () => {
  expect(retryLaterDelaySeconds(() => 0)).toBe(RETRY_POLICY.retryLaterDelaySeconds.min);
  expect(retryLaterDelaySeconds(() => 0.999999)).toBe(RETRY_POLICY.retryLaterDelaySeconds.max);
});

test('an accepted write starts confirming with no polls and waits the first delay', () => {
  const step = firstWait({ version: 1, startedAt: 1_000_000, phase: 'submit' }, () => 0.999999);
  expect(step).toEqual({
    kind: 'wait',
    progress: { version: 1, startedAt: 1_000_000, phase: 'confirm', polls: 0 },
    delaySeconds: RETRY_POLICY.firstCallbackDelaySeconds,
  });
});

test.each<[RequestStatus, string]>([
  [{ status: 'SUCCEEDED' }, 'succeeded'],
  [{ status: 'FAILED', reason: 'no' }, 'failed'],
  [{ status: 'IN_PROGRESS' }, 'wait'],
])('status %j → %s', async (status, kind) => {
  let checks = 0;
  const step = await stabilizeOnce(
    { version: 1, requests: ['req-2'], startedAt: 1_000_000, phase: 'confirm', polls: 3 },
    async () => {
      checks += 1;
      return status;
    },
    { now: fixedNow, random: () => 0.5 },
  );
  expect(step.kind).toBe(kind);
  expect(checks).toBe(1);
  if (step.kind === 'wait')
    expect(step.progress).toEqual({
      version: 1,
      requests: ['req-2'],
      startedAt: 1_000_000,
      phase: 'confirm',
      polls: 4,
    });
  if (step.kind === 'failed') expect(step.reason).toBe('no');
});

test('past the deadline an in-progress request times out', async () => {
  const step = await stabilizeOnce(
    { version: 1, requests: ['req-3'], startedAt: 0, phase: 'confirm', polls: 1 },
    async () => ({ status: 'IN_PROGRESS' }),
    { now: () => 5000, deadlineMs: 5000 },
  );
  expect(step).toEqual({ kind: 'timed-out', elapsedMs: 5000 });
});
