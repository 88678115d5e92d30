/**
 * The model and the fixed inputs of `npm run bench`. Everything time-related that is not measured is here, so
 * the results file can state it.
 */
export const MODEL = {
  /**
   * CloudFormation's re-invocation overhead: time between the end of callbackDelaySeconds and the start of the
   * next handler invocation (scheduling, the Lambda invoke). A model constant, not a measurement; CloudFormation
   * does not document it. Charged once per re-invocation, for both strategies.
   */
  reinvocationOverheadMs: 1_000,
  /** The Lambda timeout of one handler invocation (the driver's default), for both strategies. */
  lambdaTimeoutMs: 60_000,
  /** Seed of Math.random in the virtual-time workers: the jitter of a run is reproducible. */
  seed: 20_261_121,
} as const;

export const CONVERGENCE = {
  provisioningSeconds: [0.5, 2, 10, 60],
  /** Each case runs this many times (different jitter); the table shows medians and the range. */
  repetitions: 15,
} as const;

export const SCALE = {
  assignments: 500,
  requestsPerSecond: 20,
  maxOutstandingAsyncWrites: 15,
  provisioningMs: 1_000,
  /** The 500 assignments: 10 accounts x 5 permission sets x 10 groups (10 per account/permission-set pair). */
  accounts: 10,
  permissionSets: 5,
  groups: 10,
  /**
   * The fewest SSO Admin calls a correct CREATE can make: the AlreadyExists pre-check (ListAccountAssignments),
   * CreateAccountAssignment, and one DescribeAccountAssignmentCreationStatus that sees SUCCEEDED.
   */
  minCallsPerAssignment: 3,
  /** Runs per strategy, each with its own seed (MODEL.seed + run); the table shows the median run. */
  runs: 3,
} as const;

export const LIST_SCALE = {
  /** One assignment per account and permission set pair (25,000): every pair is provisioned, so listed. */
  accounts: 500,
  permissionSets: 50,
  requestsPerSecond: 20,
} as const;

export const COLD_START = {
  /** Runs of each (node -e 0, the handler); interleaved. */
  runs: 12,
} as const;

export const OVERHEAD = {
  /**
   * Measured invocations per variant, after one warm-up invocation. The patched run is long so that the table
   * can compare its first and last 30 invocations (the per-invocation cost grows with the invocations a process
   * has served; see bench/README.md).
   */
  invocationsPatched: 600,
  invocationsOriginal: 6,
  /** The asynchronous log sink's delivery time per line, for the log-delivery check. */
  asyncSinkDelayMs: 20,
} as const;

/** The Lambda memory size the SAM template declares (template.yml Globals.Function.MemorySize). */
export const LAMBDA_MEMORY_MB = 256;
