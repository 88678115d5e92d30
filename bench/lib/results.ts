/** The shapes of every section's result, as written to bench/results/latest.json. */

export type Strategy = 'ours' | 'native';

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
  strategy: Strategy;
  /** Math.random seed of this run. */
  seed: number;
  assignments: number;
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
  /** Assignments present in the emulator at the end. */
  assignmentsInEmulator: number;
  wallMs: number;
}

export interface ScaleResult {
  limit: {
    writesBoundMs: number;
    callsBoundMs: number;
    limitMs: number;
    binding: string;
    definition: string;
  };
  runs: ScaleRun[];
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
  /** Per type; a single object in results written before every type was measured. */
  memory?: MemoryResult[] | MemoryResult;
  overhead?: OverheadResult;
  notes: string[];
  wallSeconds: number;
}
