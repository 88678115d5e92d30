/**
 * Ours as ONE group on virtual time (see ../lib/virtual-runtime.ts): a resource standing for Principals x
 * PermissionSets x accounts, against the emulator at section 4's quotas and provisioning time, its state in
 * dynalite (a child process, ./state-table.ts). Section 4's group row (500 assignments, one CREATE per seed) and
 * section 8 (the largest group: CREATE, UPDATE, READ, DELETE).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearStateTable, DEFAULT_WORLD, startEmulator, type RunningEmulator } from '../../dev/emulator';
import { Driver, DriverError, type ResourceProperties, type RunResult } from '../../dev/driver';
import { groupAssignmentsOf } from '../../dev/types';
import { GROUP_TYPE, groupEntrypoint, loadGroupHandlers } from '../lib/benchmarked-type';
import { physicalLimit } from '../lib/limits';
import { isThrottle, resolutionWindow, type ResolutionFigures } from '../lib/resolution';
import { DYNAMODB_ITEM_LIMIT_BYTES, GROUP_SCALE, LAMBDA_MEMORY_MB, MODEL, SCALE } from '../lib/model';
import type {
  GroupOperation,
  GroupOperationResult,
  GroupScaleResult,
  GroupShape,
  LimitFigures,
  ScaleRun,
  StateTableFigures,
} from '../lib/results';
import type { VirtualRuntime } from '../lib/virtual-runtime';
import { emulatorOnVirtualTime, freshCredentials, settle, virtualDriver, type Progress } from './harness';
import { buildHostFiles, fileClock, HandlerProcess, type HostFiles } from './handler-process';
import { startStateTableProcess, tableCallClock, type StateTableProcess } from './state-table';

/** Section 4's quotas and provisioning time, for every group row. */
export const QUOTAS = {
  provisioningMs: SCALE.provisioningMs,
  requestsPerSecond: SCALE.requestsPerSecond,
  maxOutstandingAsyncWrites: SCALE.maxOutstandingAsyncWrites,
} as const;

const MB = 1024 * 1024;

/** The table and the check that virtual time stood still during each of its calls. */
export interface Table {
  process: StateTableProcess;
  clock: ReturnType<typeof tableCallClock>;
}

export async function withTable<T>(runtime: VirtualRuntime, work: (table: Table) => Promise<T>): Promise<T> {
  const process = await startStateTableProcess();
  try {
    return await work({ process, clock: tableCallClock(process.endpoint, runtime.clock) });
  } finally {
    await process.close();
  }
}

interface GroupWorld {
  principals: string[];
  permissionSets: string[];
  accounts: string[];
}

/** Accounts, identity-store groups as principals, and permission sets for a group of `shape`, plus `extra` principals. */
function seedGroupWorld(emulator: RunningEmulator, shape: GroupShape, extra = 0): GroupWorld {
  const accounts = Array.from({ length: shape.accounts }, (_, index) => String(700_000_000_000 + index));
  for (const [index, id] of accounts.entries()) {
    emulator.state.addAccount({ id, name: `group-bench-${index}`, status: 'ACTIVE' });
  }
  const permissionSets = Array.from(
    { length: shape.permissionSets },
    (_, index) => emulator.state.addPermissionSet({ name: `GroupBench${index}` }).arn,
  );
  const principals = Array.from({ length: shape.principals + extra }, (_, index) => {
    const id = `c0000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    emulator.state.addGroup({ id, name: `group-bench-${index}` });
    return id;
  });
  return { principals, permissionSets, accounts };
}

function groupModel(name: string, world: GroupWorld, principals: readonly string[]): ResourceProperties {
  return {
    Name: name,
    InstanceArn: DEFAULT_WORLD.instanceArn,
    Principals: principals.map((id) => ({ PrincipalType: 'GROUP', PrincipalId: id })),
    PermissionSets: world.permissionSets,
    Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: world.accounts }],
  };
}

export function keyOf(tuple: {
  principalType: string;
  principalId: string;
  permissionSetArn: string;
  targetId: string;
}): string {
  return `${tuple.principalType}:${tuple.principalId}|${tuple.permissionSetArn}|${tuple.targetId}`;
}

/**
 * Whether the emulator holds exactly the model's assignments among the bench principals (none for `undefined`),
 * and how many it holds. A Set, not the registry's exists(): that compares every pair, too slow at 10,000.
 */
function endState(
  emulator: RunningEmulator,
  world: GroupWorld,
  model: ResourceProperties | undefined,
): { held: number; expected: number; exact: boolean } {
  const principals = new Set(world.principals);
  const held = new Set(
    emulator.state
      .accountAssignments()
      .filter((tuple) => principals.has(tuple.principalId))
      .map(keyOf),
  );
  const wanted = model === undefined ? [] : groupAssignmentsOf(model).map(keyOf);
  return {
    held: held.size,
    expected: wanted.length,
    exact: wanted.length === held.size && wanted.every((key) => held.has(key)),
  };
}

/** ListAccountAssignmentsForPrincipal pages for principals holding these many assignments (an empty one is a page). */
function listingPages(assignmentsPerPrincipal: readonly number[]): number {
  return assignmentsPerPrincipal.reduce(
    (sum, held) => sum + Math.max(1, Math.ceil(held / GROUP_SCALE.listPageSize)),
    0,
  );
}

/** The physical limit of a group operation: its writes, and the listing of what exists before them. */
function groupLimit(writes: number, assignmentsPerPrincipal: readonly number[]): LimitFigures {
  const listing = listingPages(assignmentsPerPrincipal);
  const perWrite = GROUP_SCALE.minCallsPerWrite;
  const limit = physicalLimit({
    assignments: writes,
    maxOutstandingWrites: QUOTAS.maxOutstandingAsyncWrites,
    provisioningMs: QUOTAS.provisioningMs,
    requestsPerSecond: QUOTAS.requestsPerSecond,
    minCallsPerAssignment: perWrite,
    fixedCalls: listing,
  });
  return {
    ...limit,
    minCalls: writes * perWrite + listing,
    definition:
      `max(ceil(N / W) x P, (N x M + F - R) / R) with N = ${writes} writes, W = ${QUOTAS.maxOutstandingAsyncWrites} ` +
      `outstanding writes, P = ${QUOTAS.provisioningMs / 1000} s provisioning, R = ${QUOTAS.requestsPerSecond} ` +
      `requests/s (one second of burst), M = ${perWrite} calls per write (the write, one status read), F = ` +
      `${listing} listing pages (ListAccountAssignmentsForPrincipal, ${GROUP_SCALE.listPageSize} assignments a page, ` +
      `one page at least per principal)`,
  };
}

/** CloudFormation's timeout for the group's handler of `action` (the schema's timeoutInMinutes, else 120). */
export function handlerTimeoutMs(action: 'create' | 'update' | 'delete'): number {
  return (GROUP_TYPE.schema.handlers?.[action]?.timeoutInMinutes ?? 120) * 60_000;
}

export function groupDriver(runtime: VirtualRuntime, log?: (line: string) => void): Driver {
  return virtualDriver({
    entrypoint: groupEntrypoint,
    type: GROUP_TYPE,
    runtime,
    callerCredentials: freshCredentials(),
    // The longest of the handlers' timeouts; each operation is checked against its own below.
    timeoutMs: Math.max(handlerTimeoutMs('create'), handlerTimeoutMs('update'), handlerTimeoutMs('delete')),
    ...(log ? { log } : {}),
  });
}

/** Peak RSS while work runs, sampled on a real interval (virtual time replaces setTimeout only). */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / MB;
    },
  };
}

export interface Measured {
  outcome: RunResult | DriverError;
  apiCalls: number;
  throttles: number;
  invocations: number;
  stateTable: StateTableFigures;
  peakRssMb: number;
  wallMs: number;
  /** What resolving the declaration cost: the calls before the group first read what exists, and their time. */
  resolution: ResolutionFigures;
}

/** Runs one operation on virtual time with the emulator's call log and the table's counters fresh. */
export async function measure(
  runtime: VirtualRuntime,
  emulator: RunningEmulator,
  table: Table,
  operation: () => Promise<RunResult>,
): Promise<Measured> {
  emulator.clearCalls();
  await table.process.stats();
  const [tableCalls, clockMoved] = [table.clock.calls(), table.clock.clockMoved()];
  const rss = rssSampler();
  const wallStart = performance.now();
  const startedAt = runtime.clock.now();
  const outcome = await runtime.run(() => settle(operation()));
  const wallMs = performance.now() - wallStart;
  const peakRssMb = rss.stop();
  const stats = await table.process.stats();
  const calls = emulator.calls();
  return {
    outcome,
    apiCalls: calls.length,
    throttles: calls.filter(isThrottle).length,
    invocations: outcome.invocations.length,
    stateTable: {
      calls: table.clock.calls() - tableCalls,
      clockMoved: table.clock.clockMoved() - clockMoved,
      largestItemBytes: stats.largestItemBytes,
    },
    peakRssMb,
    wallMs,
    resolution: resolutionWindow(calls, startedAt),
  };
}

/**
 * Section 8's operations, each served by a handler process of its own (handler-process.ts): a warm Lambda instance
 * for the operation's every invocation. The emulator and the driver read that process's clock, so the figures are
 * those of the in-process runs; the peak RSS is the handler's alone.
 */
class HandlerProcesses {
  private current: HandlerProcess | undefined;
  private readonly clockFile: string;
  /** The time of the process running now; the worker's until the first one starts. */
  private source: { now(): number };
  readonly clock = { now: (): number => this.source.now() };

  constructor(
    private readonly files: HostFiles,
    private readonly outdir: string,
    runtime: VirtualRuntime,
  ) {
    this.clockFile = path.join(outdir, 'clock');
    this.source = runtime.clock;
  }

  start(emulatorEndpoint: string, stateTableEndpoint: string, seed: number): HandlerProcess {
    this.current = new HandlerProcess(this.files, {
      emulatorEndpoint,
      stateTableEndpoint,
      seed,
      startMs: this.clock.now(),
      clockFile: this.clockFile,
    });
    return this.current;
  }

  /** Reads the running process's clock from now on (it has written the file once it answers). */
  follow(): void {
    this.source = fileClock(this.clockFile);
  }

  process(): HandlerProcess {
    if (!this.current) throw new Error('no handler process started');
    return this.current;
  }

  driver(log: (line: string) => void): Driver {
    return new Driver({
      entrypoint: (request, context) => this.process().invoke(request, context),
      typeName: GROUP_TYPE.typeName,
      primaryIdentifier: GROUP_TYPE.primaryIdentifier,
      callerCredentials: freshCredentials(),
      lambdaTimeoutMs: MODEL.lambdaTimeoutMs,
      maxInvocations: 1_000,
      timeoutMs: Math.max(handlerTimeoutMs('create'), handlerTimeoutMs('update'), handlerTimeoutMs('delete')),
      now: () => this.clock.now(),
      // The callback delay, then CloudFormation's re-invocation overhead (the model constant), on the process's clock.
      sleep: (ms) => this.process().sleep(ms + MODEL.reinvocationOverheadMs),
      log,
    });
  }

  close(): void {
    rmSync(this.outdir, { recursive: true, force: true });
  }
}

/** Runs one operation in a new handler process, with the emulator's call log and the table's counters fresh. */
async function measureInHandlerProcess(
  processes: HandlerProcesses,
  emulator: RunningEmulator,
  table: Table,
  operation: () => Promise<RunResult>,
): Promise<Measured> {
  emulator.clearCalls();
  await table.process.stats();
  const handler = processes.start(emulator.endpoint, table.process.endpoint, MODEL.seed);
  try {
    // The process has written its clock once it answers.
    const before = await handler.report();
    processes.follow();
    const wallStart = performance.now();
    const startedAt = processes.clock.now();
    const outcome = await settle(operation());
    const wallMs = performance.now() - wallStart;
    const after = await handler.report();
    const stats = await table.process.stats();
    const calls = emulator.calls();
    return {
      outcome,
      apiCalls: calls.length,
      throttles: calls.filter(isThrottle).length,
      invocations: outcome.invocations.length,
      stateTable: {
        calls: after.tableCalls - before.tableCalls,
        clockMoved: after.tableClockMoved - before.tableClockMoved,
        largestItemBytes: stats.largestItemBytes,
      },
      peakRssMb: after.maxRssMb,
      wallMs,
      resolution: resolutionWindow(calls, startedAt),
    };
  } finally {
    await handler.close();
  }
}

/** Why the operation failed, if it did: its answer, a driver error, or virtual time moving during a table call. */
export function failureOf(measured: Measured): string | undefined {
  const { outcome } = measured;
  if (outcome instanceof DriverError) return `driver:${outcome.code} ${outcome.message}`;
  if (outcome.final.status !== 'SUCCESS') {
    return `${outcome.final.status} ${outcome.final.errorCode ?? ''} ${outcome.final.message}`.trim();
  }
  if (measured.stateTable.clockMoved > 0) {
    return `virtual time moved during ${measured.stateTable.clockMoved} state table calls: durations are wrong`;
  }
  return undefined;
}

/** One unmeasured CREATE and DELETE of the demo group: module loading, the DynamoDB client, the first item. */
export async function warmUpGroup(runtime: VirtualRuntime, table: StateTableProcess): Promise<void> {
  const emulator = await emulatorOnVirtualTime(runtime, {
    provisioningMs: QUOTAS.provisioningMs,
    stateTableEndpoint: table.endpoint,
  });
  await loadGroupHandlers();
  const driver = groupDriver(runtime);
  const model = GROUP_TYPE.demoModel(DEFAULT_WORLD);
  await runtime.run(() => settle(driver.create(model)));
  await runtime.run(() => settle(driver.del(model)));
  await runtime.run(() => clearStateTable(table.endpoint));
  await emulator.close();
}

/** Section 4's group row: one CREATE of a GROUP_SCALE.scale group per seed. */
export async function groupScaleRuns(
  runtime: VirtualRuntime,
  seeds: readonly number[],
  progress: Progress,
): Promise<{ limit: LimitFigures; runs: ScaleRun[]; organizationAccounts: number }> {
  const shape = GROUP_SCALE.scale;
  const assignments = shape.principals * shape.permissionSets * shape.accounts;
  // Nothing exists before the CREATE: one empty listing page per principal.
  const limit = groupLimit(
    assignments,
    Array.from({ length: shape.principals }, () => 0),
  );
  return withTable(runtime, async (table) => {
    await warmUpGroup(runtime, table.process);
    const runs: ScaleRun[] = [];
    let organizationAccounts = 0;
    for (const seed of seeds) {
      const emulator = await emulatorOnVirtualTime(runtime, {
        ...QUOTAS,
        stateTableEndpoint: table.process.endpoint,
      });
      const world = seedGroupWorld(emulator, shape);
      organizationAccounts = emulator.state.world().accounts.length;
      const model = groupModel(`bench-scale-${seed}`, world, world.principals);
      runtime.reseed(seed);
      const driver = groupDriver(runtime);
      const measured = await measure(runtime, emulator, table, () => driver.create(model));
      const state = endState(emulator, world, model);
      const failure =
        failureOf(measured) ??
        (state.exact ? undefined : `end state: ${state.held} of ${state.expected} assignments`);
      const { outcome } = measured;
      const totalMs =
        failure === undefined && !(outcome instanceof DriverError) ? outcome.elapsedMs : Number.NaN;
      runs.push({
        strategy: 'group',
        seed,
        assignments,
        resources: 1,
        succeeded: failure === undefined ? 1 : 0,
        failures: failure === undefined ? 0 : 1,
        failureCodes: failure === undefined ? {} : { [failure]: 1 },
        totalMs,
        ratioToLimit: totalMs / limit.limitMs,
        p50Ms: totalMs,
        p95Ms: totalMs,
        apiCalls: measured.apiCalls,
        throttles: measured.throttles,
        invocations: measured.invocations,
        assignmentsInEmulator: state.held,
        stateTable: measured.stateTable,
        resolution: measured.resolution,
        wallMs: measured.wallMs,
      });
      progress(assignments);
      await runtime.run(() => clearStateTable(table.process.endpoint));
      await emulator.close();
    }
    return { limit, runs, organizationAccounts };
  });
}

export type GroupScaleMode = 'full' | 'quick';

/** Section 8: the largest group's CREATE, UPDATE (replacing principals), READ and DELETE, one after the other. */
export async function runGroupScale(
  runtime: VirtualRuntime,
  mode: GroupScaleMode,
  progress: Progress,
): Promise<GroupScaleResult> {
  const shape = mode === 'full' ? GROUP_SCALE.large : GROUP_SCALE.quick;
  const perPrincipal = shape.permissionSets * shape.accounts;
  const assignments = shape.principals * perPrincipal;
  const replaced = shape.replacedPrincipals * perPrincipal;
  const outdir = mkdtempSync(path.join(tmpdir(), 'group-handler-'));
  const processes = new HandlerProcesses(buildHostFiles(outdir), outdir, runtime);
  return withTable(runtime, async (table) => {
    // The emulator stays here, on the clock of the handler process serving the operation.
    const emulator = await startEmulator({ ...QUOTAS, clock: processes.clock });
    try {
      const world = seedGroupWorld(emulator, shape, shape.replacedPrincipals);
      const organizationAccounts = emulator.state.world().accounts.length;
      const initial = world.principals.slice(0, shape.principals);
      // The first principals leave, the extra ones come in: `replaced` assignments deleted and as many created.
      const moved = [...initial.slice(shape.replacedPrincipals), ...world.principals.slice(shape.principals)];
      const before = groupModel('bench-large', world, initial);
      const after = groupModel('bench-large', world, moved);
      // Progress: the writes SSO Admin answered, reported after each invocation.
      let reported = 0;
      const driver = processes.driver(() => {
        const written = emulator
          .calls()
          .filter(
            (call) =>
              call.outcome === 'ok' &&
              (call.operation === GROUP_TYPE.emulator.createOperation ||
                call.operation === GROUP_TYPE.emulator.deleteOperation),
          ).length;
        if (written > reported) progress(written - reported);
        reported = written;
      });
      const steps: {
        operation: GroupOperation;
        writes: number;
        limit: LimitFigures;
        timeoutMs: number;
        run: () => Promise<RunResult>;
        /** What the emulator must hold afterwards. */
        holds: ResourceProperties | undefined;
        /** A check of the answer beyond SUCCESS. */
        check?: (result: RunResult) => string | undefined;
      }[] = [
        {
          operation: 'CREATE',
          writes: assignments,
          limit: groupLimit(
            assignments,
            initial.map(() => 0),
          ),
          timeoutMs: handlerTimeoutMs('create'),
          run: () => driver.create(before),
          holds: before,
        },
        {
          operation: 'UPDATE',
          writes: 2 * replaced,
          // Listed: the principals that stay, those that come (nothing yet) and those that go.
          limit: groupLimit(2 * replaced, [
            ...moved.map((principal) => (initial.includes(principal) ? perPrincipal : 0)),
            ...initial.slice(0, shape.replacedPrincipals).map(() => perPrincipal),
          ]),
          timeoutMs: handlerTimeoutMs('update'),
          run: () => driver.update(after, before),
          holds: after,
        },
        {
          operation: 'READ',
          writes: 0,
          limit: groupLimit(
            0,
            moved.map(() => perPrincipal),
          ),
          // READ has no timeout of its own: one invocation, within the Lambda timeout.
          timeoutMs: MODEL.lambdaTimeoutMs,
          run: () => driver.read({ Name: after.Name }),
          holds: after,
          check: (result) => {
            const model = result.final.resourceModel ?? {};
            if (result.invocations.length !== 1) return `READ took ${result.invocations.length} invocations`;
            return model.AssignmentCount === assignments && model.MissingAssignmentCount === 0
              ? undefined
              : `READ answered AssignmentCount ${String(model.AssignmentCount)}, MissingAssignmentCount ` +
                  `${String(model.MissingAssignmentCount)} (expected ${assignments} and 0)`;
          },
        },
        {
          operation: 'DELETE',
          writes: assignments,
          limit: groupLimit(
            assignments,
            moved.map(() => perPrincipal),
          ),
          timeoutMs: handlerTimeoutMs('delete'),
          run: () => driver.del({ Name: after.Name }),
          holds: undefined,
        },
      ];
      const operations: GroupOperationResult[] = [];
      for (const step of steps) {
        if (operations.some((done) => !done.succeeded)) break; // each step starts from the last one's end state
        const measured = await measureInHandlerProcess(processes, emulator, table, step.run);
        const state = endState(emulator, world, step.holds);
        const { outcome } = measured;
        const failure =
          failureOf(measured) ??
          (outcome instanceof DriverError ? undefined : step.check?.(outcome)) ??
          (outcome instanceof DriverError || outcome.elapsedMs <= step.timeoutMs
            ? undefined
            : `took ${outcome.elapsedMs} ms, beyond CloudFormation's ${step.timeoutMs} ms timeout`) ??
          (state.exact ? undefined : `end state: ${state.held} assignments, expected ${state.expected}`);
        const totalMs = outcome instanceof DriverError ? Number.NaN : outcome.elapsedMs;
        operations.push({
          operation: step.operation,
          writes: step.writes,
          succeeded: failure === undefined,
          ...(failure === undefined ? {} : { failure }),
          totalMs,
          limit: step.limit,
          ratioToLimit: totalMs / step.limit.limitMs,
          apiCalls: measured.apiCalls,
          throttles: measured.throttles,
          invocations: measured.invocations,
          stateTable: measured.stateTable,
          peakRssMb: measured.peakRssMb,
          assignmentsInEmulator: state.held,
          expectedInEmulator: state.expected,
          // Only CREATE and UPDATE resolve the declaration.
          ...(step.operation === 'CREATE' || step.operation === 'UPDATE'
            ? { resolution: measured.resolution }
            : {}),
          wallMs: measured.wallMs,
        });
      }
      return {
        typeName: GROUP_TYPE.typeName,
        shape,
        assignments,
        mode,
        operations,
        lambdaMemoryMb: LAMBDA_MEMORY_MB,
        itemLimitBytes: DYNAMODB_ITEM_LIMIT_BYTES,
        workerMaxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
        organizationAccounts,
      };
    } finally {
      await emulator.close();
      processes.close();
    }
  });
}
