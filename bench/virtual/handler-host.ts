/**
 * Section 8's handler process: the group's handler bundle alone in a plain `node` process, with the memory flags
 * Lambda gives a 256 MB function, on virtual time of its own (../lib/virtual-runtime.ts). The section's worker
 * (handler-process.ts) keeps the emulator and the driver: it sends each invocation (and each callback wait) over
 * IPC, and its emulator reads this process's clock from a file written whenever the clock moves. Time moves only
 * here, and only while no request is in flight, so a request finds the file at the time it was sent.
 * Built into one file with esbuild; it requires the handler bundle from HANDLER_BUNDLE.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { installVirtualTime } from '../lib/virtual-runtime';
import { tableCallClock } from './state-table';

export type HostRequest =
  | {
      kind: 'invoke';
      id: number;
      request: unknown;
      /** The Lambda context's plain fields; getRemainingTimeInMillis counts down from remainingMs. */
      context: Record<string, unknown>;
      remainingMs: number;
    }
  | { kind: 'sleep'; id: number; ms: number }
  | { kind: 'report'; id: number };

export type HostAnswer =
  | { kind: 'response'; id: number; response?: unknown; error?: string }
  | { kind: 'slept'; id: number }
  | { kind: 'report'; id: number; maxRssKb: number; tableCalls: number; tableClockMoved: number };

interface HandlerBundle {
  entrypoint(request: unknown, context: unknown): Promise<unknown>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const runtime = installVirtualTime(Number(required('BENCH_SEED')));
const clockFile = required('BENCH_CLOCK_FILE');
// Time goes on from where the last operation's process left it (the emulator's rate bucket never sees it go back).
runtime.clock.advanceBy(Math.max(0, Number(required('BENCH_START_MS')) - runtime.clock.now()));
// Written aside and renamed over the file: a reader never sees it half written.
const nextClockFile = `${clockFile}.next`;
runtime.clock.onAdvance((now) => {
  writeFileSync(nextClockFile, String(now));
  renameSync(nextClockFile, clockFile);
});
const table = tableCallClock(required('AWS_ENDPOINT_URL_DYNAMODB'), runtime.clock);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's path is known at run time only
const handlers = require(required('HANDLER_BUNDLE')) as HandlerBundle;

function send(answer: HostAnswer): void {
  process.send?.(answer);
}

async function serve(message: HostRequest): Promise<void> {
  if (message.kind === 'invoke') {
    const deadline = Date.now() + message.remainingMs;
    const context = { ...message.context, getRemainingTimeInMillis: () => deadline - Date.now() };
    try {
      const response = await runtime.run(() => handlers.entrypoint(message.request, context));
      send({ kind: 'response', id: message.id, response });
    } catch (error: unknown) {
      send({
        kind: 'response',
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  } else if (message.kind === 'sleep') {
    await runtime.run(() => new Promise<void>((resolve) => setTimeout(resolve, message.ms)));
    send({ kind: 'slept', id: message.id });
  } else {
    send({
      kind: 'report',
      id: message.id,
      maxRssKb: process.resourceUsage().maxRSS,
      tableCalls: table.calls(),
      tableClockMoved: table.clockMoved(),
    });
  }
}

process.on('message', (message: HostRequest) => void serve(message));
