/**
 * Every retry and wait number in one place. Reasons:
 * - SDK attempts: the SDK's standard strategy (capped, full-jitter exponential backoff) retries throttling,
 *   5xx and, with the middleware in client.ts, ConflictException within one invocation.
 * - Callback delays: CloudFormation re-invokes the handler after `callbackDelaySeconds`; SSO account
 *   assignment provisioning usually takes seconds, so the first wait is short and grows to a cap instead
 *   of the native handler's fixed 5 s poll and 60-300 s waits after throttling.
 */
export const RETRY_POLICY = {
  /** Attempts per SDK call (first try included). */
  sdkMaxAttempts: 4,
  /** Per attempt: time to connect, and time for the whole response. */
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  /** Stabilization polls: first callback delay, doubling up to the cap (seconds, CloudFormation's unit). */
  firstCallbackDelaySeconds: 1,
  callbackDelayCapSeconds: 10,
  /** After the SDK's retries are spent on Throttling/Conflict, a write calls back after this many seconds. */
  retryLaterDelaySeconds: { min: 3, max: 15 },
  /** Create/delete give up with NotStabilized after this long (the schema's timeoutInMinutes is 30). */
  stabilizationDeadlineMs: 25 * 60 * 1000,
  /**
   * A write of many assignments (an assignment group) sends and checks them for at most this long per invocation,
   * then records its progress and calls back: a crash loses at most this much unrecorded work, and no invocation
   * is held long.
   */
  batchWorkMs: 40_000,
  /**
   * After an asynchronous write is accepted, its status is checked within the same invocation this long (at the
   * offsets below, from when the invocation began waiting) before the wait is handed to CloudFormation: an
   * assignment is often provisioned in a second or two, and each callback costs a re-invocation on top of its
   * delay. A few seconds, so no invocation is held long.
   */
  inInvocationCheckOffsetsMs: [500, 1_000, 1_500, 2_000, 3_000, 4_000],
  /**
   * No in-invocation checks while a call of the process was throttled this recently: the collective quota is
   * contended (many resources of a stack at once), and a check every half second would take its share from the
   * writes; the wait goes to CloudFormation at once.
   */
  skipInvocationChecksAfterThrottleMs: 10_000,
  /**
   * Once handed to CloudFormation, the next check comes after about this share of the time the write has taken
   * (jittered, whole seconds, at most callbackDelayCapSeconds): a late check costs at most that share.
   */
  callbackShareOfElapsed: 0.12,
  /** Work in one invocation stops this long before the Lambda timeout, to leave time to answer. */
  invocationSafetyMarginMs: 5_000,
} as const;

export type RandomSource = () => number;

/**
 * Delay before stabilization poll `poll` (0-based): the doubling base capped, with "equal jitter"
 * (uniform in [base/2, base]) so that many resources created together do not poll in lockstep.
 */
export function stabilizationDelaySeconds(poll: number, random: RandomSource = Math.random): number {
  const base = Math.min(
    RETRY_POLICY.callbackDelayCapSeconds,
    RETRY_POLICY.firstCallbackDelaySeconds * 2 ** Math.max(0, poll),
  );
  return Math.max(1, Math.ceil(base / 2 + (random() * base) / 2));
}

/**
 * Test and development knob: a factor in (0, 1] on the in-invocation check offsets (tests whose emulator provisions
 * in milliseconds set it low). A registered type's Lambda has no environment of ours, so production always runs
 * on RETRY_POLICY.
 */
export const CHECK_TIME_SCALE_ENV = 'SSO_CHECK_TIME_SCALE';

/** RETRY_POLICY.inInvocationCheckOffsetsMs, scaled by CHECK_TIME_SCALE_ENV when it is set (down only). */
export function inInvocationCheckOffsetsMs(env: NodeJS.ProcessEnv = process.env): readonly number[] {
  const scale = Number(env[CHECK_TIME_SCALE_ENV]);
  const factor = Number.isFinite(scale) && scale > 0 && scale < 1 ? scale : 1;
  return RETRY_POLICY.inInvocationCheckOffsetsMs.map((offset) => Math.round(offset * factor));
}

/**
 * Callback delay for a write still in progress after `elapsedMs` (since the operation began) and after its
 * in-invocation checks: about callbackShareOfElapsed of the elapsed time, with "equal jitter" so that resources
 * created together do not poll in lockstep, in whole seconds (CloudFormation's unit; 0 re-invokes at once).
 */
export function callbackDelayForElapsed(elapsedMs: number, random: RandomSource = Math.random): number {
  // Whole seconds, rounded down (a late check costs at most the share), with the cap itself reachable.
  const base = Math.min(
    RETRY_POLICY.callbackDelayCapSeconds + 0.999,
    (RETRY_POLICY.callbackShareOfElapsed * Math.max(0, elapsedMs)) / 1000,
  );
  return Math.min(RETRY_POLICY.callbackDelayCapSeconds, Math.floor(base / 2 + (random() * base) / 2));
}

/** Jittered callback delay for a write that is still throttled or in conflict after the SDK's retries. */
export function retryLaterDelaySeconds(random: RandomSource = Math.random): number {
  const { min, max } = RETRY_POLICY.retryLaterDelaySeconds;
  return min + Math.floor(random() * (max - min + 1));
}
