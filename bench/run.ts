/**
 * `npm run bench`: measures how fast a stack converges and how big it can be, as ratios from one run, and
 * writes bench/results/latest.md and latest.json. Progress goes to stderr, the table to stdout.
 * Timing-sensitive sections (cold start, memory, per-invocation overhead) run one at a time first; the
 * virtual-time sections (convergence, scale, LIST at scale, the large group, resolution) then run in parallel worker
 * processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleHandlers } from '../dev/package/bundle';
import { measurePackages } from '../dev/package/measure';
import { RESOURCE_TYPES, TYPE_KEYS } from '../dev/types';
import { readFile } from 'node:fs/promises';
import {
  COLD_START,
  CONVERGENCE,
  GROUP_SCALE,
  LIST_SCALE,
  MODEL,
  OVERHEAD,
  RESOLUTION,
  SCALE,
  separateScaleRuns,
} from './lib/model';
import { groupScaleProblems, resolutionProblems } from './lib/problems';
import { progressBoard } from './lib/progress';
import { renderMarkdown } from './lib/report';
import type {
  BenchResults,
  ColdStartResult,
  ConvergenceCase,
  GroupScaleResult,
  ListScaleResult,
  PackageSize,
  ResolutionResult,
  ScaleResult,
  MemoryResult,
} from './lib/results';
import { fewestListCalls } from './virtual/list-scale';
import { resolutionWrites } from './virtual/resolution';
import { runWorker } from './lib/worker-process';
import { measureMemory } from './memory';
import { measureOverhead, OVERHEAD_STEPS } from './overhead/overhead';

const RESULTS_DIR = path.join(__dirname, 'results');
const VIRTUAL_WORKER = path.join(__dirname, 'virtual', 'worker.ts');
const MEMORY_CYCLES = 30;

/** The commit being measured; '+changes' when the measured code (src, dev, bench, patches) differs from it. */
function measuredCommit(): string {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: path.join(__dirname, '..'), encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git(
      'status',
      '--porcelain',
      '--untracked-files=no',
      '--',
      'src',
      'dev',
      'bench',
      'patches',
      'package-lock.json',
    ) === ''
      ? head
      : `${head}+changes`;
  } catch {
    return 'unknown';
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The contract's limit for one LIST answer (resource-type-test-contract.md: "within 30 seconds"). */
const LIST_ANSWER_LIMIT_MS = 30_000;

/** What in a LIST result is a handler bug: a failed page, a repeated or missing assignment, a page over 30 s. */
function listScaleProblems(list: ListScaleResult): string[] {
  const problems: string[] = [];
  if (list.failure) problems.push(`LIST at scale failed at ${list.failure}`);
  if (list.duplicates > 0 || list.missing > 0) {
    problems.push(
      `LIST at scale listed ${list.duplicates} duplicates and missed ${list.missing} assignments`,
    );
  }
  if (list.slowestPageMs >= LIST_ANSWER_LIMIT_MS) {
    problems.push(`a LIST page took ${list.slowestPageMs} ms, beyond the contract's 30 s`);
  }
  return problems.map((problem) => `${problem}: a handler bug to fix.`);
}

type GroupMode = GroupScaleResult['mode'];

function groupShape(mode: GroupMode) {
  return mode === 'full' ? GROUP_SCALE.large : GROUP_SCALE.quick;
}

/** Section 8's writes: CREATE and DELETE every assignment, UPDATE deletes and creates the replaced ones. */
function groupScaleWrites(mode: GroupMode): number {
  const shape = groupShape(mode);
  const perPrincipal = shape.permissionSets * shape.accounts;
  return 2 * shape.principals * perPrincipal + 2 * shape.replacedPrincipals * perPrincipal;
}

function listScaleBar(board: ReturnType<typeof progressBoard>) {
  return board.section('7 LIST at scale', fewestListCalls(LIST_SCALE.accounts, LIST_SCALE.permissionSets));
}

async function writeResults(results: BenchResults): Promise<string> {
  const markdown = renderMarkdown(results);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, 'latest.md'), markdown);
  await writeFile(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  return markdown;
}

/**
 * `npm run bench -- --only list`: measures section 7 alone and merges it into the last full run's
 * latest.json, marking it as measured separately (the other sections keep their figures and commit).
 */
async function onlyListScale(): Promise<number> {
  const results = JSON.parse(await readFile(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as BenchResults;
  const board = progressBoard();
  const bar = listScaleBar(board);
  try {
    const list = await runWorker<ListScaleResult>(VIRTUAL_WORKER, ['list'], (units) => bar.increment(units));
    results.listScale = {
      ...list,
      measuredSeparately: { date: new Date().toISOString(), commit: measuredCommit() },
    };
  } finally {
    bar.done();
    board.stop();
  }
  results.model = { ...results.model, listScale: LIST_SCALE };
  results.notes = [
    ...results.notes.filter((note) => !note.startsWith('LIST ') && !note.includes('a LIST page')),
    ...listScaleProblems(results.listScale),
  ];
  process.stdout.write(await writeResults(results));
  return listScaleProblems(results.listScale).length > 0 ? 1 : 0;
}

async function main(mode: GroupMode): Promise<number> {
  const started = performance.now();
  // The SDK's notice that Node 20 support ends soon is not a benchmark finding; keep it out of the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const workDir = await mkdtemp(path.join(tmpdir(), 'bench-'));
  const board = progressBoard();
  const results: BenchResults = {
    date: new Date().toISOString(),
    commit: measuredCommit(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    model: {
      ...MODEL,
      convergence: CONVERGENCE,
      scale: SCALE,
      groupScale: { ...GROUP_SCALE, mode },
      listScale: LIST_SCALE,
      resolution: RESOLUTION,
      coldStart: COLD_START,
      overhead: OVERHEAD,
    },
    notes: [],
    wallSeconds: 0,
  };
  const failed = (section: string, error: unknown): void => {
    results.notes.push(`${section} failed: ${errorText(error)}`);
  };

  try {
    const packagesBar = board.section('1-2 package size, cold start', TYPE_KEYS.length);
    const memoryBar = board.section('5 peak memory', MEMORY_CYCLES * RESOURCE_TYPES.length);
    const overheadBar = board.section('6 per-invocation overhead', OVERHEAD_STEPS);
    const convergenceBar = board.section(
      '3 convergence',
      CONVERGENCE.provisioningSeconds.length * 2 * CONVERGENCE.repetitions,
    );
    const scaleBar = board.section('4 scale', SCALE.assignments * (2 * separateScaleRuns(mode) + SCALE.runs));
    const listBar = listScaleBar(board);
    const groupShapeNow = groupShape(mode);
    const groupBar = board.section(
      `8 one group of ${groupShapeNow.principals * groupShapeNow.permissionSets * groupShapeNow.accounts}`,
      groupScaleWrites(mode),
    );
    const resolutionBar = board.section(
      `9 resolution in ${RESOLUTION.activeAccounts} accounts`,
      resolutionWrites(),
    );

    try {
      const packages: PackageSize[] = [];
      const coldStart: ColdStartResult[] = [];
      for (const type of TYPE_KEYS) {
        const [measured] = await measurePackages([type], COLD_START.runs);
        packages.push({
          type,
          packageBytes: measured.zipBytes,
          resourceProviderBytes: measured.resourceProviderBytes,
          bundleBytes: measured.bundleBytes,
        });
        const { coldStart: cold } = measured;
        coldStart.push({
          type,
          runs: cold.runs,
          bareNodeMedianMs: cold.bareNodeMs.median,
          handlerMedianMs: cold.handlerProcessMs.median,
          ratio: cold.handlerProcessMs.median / cold.bareNodeMs.median,
          bootMedianMs: cold.bootMs.median,
          requireMedianMs: cold.requireMs.median,
          firstReadMedianMs: cold.firstRequestMs.median,
          status: cold.status,
        });
        packagesBar.increment();
      }
      results.packages = packages;
      results.coldStart = coldStart;
    } catch (error) {
      failed('Sections 1-2 (package, cold start)', error);
    }
    packagesBar.done();

    try {
      const memory: MemoryResult[] = [];
      for (const type of RESOURCE_TYPES) {
        const shipped = await bundleHandlers(type.key, path.join(workDir, 'shipped'));
        memory.push(
          await measureMemory({
            type,
            bundleFile: shipped.file,
            cycles: MEMORY_CYCLES,
            progress: () => memoryBar.increment(),
          }),
        );
      }
      results.memory = memory;
    } catch (error) {
      failed('Section 5 (memory)', error);
    }
    memoryBar.done();

    try {
      results.overhead = await measureOverhead(path.join(workDir, 'overhead'), () => overheadBar.increment());
    } catch (error) {
      failed('Section 6 (per-invocation overhead)', error);
    }
    overheadBar.done();

    const convergenceRun = runWorker<ConvergenceCase[]>(VIRTUAL_WORKER, ['convergence'], (units) =>
      convergenceBar.increment(units),
    ).finally(() => convergenceBar.done());
    const scaleRun = runWorker<ScaleResult>(VIRTUAL_WORKER, ['scale', mode], (units) =>
      scaleBar.increment(units),
    ).finally(() => scaleBar.done());
    const listRun = runWorker<ListScaleResult>(VIRTUAL_WORKER, ['list'], (units) =>
      listBar.increment(units),
    ).finally(() => listBar.done());
    // Sections 8 and 9 each wait for another section to end, so at most three workers share the two cores: virtual
    // time does not cover the sockets' own real timers, and a worker starved of CPU can fail a call for real.
    // Section 9 is short: in a quick run it goes between section 3 and section 8 (which ends well before sections 4
    // and 7); with --full section 8 is the longest, so it starts after section 3, and section 9 after sections 4 and
    // 7, off the critical path and never next to section 4's 500 concurrent operations, the most sensitive to CPU.
    const after = <T>(previous: Promise<unknown>, run: () => Promise<T>): Promise<T> =>
      previous.catch(() => undefined).then(run);
    const startResolution = (previous: Promise<unknown>): Promise<ResolutionResult> =>
      after(previous, () =>
        runWorker<ResolutionResult>(VIRTUAL_WORKER, ['resolution'], (units) =>
          resolutionBar.increment(units),
        ),
      ).finally(() => resolutionBar.done());
    const startGroup = (previous: Promise<unknown>): Promise<GroupScaleResult> =>
      after(previous, () =>
        runWorker<GroupScaleResult>(VIRTUAL_WORKER, ['group', mode], (units) => groupBar.increment(units)),
      ).finally(() => groupBar.done());
    const resolutionRun = startResolution(
      mode === 'full' ? Promise.allSettled([scaleRun, listRun]) : convergenceRun,
    );
    const groupRun = startGroup(mode === 'full' ? convergenceRun : resolutionRun);
    const [convergence, scale, list, group, resolution] = await Promise.allSettled([
      convergenceRun,
      scaleRun,
      listRun,
      groupRun,
      resolutionRun,
    ]);
    if (convergence.status === 'fulfilled') results.convergence = convergence.value;
    else failed('Section 3 (convergence)', convergence.reason);
    if (scale.status === 'fulfilled') results.scale = scale.value;
    else failed('Section 4 (scale)', scale.reason);
    if (list.status === 'fulfilled') {
      results.listScale = list.value;
      results.notes.push(...listScaleProblems(list.value));
    } else failed('Section 7 (LIST at scale)', list.reason);
    if (group.status === 'fulfilled') {
      results.groupScale = group.value;
      results.notes.push(...groupScaleProblems(group.value));
    } else failed('Section 8 (one large group)', group.reason);
    if (resolution.status === 'fulfilled') {
      results.resolution = resolution.value;
      results.notes.push(...resolutionProblems(resolution.value));
    } else failed('Section 9 (resolution)', resolution.reason);
  } finally {
    board.stop();
    await rm(workDir, { recursive: true, force: true });
  }

  // Ours: the separate resources and the group; the native-like stand-in's failures are a finding, not a bug.
  const oursRuns = (results.scale?.runs ?? []).filter((run) => run.strategy !== 'native');
  const oursFailures = oursRuns.reduce((sum, run) => sum + run.failures, 0);
  for (const run of oursRuns) {
    if (run.failures === 0) continue;
    const what = run.strategy === 'group' ? `the CREATE of one group of ${run.assignments}` : 'CREATEs';
    results.notes.push(
      `Our handler failed ${run.failures} of ${run.resources} ${what} at scale (seed ${run.seed}: ` +
        `${JSON.stringify(run.failureCodes)}): a handler bug to fix.`,
    );
  }
  results.wallSeconds = (performance.now() - started) / 1000;
  process.stdout.write(await writeResults(results));
  const sectionFailed = results.notes.some((note) => note.includes(' failed: '));
  const listFailed = results.listScale !== undefined && listScaleProblems(results.listScale).length > 0;
  const groupFailed = results.groupScale !== undefined && groupScaleProblems(results.groupScale).length > 0;
  const resolutionFailed =
    results.resolution !== undefined && resolutionProblems(results.resolution).length > 0;
  return sectionFailed || oursFailures > 0 || listFailed || groupFailed || resolutionFailed ? 1 : 0;
}

function chosenRun(args: readonly string[]): () => Promise<number> {
  if (args.length === 0 || (args.length === 1 && args[0] === '--quick')) return () => main('quick');
  if (args.length === 1 && args[0] === '--full') return () => main('full');
  if (args.length === 2 && args[0] === '--only' && args[1] === 'list') return onlyListScale;
  return async () => {
    console.error(
      `Unknown arguments: ${args.join(' ')}. Usage: npm run bench [-- --quick | --full | --only list] ` +
        "(--quick, the default: section 8 on a 2,000-assignment group, section 4's separate resources on one " +
        'seed; --full: the 10,000-assignment group and three seeds, as the committed results; --only list measures section 7 alone and merges it into bench/results/latest.json)',
    );
    return 2;
  };
}

chosenRun(process.argv.slice(2))().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
