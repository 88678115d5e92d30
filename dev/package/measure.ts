/**
 * `npm run measure:package [-- --runs 10] [--type assignment|application-assignment|all]`
 *
 * Measures what a registered type costs: the package sizes, and the cold start of its bundle (a new node
 * process loading dist/<type>/handlers.js and answering a first READ against the SSO Admin emulator),
 * next to a bare `node -e 0` in the same run. Runs alternate between the two; medians are reported.
 * The functions are importable (bench/ uses them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildHandlerRequest } from '../driver';
import { DEFAULT_WORLD, type LocalServices, startLocalServices } from '../emulator';
import { needsStateTable, resourceType, seedResource, type TypeKey } from '../types';
import { bundleHandlers, formatBytes, typesFromArgument } from './bundle';
import { packageType } from './package';
import { isUsageError, UsageError } from './project';
import { type BundleRun, runBundle, runNode } from './run-bundle';

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

export interface ColdStartMeasurement {
  readonly runs: number;
  /** Wall time of `node -e 0`, spawn to exit. */
  readonly bareNodeMs: Stats;
  /** Wall time of the handler process, spawn to exit: start node, require the bundle, answer a READ. */
  readonly handlerProcessMs: Stats;
  readonly bootMs: Stats;
  readonly requireMs: Stats;
  readonly firstRequestMs: Stats;
  /** The READ's answer (SUCCESS when the handler found the seeded resource). */
  readonly status: string;
}

export interface ColdStartOptions {
  /** The bundle, dist/<type>/handlers.js. */
  readonly bundleFile: string;
  readonly type: TypeKey;
  /** Measured runs (after one unmeasured warm-up of each); default 10. */
  readonly runs?: number;
  /** The local services to read from (the emulator, and the state table for a type that keeps state); started
   * (and stopped) when absent. */
  readonly services?: LocalServices;
}

function statusOf(response: unknown): string {
  if (typeof response !== 'object' || response === null) return String(response);
  const { status, errorCode } = response as { status?: unknown; errorCode?: unknown };
  return [status, errorCode].filter((part) => typeof part === 'string').join(' ');
}

/** Cold start of a bundle against the emulator, next to `node -e 0`. */
export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartMeasurement> {
  const runs = options.runs ?? 10;
  const entry = resourceType(options.type);
  // Its own services unless given: the emulator, and the state table when the type keeps state.
  const own = options.services
    ? undefined
    : await startLocalServices({
        requestsPerSecond: Infinity,
        stateTable: entry.stateTable,
      });
  const services = options.services ?? own;
  if (!services) throw new Error('no local services');
  const { emulator } = services;
  try {
    const model = entry.demoModel(DEFAULT_WORLD);
    if (!entry.emulator.exists(emulator, model)) {
      await seedResource(entry, emulator, model, services.stateTableEndpoint);
    }
    const request = buildHandlerRequest({ typeName: entry.typeName }, { action: 'READ', properties: model });
    const env = { AWS_REGION: DEFAULT_WORLD.region, ...services.environment };
    const bare: number[] = [];
    const handler: BundleRun[] = [];
    for (let run = -1; run < runs; run++) {
      const bareRun = await runNode(['-e', '0'], { PATH: process.env.PATH });
      const handlerRun = await runBundle({ bundleFile: options.bundleFile, request, env });
      if (run < 0) continue; // warm-up: file cache, emulator connections
      bare.push(bareRun.wallMs);
      handler.push(handlerRun);
    }
    return {
      runs,
      bareNodeMs: stats(bare),
      handlerProcessMs: stats(handler.map((run) => run.wallMs)),
      bootMs: stats(handler.map((run) => run.bootMs)),
      requireMs: stats(handler.map((run) => run.requireMs)),
      firstRequestMs: stats(handler.map((run) => run.firstRequestMs)),
      status: statusOf(handler[handler.length - 1].response),
    };
  } finally {
    await own?.close();
  }
}

export interface PackageMeasurement {
  readonly type: TypeKey;
  readonly zipBytes: number;
  readonly resourceProviderBytes: number;
  readonly bundleBytes: number;
  readonly coldStart: ColdStartMeasurement;
}

/** Packages (into a temporary folder) and measures each type. */
export async function measurePackages(
  types: readonly TypeKey[],
  runs: number,
): Promise<PackageMeasurement[]> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'measure-package-'));
  // The state table too when a measured type keeps state.
  const services = await startLocalServices({
    requestsPerSecond: Infinity,
    stateTable: needsStateTable(types.map((type) => resourceType(type))),
  });
  try {
    const results: PackageMeasurement[] = [];
    for (const type of types) {
      const packaged = await packageType({ type, outdir: workDir });
      const bundle = await bundleHandlers(type, workDir);
      const coldStart = await measureColdStart({ bundleFile: bundle.file, type, runs, services });
      results.push({
        type,
        zipBytes: packaged.zipBytes,
        resourceProviderBytes: packaged.resourceProviderBytes,
        bundleBytes: packaged.bundleBytes,
        coldStart,
      });
    }
    return results;
  } finally {
    await services.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

function ms(value: Stats): string {
  return `${value.median.toFixed(0)} ms (${value.min.toFixed(0)}-${value.max.toFixed(0)})`;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { type: { type: 'string' }, runs: { type: 'string' } },
    strict: true,
  });
  const runs = values.runs === undefined ? 10 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a positive integer');
  const types = typesFromArgument(values.type);
  console.log(
    `node ${process.version}, ${cpus().length} CPUs, load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}; ${runs} runs each, medians (min-max)`,
  );
  for (const result of await measurePackages(types, runs)) {
    const coldStart = result.coldStart;
    console.log(
      [
        `${result.type}:`,
        `  package ${formatBytes(result.zipBytes)}, ResourceProvider.zip ${formatBytes(result.resourceProviderBytes)}, handlers.js ${formatBytes(result.bundleBytes)}`,
        `  cold start (new process → require bundle → first READ ${coldStart.status} → exit): ${ms(coldStart.handlerProcessMs)}`,
        `  bare node -e 0: ${ms(coldStart.bareNodeMs)}`,
        `  inside the handler process: node start ${ms(coldStart.bootMs)}, require ${ms(coldStart.requireMs)}, first READ ${ms(coldStart.firstRequestMs)}`,
      ].join('\n'),
    );
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = isUsageError(error) ? 2 : 1;
  });
}
