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
  /**
   * Runs per separate-resources strategy in a quick run: one run of ours is 500 Lambda environments, about 45 s of
   * wall time, and three would take the quick run past its five minutes. The group row keeps `runs`.
   */
  quickSeparateRuns: 1,
} as const;

/** How many seeds section 4's separate resources run with in `mode` (the committed results: `full`). */
export function separateScaleRuns(mode: 'quick' | 'full'): number {
  return mode === 'quick' ? SCALE.quickSeparateRuns : SCALE.runs;
}

/**
 * The group rows: ours as ONE resource standing for Principals x PermissionSets x accounts, against the same
 * emulator quotas and provisioning time as SCALE (SCALE.requestsPerSecond, maxOutstandingAsyncWrites,
 * provisioningMs) and the same seeds.
 */
export const GROUP_SCALE = {
  /** Section 4's row, next to SCALE's 500 separate resources: 5 x 2 x 50 = 500. */
  scale: { principals: 5, permissionSets: 2, accounts: 50 },
  /**
   * Section 8: 10 x 5 x 200 = 10,000 (the most one group may stand for); its UPDATE replaces 2 of the 10
   * principals, so 2 x 5 x 200 = 2,000 assignments are created and 2,000 deleted.
   */
  large: { principals: 10, permissionSets: 5, accounts: 200, replacedPrincipals: 2 },
  /** `npm run bench -- --quick`: the same section on a 2,000-assignment group (10 x 5 x 40), a quick look. */
  quick: { principals: 10, permissionSets: 5, accounts: 40, replacedPrincipals: 2 },
  /**
   * The fewest SSO Admin calls per assignment a group writes: the write and one status read that sees it finished.
   * A group needs no per-assignment pre-check: its listing (below) reads 100 assignments a call.
   */
  minCallsPerWrite: 2,
  /** ListAccountAssignmentsForPrincipal's largest page: what exists is read 100 assignments a call, per principal. */
  listPageSize: 100,
} as const;

/**
 * The group's performance goals (tracked, not yet met): time ÷ physical limit for 500 and for 10,000 assignments in
 * one group, peak memory within the Lambda's, a READ of the large group in one invocation within 10 s.
 */
export const GROUP_GOALS = { ratioToLimit: 1.1, readMs: 10_000, readInvocations: 1 } as const;

/**
 * Section 9: what resolving a group's declaration costs in a large organisation, at the quotas. The organisation is
 * generated (lib/organization.ts): 1,000 active accounts in 50 OUs up to four levels deep, the management account at
 * the root, a few suspended accounts; the instance holds many permission sets (the console's guide suggests the API
 * beyond 500; the default quota is 2,000).
 */
export const RESOLUTION = {
  activeAccounts: 1_000,
  organizationalUnits: 50,
  suspendedAccounts: 5,
  permissionSets: 500,
  /** The names case: principals by name (groups, then users) and permission sets by name, the last ones listed. */
  namedGroups: 3,
  namedUsers: 2,
  namedPermissionSets: 3,
  /** The account-check case: accounts listed by ID (section 8's --quick shape), in the large organisation. */
  listedAccounts: 40,
  /** SSO Admin's published collective rate (section 4's), requests/s. */
  ssoRequestsPerSecond: 20,
  /**
   * Organizations' rate, requests/s: the emulator's assumption (AWS publishes none; dev/emulator/server.ts DEFAULTS),
   * and the pace the handler keeps (ORGANIZATIONS_MIN_TIME_MS = 100).
   */
  organizationsRequestsPerSecond: 10,
  /** The most one Organizations List page holds in the emulator (the model allows MaxResults up to 20). */
  organizationsPageSize: 10,
  /** ListPermissionSets' largest page (MaxResults 100), as the handler asks. */
  permissionSetPageSize: 100,
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

/** DynamoDB's largest item, 400 KB (DynamoDB developer guide, "Service, account, and table quotas"). */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;
