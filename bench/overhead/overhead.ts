/**
 * Section 6: what the entrypoint adds around the handler's own work, with the runtime lib as published (a
 * fixed 1 s wait at the end of every invocation, resource.js waitRunningProcesses) and as patched by patches/
 * (no fixed wait; it still awaits every log line's delivery). Each variant runs in its own process.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { OVERHEAD } from '../lib/model';
import type { LogDeliveryCheck, OverheadResult, OverheadVariant } from '../lib/results';
import { median } from '../lib/stats';
import { buildVariantBundle, type LibVariant } from './bundles';
import type { InvocationTiming } from './worker';

const WORKER = path.join(__dirname, 'worker.ts');
/** Invocations at the start and at the end of the long patched run that the table compares. */
const WINDOW = 30;

async function runWorker(
  bundleFile: string,
  invocations: number,
  sinkDelayMs: number,
): Promise<InvocationTiming[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', WORKER, bundleFile, String(invocations), String(sinkDelayMs)],
    {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const lastLine = stdout.trim().split('\n').pop() ?? '[]';
  return JSON.parse(lastLine) as InvocationTiming[];
}

function variantOf(label: string, timings: readonly InvocationTiming[]): OverheadVariant {
  return {
    variant: label,
    invocations: timings.length,
    totalMedianMs: median(timings.map((timing) => timing.totalMs)),
    handlerMedianMs: median(timings.map((timing) => timing.handlerMs)),
    overheadMedianMs: median(timings.map((timing) => timing.totalMs - timing.handlerMs)),
  };
}

function deliveryOf(
  label: string,
  sinkDelayMs: number,
  timings: readonly InvocationTiming[],
): LogDeliveryCheck {
  return {
    variant: label,
    sinkDelayMs,
    linesBeforeWait: timings.reduce((sum, timing) => sum + timing.linesBeforeWait, 0),
    deliveredBeforeReturn: timings.reduce((sum, timing) => sum + timing.deliveredBeforeReturn, 0),
    overheadMedianMs: median(timings.map((timing) => timing.totalMs - timing.handlerMs)),
  };
}

export const OVERHEAD_STEPS = 4;

export async function measureOverhead(workDir: string, progress: () => void): Promise<OverheadResult> {
  const bundles: Record<LibVariant, string> = {
    original: await buildVariantBundle('original', workDir),
    patched: await buildVariantBundle('patched', workDir),
  };
  const original = await runWorker(bundles.original, OVERHEAD.invocationsOriginal, 0);
  progress();
  const patched = await runWorker(bundles.patched, OVERHEAD.invocationsPatched, 0);
  progress();
  const originalAsync = await runWorker(bundles.original, 3, OVERHEAD.asyncSinkDelayMs);
  progress();
  const patchedAsync = await runWorker(bundles.patched, 20, OVERHEAD.asyncSinkDelayMs);
  progress();
  return {
    variants: [
      variantOf('original lib (fixed 1 s wait)', original),
      variantOf('patched lib (no fixed wait)', patched.slice(0, WINDOW)),
      variantOf(
        `patched lib, invocations ${patched.length - WINDOW + 1}-${patched.length} of one process`,
        patched.slice(-WINDOW),
      ),
    ],
    logDelivery: [
      deliveryOf('original lib (fixed 1 s wait)', OVERHEAD.asyncSinkDelayMs, originalAsync),
      deliveryOf('patched lib (no fixed wait)', OVERHEAD.asyncSinkDelayMs, patchedAsync),
    ],
    method:
      'READ against a zero-latency emulator in the same process, after one warm-up invocation; handler time = ' +
      "between the lib's '[READ] invoking handler...' and '[READ] handler invoked' log lines; overhead = " +
      'entrypoint time minus handler time; medians. The patched bundle is built exactly as the shipped one ' +
      "(dev/package ESBUILD_OPTIONS and plugins); the original one differs only in the runtime lib's files, " +
      'with patches/ reversed (patch-package --reverse on a copy of the lib).',
  };
}
