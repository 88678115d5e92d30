/**
 * Child process for the virtual-time sections (`convergence`, `scale [full|quick]`, `list`, `group [full|quick]` or
 * `resolution`), forked by bench/run.ts with IPC. Run by hand, `separate [ours|native|both] [runs]` measures
 * section 4's separate resources alone (default: ours, one run) and `group-scale` section 4's group row alone;
 * each prints its result.
 * Messages to the parent: { kind: 'progress', units }, then { kind: 'result', data } or { kind: 'error', message }.
 */
import { MODEL, SCALE } from '../lib/model';
import { installVirtualTime } from '../lib/virtual-runtime';
import type { WorkerMessage } from '../lib/worker-process';
import { runListScale } from './list-scale';
import { groupScaleRuns, runGroupScale } from './group';
import { runResolution } from './resolution';
import { runConvergence, runScale, runSeparateScale } from './scenarios';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      // Run by hand (no IPC): print the result.
      if (message.kind !== 'progress') process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
      resolve();
      return;
    }
    process.send(message, () => resolve());
  });
}

async function main(): Promise<void> {
  // The runtime lib logs every invocation through console.log; thousands of lines would only slow the run.
  console.log = () => undefined;
  console.info = () => undefined;
  console.warn = () => undefined;
  const runtime = installVirtualTime(MODEL.seed);
  const progress = (units: number): void => {
    void send({ kind: 'progress', units });
  };
  const section = process.argv[2];
  const data =
    section === 'convergence'
      ? await runConvergence(runtime, progress)
      : section === 'scale'
        ? await runScale(runtime, process.argv[3] === 'quick' ? 'quick' : 'full', progress)
        : section === 'list'
          ? await runListScale(runtime, progress)
          : section === 'group'
            ? await runGroupScale(runtime, process.argv[3] === 'quick' ? 'quick' : 'full', progress)
            : section === 'resolution'
              ? await runResolution(runtime, progress)
              : section === 'separate'
                ? await runSeparateScale(
                    runtime,
                    process.argv[3] === 'both'
                      ? ['ours', 'native']
                      : [process.argv[3] === 'native' ? 'native' : 'ours'],
                    Number(process.argv[4] ?? 1),
                    progress,
                  )
                : section === 'group-scale'
                  ? await groupScaleRuns(
                      runtime,
                      // Section 4's seeds (scenarios.ts runScale).
                      Array.from({ length: SCALE.runs }, (_, run) => MODEL.seed + run),
                      progress,
                    )
                  : undefined;
  if (data === undefined) throw new Error(`unknown section ${String(section)}`);
  await send({ kind: 'result', data });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({
      kind: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  },
);
