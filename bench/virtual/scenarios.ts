/**
 * Convergence and scale on virtual time (see ../lib/virtual-runtime.ts): the real handler code and the
 * native-like stand-in drive the emulator over real HTTP; only time is virtual.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_WORLD, type RunningEmulator } from '../../dev/emulator';
import {
  DriverError,
  type CredentialsPayload,
  type Driver,
  type Entrypoint,
  type ResourceProperties,
  type RunResult,
} from '../../dev/driver';
import {
  BENCHMARKED_TYPE,
  benchmarkedEntrypoint,
  GROUP_TYPE,
  loadBenchmarkedHandlers,
} from '../lib/benchmarked-type';
import { REPOSITORY_ROOT } from '../../dev/types';
import { isolatedModuleLoader, lambdaEnvironments, type EnvironmentLoader } from '../lib/lambda-environments';
import { physicalLimit } from '../lib/limits';
import { CONVERGENCE, GROUP_SCALE, MODEL, SCALE, separateScaleRuns } from '../lib/model';
import type { ConvergenceCase, OperationFigures, ScaleResult, ScaleRun, Strategy } from '../lib/results';
import { median, percentile } from '../lib/stats';
import type { VirtualRuntime } from '../lib/virtual-runtime';
import { nativeLikeEntrypoint } from '../native/native-like';
import { groupScaleRuns } from './group';
import { emulatorOnVirtualTime, freshCredentials, settle, virtualDriver, type Progress } from './harness';

export type { Progress } from './harness';

const ENTRYPOINTS: Record<Strategy, Entrypoint> = {
  ours: benchmarkedEntrypoint,
  native: nativeLikeEntrypoint,
};

/**
 * Fresh instances of each strategy's handler, one per Lambda execution environment (lib/lambda-environments.ts):
 * ours re-evaluates everything under src/ (the SDK clients the handlers cache, what they remember of throttling);
 * the native-like stand-in its own module (its shared HTTP agent).
 */
const ENVIRONMENT_LOADERS: Record<Strategy, EnvironmentLoader> = {
  ours: isolatedModuleLoader(path.join(REPOSITORY_ROOT, BENCHMARKED_TYPE.handlersFile), 'entrypoint', [
    path.join(REPOSITORY_ROOT, 'src'),
  ]),
  native: isolatedModuleLoader(
    path.join(__dirname, '..', 'native', 'native-like.ts'),
    'nativeLikeEntrypoint',
    [path.join(__dirname, '..', 'native')],
  ),
};

function driverFor(
  strategy: Strategy,
  runtime: VirtualRuntime,
  callerCredentials: CredentialsPayload,
  entrypoint: Entrypoint = ENTRYPOINTS[strategy],
): Driver {
  return virtualDriver({
    entrypoint,
    type: BENCHMARKED_TYPE,
    runtime,
    callerCredentials,
  });
}

function propertiesFor(
  permissionSetArn: string,
  principalId: string,
  principalType: 'USER' | 'GROUP',
  targetId: string,
) {
  return {
    InstanceArn: DEFAULT_WORLD.instanceArn,
    PermissionSetArn: permissionSetArn,
    PrincipalId: principalId,
    PrincipalType: principalType,
    TargetId: targetId,
    TargetType: 'AWS_ACCOUNT',
  } satisfies ResourceProperties;
}

interface OperationSample {
  totalMs: number;
  apiCalls: number;
  invocations: number;
  succeeded: boolean;
}

function sampleOf(result: RunResult | DriverError, apiCalls: number): OperationSample {
  if (result instanceof DriverError) {
    return { totalMs: Number.NaN, apiCalls, invocations: result.invocations.length, succeeded: false };
  }
  return {
    totalMs: result.elapsedMs,
    apiCalls,
    invocations: result.invocations.length,
    succeeded: result.final.status === 'SUCCESS',
  };
}

function figuresOf(samples: OperationSample[], provisioningMs: number): OperationFigures {
  const done = samples.filter((sample) => sample.succeeded);
  const totals = done.map((sample) => sample.totalMs);
  const totalMs = totals.length > 0 ? median(totals) : Number.NaN;
  return {
    totalMs,
    ratio: totalMs / provisioningMs,
    totalMinMs: totals.length > 0 ? Math.min(...totals) : Number.NaN,
    totalMaxMs: totals.length > 0 ? Math.max(...totals) : Number.NaN,
    apiCalls: median(samples.map((sample) => sample.apiCalls)),
    invocations: median(samples.map((sample) => sample.invocations)),
    failures: samples.length - done.length,
  };
}

function defaultProperties(): ResourceProperties {
  const [permissionSet] = DEFAULT_WORLD.permissionSets;
  const [user] = DEFAULT_WORLD.users;
  return propertiesFor(permissionSet.arn, user.id, 'USER', '222233334444');
}

/**
 * One unmeasured CREATE and DELETE per strategy first: the first invocations of a process load modules and read
 * the SDK's shared config files, real work that should not overlap measured runs.
 */
async function warmUp(runtime: VirtualRuntime): Promise<void> {
  const emulator = await emulatorOnVirtualTime(runtime, { provisioningMs: 1_000 });
  await loadBenchmarkedHandlers();
  for (const strategy of ['ours', 'native'] as const) {
    const driver = driverFor(strategy, runtime, freshCredentials());
    await runtime.run(() => settle(driver.create(defaultProperties())));
    await runtime.run(() => settle(driver.del(defaultProperties())));
  }
  await emulator.close();
}

/** One CREATE then one DELETE through the driver, per provisioning time and strategy, repeated. */
export async function runConvergence(
  runtime: VirtualRuntime,
  progress: Progress,
): Promise<ConvergenceCase[]> {
  await warmUp(runtime);
  const cases: ConvergenceCase[] = [];
  const properties = defaultProperties();
  for (const provisioningSeconds of CONVERGENCE.provisioningSeconds) {
    const provisioningMs = provisioningSeconds * 1000;
    const emulator = await emulatorOnVirtualTime(runtime, { provisioningMs });
    for (const strategy of ['ours', 'native'] as const) {
      runtime.reseed(MODEL.seed);
      const creates: OperationSample[] = [];
      const deletes: OperationSample[] = [];
      for (let repetition = 0; repetition < CONVERGENCE.repetitions; repetition++) {
        emulator.reset();
        const driver = driverFor(strategy, runtime, freshCredentials());
        const created = await runtime.run(() => settle(driver.create(properties)));
        creates.push(sampleOf(created, emulator.calls().length));
        emulator.clearCalls();
        const model =
          created instanceof DriverError ? properties : (created.final.resourceModel ?? properties);
        const deleted = await runtime.run(() => settle(driver.del(model)));
        deletes.push(sampleOf(deleted, emulator.calls().length));
        progress(1);
      }
      cases.push({
        strategy,
        provisioningMs,
        repetitions: CONVERGENCE.repetitions,
        create: figuresOf(creates, provisioningMs),
        delete: figuresOf(deletes, provisioningMs),
      });
    }
    await emulator.close();
  }
  return cases;
}

/** 500 distinct assignments over the scale world's accounts, permission sets and groups. */
function populateScaleWorld(emulator: RunningEmulator): ResourceProperties[] {
  const accounts = Array.from(
    { length: SCALE.accounts },
    (_, index) => `5000000000${String(index).padStart(2, '0')}`,
  );
  for (const [index, id] of accounts.entries()) {
    emulator.state.addAccount({ id, name: `bench-${index}`, status: 'ACTIVE' });
  }
  const permissionSets = Array.from(
    { length: SCALE.permissionSets },
    (_, index) => emulator.state.addPermissionSet({ name: `BenchPermissionSet${index}` }).arn,
  );
  const groups = Array.from({ length: SCALE.groups }, (_, index) => {
    const id = `b0000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    emulator.state.addGroup({ id, name: `bench-group-${index}` });
    return id;
  });
  const all: ResourceProperties[] = [];
  for (const account of accounts) {
    for (const permissionSet of permissionSets) {
      for (const group of groups) all.push(propertiesFor(permissionSet, group, 'GROUP', account));
    }
  }
  return all.slice(0, SCALE.assignments);
}

async function scaleRun(
  runtime: VirtualRuntime,
  strategy: Strategy,
  seed: number,
  limitMs: number,
  progress: Progress,
): Promise<ScaleRun> {
  const emulator = await emulatorOnVirtualTime(runtime, {
    provisioningMs: SCALE.provisioningMs,
    requestsPerSecond: SCALE.requestsPerSecond,
    maxOutstandingAsyncWrites: SCALE.maxOutstandingAsyncWrites,
  });
  const assignments = populateScaleWorld(emulator);
  runtime.reseed(seed);
  // One stack: every resource is created by the same caller, each CREATE its own operation, each invocation in a
  // Lambda execution environment of its own while others are busy.
  const environments = lambdaEnvironments(ENVIRONMENT_LOADERS[strategy]);
  const driver = driverFor(strategy, runtime, freshCredentials(), environments.entrypoint);
  const wallStart = performance.now();
  const outcomes = await runtime.run(() =>
    Promise.all(
      assignments.map(async (properties) => {
        const outcome = await settle(driver.create(properties));
        progress(1);
        return outcome;
      }),
    ),
  );
  const wallMs = performance.now() - wallStart;
  const calls = emulator.calls();
  const failureCodes: Record<string, number> = {};
  const completionMs: number[] = [];
  let invocations = 0;
  for (const outcome of outcomes) {
    invocations += outcome.invocations.length;
    if (outcome instanceof DriverError) {
      failureCodes[`driver:${outcome.code}`] = (failureCodes[`driver:${outcome.code}`] ?? 0) + 1;
      continue;
    }
    if (outcome.final.status === 'SUCCESS') {
      completionMs.push(outcome.elapsedMs);
    } else {
      const code = outcome.final.errorCode ?? 'unknown';
      failureCodes[code] = (failureCodes[code] ?? 0) + 1;
    }
  }
  const totalMs = completionMs.length > 0 ? Math.max(...completionMs) : Number.NaN;
  const assignmentsInEmulator = emulator.state.accountAssignments().length;
  await emulator.close();
  return {
    strategy,
    seed,
    assignments: assignments.length,
    resources: assignments.length,
    succeeded: completionMs.length,
    failures: assignments.length - completionMs.length,
    failureCodes,
    totalMs,
    ratioToLimit: totalMs / limitMs,
    p50Ms: completionMs.length > 0 ? percentile(completionMs, 50) : Number.NaN,
    p95Ms: completionMs.length > 0 ? percentile(completionMs, 95) : Number.NaN,
    apiCalls: calls.length,
    throttles: calls.filter((call) => call.outcome === 'ThrottlingException').length,
    invocations,
    environments: environments.environments(),
    assignmentsInEmulator,
    wallMs,
  };
}

function separateResourcesLimit() {
  return physicalLimit({
    assignments: SCALE.assignments,
    maxOutstandingWrites: SCALE.maxOutstandingAsyncWrites,
    provisioningMs: SCALE.provisioningMs,
    requestsPerSecond: SCALE.requestsPerSecond,
    minCallsPerAssignment: SCALE.minCallsPerAssignment,
  });
}

/**
 * Section 4's separate resources alone, for one strategy and the first `runs` seeds (`tsx bench/virtual/worker.ts
 * separate ours 1`): a quick look while changing the handler, without the group or the other strategy.
 */
export async function runSeparateScale(
  runtime: VirtualRuntime,
  strategies: readonly Strategy[],
  runs: number,
  progress: Progress,
): Promise<ScaleRun[]> {
  const limit = separateResourcesLimit();
  await warmUp(runtime);
  const results: ScaleRun[] = [];
  for (const strategy of strategies) {
    for (let run = 0; run < runs; run++) {
      results.push(await scaleRun(runtime, strategy, MODEL.seed + run, limit.limitMs, progress));
    }
  }
  return results;
}

export async function runScale(
  runtime: VirtualRuntime,
  mode: 'quick' | 'full',
  progress: Progress,
): Promise<ScaleResult> {
  const limit = separateResourcesLimit();
  await warmUp(runtime);
  const seeds = Array.from({ length: SCALE.runs }, (_, run) => MODEL.seed + run);
  const runs: ScaleRun[] = [];
  for (const strategy of ['ours', 'native'] as const) {
    for (const seed of seeds.slice(0, separateScaleRuns(mode))) {
      runs.push(await scaleRun(runtime, strategy, seed, limit.limitMs, progress));
    }
  }
  const group = await groupScaleRuns(runtime, seeds, progress);
  runs.push(...group.runs);
  return {
    group: {
      typeName: GROUP_TYPE.typeName,
      shape: GROUP_SCALE.scale,
      limit: group.limit,
      organizationAccounts: group.organizationAccounts,
    },
    limit: {
      ...limit,
      minCalls: SCALE.assignments * SCALE.minCallsPerAssignment,
      definition:
        `max(ceil(N / W) x P, (N x M - R) / R) with N = ${SCALE.assignments} assignments, W = ${SCALE.maxOutstandingAsyncWrites} ` +
        `outstanding writes, P = ${SCALE.provisioningMs / 1000} s provisioning, R = ${SCALE.requestsPerSecond} requests/s ` +
        `(one second of burst), M = ${SCALE.minCallsPerAssignment} calls per assignment (pre-check, create, one status read)`,
    },
    runs,
  };
}
