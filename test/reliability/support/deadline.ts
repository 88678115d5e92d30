// Set-up and checks for the cells that run into the 25-minute stabilization deadline, on virtual time:
// Date.now() (seen by the handlers and by the emulator's clock) moves forward by each callbackDelaySeconds
// instead of the driver sleeping, so a whole 25-minute operation takes a few hundred fast invocations. The
// every-type cells are in test/reliability/faults-deadline.test.ts, each type's own in test/<key>/.
import type { Driver, RunOptions, RunResult } from '../../../dev/driver';
import type { RunningEmulator } from '../../../dev/emulator';
import { RETRY_POLICY } from '../../../src/core/retry-policy';
import { driverFor, muteConsole, type TypeUnderTest, useEmulator, useVirtualTime } from './harness';
import { type Interceptor, useInterceptor } from './interceptor';

export const DEADLINE_MS = RETRY_POLICY.stabilizationDeadlineMs;
export const CAP_SECONDS = RETRY_POLICY.callbackDelayCapSeconds;
export const RETRY_LATER = RETRY_POLICY.retryLaterDelaySeconds;
/** More than a 25-minute operation can take at the shortest delay the policy allows. */
const MAX_INVOCATIONS = 1_000;
/** Fault counts that outlast any operation here. */
export const FOREVER = 100_000;

export interface DeadlineRun {
  emulator: () => RunningEmulator;
  intercept: () => Interceptor;
  /** A driver for the type on virtual time; `onWake` runs between invocations (after the virtual wait). */
  virtualDriver(
    type: TypeUnderTest,
    onWake?: (wait: number) => void,
    overrides?: Partial<RunOptions>,
  ): Driver;
}

/**
 * The file's emulator behind an interceptor, and virtual time, for every test of the file. Every cell goes
 * through the interceptor, whose Date header follows the virtual clock.
 */
export function useDeadlineRun(): DeadlineRun {
  const emulator = useEmulator();
  const intercept = useInterceptor(emulator);
  const time = useVirtualTime();

  beforeEach(() => {
    muteConsole();
    intercept();
  });
  afterEach(() => jest.restoreAllMocks());

  return {
    emulator,
    intercept,
    virtualDriver: (type, onWake, overrides = {}) =>
      driverFor(type, {
        timeScale: 1,
        sleep: time().sleeper(onWake),
        now: time().now,
        maxInvocations: MAX_INVOCATIONS,
        ...overrides,
      }).driver,
  };
}

/**
 * The operation lasted the deadline and not much more: the last wait is at most one callback delay (the
 * extra 2 s cover the real time the invocations themselves took, which the virtual clock also counts).
 */
export function expectEndedAtDeadline(result: RunResult, lastDelayCapSeconds: number): void {
  expect(result.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS);
  expect(result.elapsedMs).toBeLessThan(DEADLINE_MS + (lastDelayCapSeconds + 2) * 1000);
}

/**
 * Stabilization delays: never above the cap; once the write has taken cap ÷ callbackShareOfElapsed seconds (the
 * delays alone add up to that, whichever schedule led there), jittered within [cap/2, cap].
 */
export function expectJitteredAndCapped(delays: number[]): void {
  expect(Math.max(...delays)).toBeLessThanOrEqual(CAP_SECONDS);
  const cappedAfterSeconds = CAP_SECONDS / RETRY_POLICY.callbackShareOfElapsed;
  let waited = 0;
  const waitedBefore = delays.map((delay) => {
    const before = waited;
    waited += delay;
    return before;
  });
  const capped = delays.filter((_, index) => (waitedBefore[index] ?? 0) >= cappedAfterSeconds);
  expect(capped.length).toBeGreaterThan(100);
  expect(Math.min(...capped)).toBeGreaterThanOrEqual(CAP_SECONDS / 2);
  expect(new Set(capped).size).toBeGreaterThanOrEqual(3);
  // Bounded: at least cap/2 seconds per invocation once capped, so no more than deadline / (cap/2) of them.
  expect(delays.length).toBeLessThanOrEqual(DEADLINE_MS / 1000 / (CAP_SECONDS / 2) + 40);
}
