/** The shapes of every section's result, as written to bench/results/latest.json. */
import type { ResolutionFigures, ServiceCounts } from './resolution';

export type Strategy = 'ours' | 'native';

/** A scale row: separate resources of our type or the native-like stand-in, or ours as one group. */
export type ScaleStrategy = Strategy | 'group';

export interface OperationFigures {
  /** Virtual time from the first invocation to the terminal answer (median over repetitions). */
  totalMs: number;
  /** totalMs / provisioning time. */
  ratio: number;
  /** Range of totalMs over the repetitions that succeeded. */
  totalMinMs: number;
  totalMaxMs: number;
  /** SSO Admin calls the operation made (median). */
  apiCalls: number;
  /** Handler invocations (median). */
  invocations: number;
  /** Operations that did not end in SUCCESS, out of the repetitions. */
  failures: number;
}

export interface ConvergenceCase {
  strategy: Strategy;
  provisioningMs: number;
  repetitions: number;
  create: OperationFigures;
  delete: OperationFigures;
}

export interface ScaleRun {
  strategy: ScaleStrategy;
  /** Math.random seed of this run. */
  seed: number;
  assignments: number;
  /** CREATE operations of the run: one per assignment, or 1 for the group. */
  resources: number;
  /** Of the resources. */
  succeeded: number;
  failures: number;
  /** Error codes (or driver error codes) of the failures, with counts. */
  failureCodes: Record<string, number>;
  /** Virtual time until the last CREATE answered. */
  totalMs: number;
  ratioToLimit: number;
  /** Per-assignment completion time percentiles. */
  p50Ms: number;
  p95Ms: number;
  apiCalls: number;
  throttles: number;
  invocations: number;
  /**
   * Separate resources: the Lambda execution environments (handler processes) the invocations ran in, the peak
   * number of concurrent invocations (lib/lambda-environments.ts). Absent for the group.
   */
  environments?: number;
  /** Assignments present in the emulator at the end. */
  assignmentsInEmulator: number;
  /** The group's state table: its calls, how many of them saw virtual time move (must be 0), the largest item. */
  stateTable?: StateTableFigures;
  /** The group's resolution (its account check): calls and time before it first read what exists. */
  resolution?: ResolutionFigures;
  wallMs: number;
}

/** A physical limit (lib/limits.ts) with the inputs it was computed from, in words. */
export interface LimitFigures {
  writesBoundMs: number;
  callsBoundMs: number;
  limitMs: number;
  binding: string;
  /** The fewest SSO Admin calls behind callsBoundMs. */
  minCalls: number;
  definition: string;
}

export interface ScaleResult {
  /** The limit of the separate resources' rows. */
  limit: LimitFigures;
  /** The limit of the group row, and the group's shape. */
  group?: {
    typeName: string;
    shape: GroupShape;
    limit: LimitFigures;
    /** Accounts in the emulated organisation the group's accounts were checked against (absent in older results). */
    organizationAccounts?: number;
  };
  runs: ScaleRun[];
}

/** A group's Principals x PermissionSets x accounts. */
export interface GroupShape {
  principals: number;
  permissionSets: number;
  accounts: number;
}

/** What the state table process counted (bench/virtual/state-table-server.ts). */
export interface TableStats {
  calls: Record<string, number>;
  /** DynamoDB's size of the largest item written (attribute names and values), bytes. */
  largestItemBytes: number;
}

export interface StateTableFigures {
  calls: number;
  /** Table calls during which the virtual clock moved: must be 0, or durations are wrong. */
  clockMoved: number;
  largestItemBytes: number;
}

export type GroupOperation = 'CREATE' | 'UPDATE' | 'READ' | 'DELETE';

/** One operation of section 8 on the large group. */
export interface GroupOperationResult {
  operation: GroupOperation;
  /** Assignment writes the operation needs: creates plus deletes (0 for READ). */
  writes: number;
  succeeded: boolean;
  /** Why it failed: the final status and message, a driver error, or a wrong end state. */
  failure?: string;
  /** Virtual time from the first invocation to the terminal answer. */
  totalMs: number;
  limit: LimitFigures;
  ratioToLimit: number;
  apiCalls: number;
  throttles: number;
  invocations: number;
  stateTable: StateTableFigures;
  /**
   * Peak RSS (maxRSS) of the handler process that served the operation, alone (virtual/handler-process.ts), MB.
   * Results from before it existed hold the worker's (handler, emulator and driver in one process).
   */
  peakRssMb: number;
  /** The group's assignments in the emulator at the end, and how many there should be. */
  assignmentsInEmulator: number;
  expectedInEmulator: number;
  /** CREATE and UPDATE: the resolution (its account check) before the group first read what exists. */
  resolution?: ResolutionFigures;
  wallMs: number;
}

export interface GroupScaleResult {
  typeName: string;
  shape: GroupShape & { replacedPrincipals: number };
  assignments: number;
  /** 'full' (the committed figures) or 'quick' (a smaller group, npm run bench -- --quick). */
  mode: 'full' | 'quick';
  operations: GroupOperationResult[];
  lambdaMemoryMb: number;
  /** DynamoDB's item size limit, bytes. */
  itemLimitBytes: number;
  /** The worker's maxRSS over its whole life (getrusage), MB: since the handler process, the emulator and the driver. */
  workerMaxRssMb: number;
  /** Accounts in the emulated organisation the group's accounts were checked against (absent in older results). */
  organizationAccounts?: number;
}

/** One of section 9's group CREATEs, whose declaration must be resolved. */
export interface ResolutionCaseResult {
  /** Short label: 'root, recursive', '50 OUs', … */
  label: string;
  /** The declaration, in words. */
  declaration: string;
  /** What resolution cost (calls before the first listing of what exists, and that call's arrival). */
  resolution: ResolutionFigures;
  /** The fewest calls per service a correct resolution needs, and how. */
  fewest: ServiceCounts;
  fewestMethod: string;
  /** Per service (fewest - R) / R at the rates; the limit is the largest. */
  limitBoundsMs: ServiceCounts;
  limitMs: number;
  ratioToLimit: number;
  /** Resolution time ÷ the Lambda timeout: resolution is not resumable, it must end within one invocation. */
  lambdaShare: number;
  /** Accounts the targets must resolve to, those the group resolved (AccountCount), and whether its assignments are exactly right. */
  accounts: { expected: number; resolved: number; exact: boolean };
  /** The whole CREATE (resolution, the writes, their confirmation). */
  create: {
    succeeded: boolean;
    failure?: string;
    totalMs: number;
    invocations: number;
    writes: number;
    apiCalls: number;
  };
  wallMs: number;
}

export interface ResolutionResult {
  typeName: string;
  organization: {
    activeAccounts: number;
    organizationalUnits: number;
    suspendedAccounts: number;
    /** Every account, the management account and the suspended ones included. */
    accounts: number;
    maxDepth: number;
  };
  permissionSets: number;
  /** Requests/s per service; Identity Store: not limited by the emulator (absent). */
  rates: Partial<ServiceCounts>;
  organizationsPageSize: number;
  lambdaTimeoutMs: number;
  cases: ResolutionCaseResult[];
}

export interface ListScaleResult {
  accounts: number;
  permissionSets: number;
  /** Assignments in the emulator (one per pair). */
  assignments: number;
  requestsPerSecond: number;
  pages: number;
  /** Models over all pages; duplicates and missing are against what the emulator holds. */
  models: number;
  duplicates: number;
  missing: number;
  /** The failed page, if one failed. */
  failure?: string;
  /** Every SSO Admin request (throttled attempts included), those answered, and those throttled. */
  apiCalls: number;
  answeredCalls: number;
  throttles: number;
  /** The calls the walk cannot do without (see list-scale.ts fewestListCalls). */
  minCalls: number;
  /** Virtual time from the first page's request to the last page's answer. */
  totalMs: number;
  /** minCalls at requestsPerSecond after one second of burst: no LIST can be faster. */
  limitMs: number;
  ratioToLimit: number;
  slowestPageMs: number;
  medianPageMs: number;
  /** The serialized answer of the largest page, and of all pages together (what one unpaged answer would carry). */
  largestPageBytes: number;
  totalBytes: number;
  pageBudget: { workMs: number; answerMs: number; maxModels: number };
  wallMs: number;
  /** Set when the section was measured on its own (`npm run bench -- --only list`) after the rest of the run. */
  measuredSeparately?: { date: string; commit: string };
}

export interface ColdStartResult {
  type: string;
  runs: number;
  /** `node -e 0`, spawn to exit (median). */
  bareNodeMedianMs: number;
  /** New process -> bundle required -> first READ answered (median). */
  handlerMedianMs: number;
  ratio: number;
  /** Inside the handler process (medians): node's own start, require of the bundle, the first READ. */
  bootMedianMs: number;
  requireMedianMs: number;
  firstReadMedianMs: number;
  /** The READ's answer. */
  status: string;
}

export interface PackageSize {
  type: string;
  /** The type's package (build/<type>.zip), bytes. */
  packageBytes: number;
  /** ResourceProvider.zip inside it, bytes. */
  resourceProviderBytes: number;
  /** The one bundled handler file, uncompressed, bytes. */
  bundleBytes: number;
}

export interface MemoryResult {
  /** The type key (absent in results written when only one type was measured). */
  type?: string;
  peakRssMb: number;
  bareNodeRssMb: number;
  lambdaMemoryMb: number;
  ratio: number;
  invocations: number;
  bundle: string;
}

export interface OverheadVariant {
  variant: string;
  invocations: number;
  totalMedianMs: number;
  handlerMedianMs: number;
  overheadMedianMs: number;
}

export interface LogDeliveryCheck {
  variant: string;
  sinkDelayMs: number;
  /** Lines the lib logged before it started waiting for delivery, and how many of them were delivered in time. */
  linesBeforeWait: number;
  deliveredBeforeReturn: number;
  overheadMedianMs: number;
}

export interface OverheadResult {
  variants: OverheadVariant[];
  logDelivery: LogDeliveryCheck[];
  method: string;
}

export interface BenchResults {
  date: string;
  /** The measured commit (git rev-parse --short HEAD), with '+changes' when the work tree differs. */
  commit: string;
  machine: { cpu: string; cores: number; node: string; platform: string };
  model: Record<string, unknown>;
  coldStart?: ColdStartResult[];
  packages?: PackageSize[];
  convergence?: ConvergenceCase[];
  scale?: ScaleResult;
  listScale?: ListScaleResult;
  groupScale?: GroupScaleResult;
  resolution?: ResolutionResult;
  /** Per type; a single object in results written before every type was measured. */
  memory?: MemoryResult[] | MemoryResult;
  overhead?: OverheadResult;
  notes: string[];
  wallSeconds: number;
}
