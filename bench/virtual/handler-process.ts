/**
 * The worker's side of section 8's handler process (handler-host.ts): builds the group's handler bundle (the
 * package step's esbuild options) and the host, starts the host with Lambda's memory flags for 256 MB, and hands it
 * each invocation and callback wait over IPC. Its peak RSS is the handler's alone: the emulator, its call log and
 * the driver stay in the worker, the state table in its own process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { HandlerRequestPayload, LambdaContextLike } from '../../dev/driver';
import { endpointEnvironment } from '../../dev/emulator';
import { ESBUILD_OPTIONS } from '../../dev/package/bundle';
import { readTypeProject } from '../../dev/package/project';
import { GROUP_TYPE } from '../lib/benchmarked-type';
import { LAMBDA_MEMORY_MB } from '../lib/model';
import type { HostAnswer, HostRequest } from './handler-host';

/**
 * The V8 heap flags the Lambda Node.js runtime's bootstrap passes for a function of `memoryMb`: a tenth of it for
 * the new space (half of that per semi-space), the rest for the old space (/var/runtime/bootstrap of the
 * public.ecr.aws/lambda/nodejs images). For 256 MB: --max-semi-space-size=12 --max-old-space-size=231.
 */
export function lambdaHeapFlags(memoryMb: number = LAMBDA_MEMORY_MB): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

export interface HostFiles {
  handlerBundle: string;
  host: string;
}

/** Builds both files synchronously (esbuild's asynchronous API would wait on virtual timers in the worker). */
export function buildHostFiles(outdir: string): HostFiles {
  const handlerBundle = path.join(outdir, 'handlers.js');
  const host = path.join(outdir, 'host.js');
  // The shipped bundle's options; its one plugin (a smaller replaceAll polyfill) needs the asynchronous API.
  buildSync({
    ...ESBUILD_OPTIONS,
    metafile: false,
    entryPoints: [readTypeProject(GROUP_TYPE.key).handlersSource],
    outfile: handlerBundle,
  });
  buildSync({
    ...ESBUILD_OPTIONS,
    metafile: false,
    minify: false,
    entryPoints: [path.join(__dirname, 'handler-host.ts')],
    outfile: host,
  });
  return { handlerBundle, host };
}

export interface HostReport {
  maxRssMb: number;
  tableCalls: number;
  tableClockMoved: number;
}

/** A request of the union, before the process numbers it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** One handler process: a warm Lambda instance serving one operation's invocations. */
export class HandlerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: HostAnswer) => void>();
  private readonly child: ChildProcess;
  private exited: string | undefined;

  constructor(
    files: HostFiles,
    options: {
      emulatorEndpoint: string;
      stateTableEndpoint: string;
      seed: number;
      startMs: number;
      clockFile: string;
    },
  ) {
    this.child = spawn(process.execPath, [...lambdaHeapFlags(), files.host], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
        ...endpointEnvironment(options.emulatorEndpoint, options.stateTableEndpoint),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        HANDLER_BUNDLE: files.handlerBundle,
        BENCH_SEED: String(options.seed),
        BENCH_START_MS: String(options.startMs),
        BENCH_CLOCK_FILE: options.clockFile,
      },
      // The runtime lib logs every invocation; nobody reads it here.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (answer: HostAnswer) => this.waiting.get(answer.id)?.(answer));
    this.child.on('exit', (code, signal) => {
      this.exited = `the handler process exited (${code ?? signal ?? 'unknown'})`;
      for (const settle of this.waiting.values()) settle({ kind: 'response', id: 0, error: this.exited });
    });
  }

  private ask(request: WithoutId<HostRequest>): Promise<HostAnswer> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (answer) => {
        this.waiting.delete(id);
        resolve(answer);
      });
      this.child.send({ ...request, id });
    });
  }

  async invoke(request: HandlerRequestPayload, context: LambdaContextLike): Promise<unknown> {
    const { getRemainingTimeInMillis, ...plain } = context;
    const answer = await this.ask({
      kind: 'invoke',
      request,
      context: plain,
      remainingMs: getRemainingTimeInMillis(),
    });
    if (answer.kind !== 'response' || answer.error !== undefined) {
      throw new Error(answer.kind === 'response' ? answer.error : `unexpected answer ${answer.kind}`);
    }
    return answer.response;
  }

  async sleep(ms: number): Promise<void> {
    await this.ask({ kind: 'sleep', ms });
  }

  async report(): Promise<HostReport> {
    const answer = await this.ask({ kind: 'report' });
    if (answer.kind !== 'report') throw new Error(`unexpected answer ${answer.kind}`);
    return {
      maxRssMb: (answer.maxRssKb * 1024) / (1024 * 1024),
      tableCalls: answer.tableCalls,
      tableClockMoved: answer.tableClockMoved,
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.exited) {
        resolve();
        return;
      }
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}

/** The clock of the handler process that runs now, read from the file it writes (the emulator's and driver's). */
export function fileClock(file: string): { now(): number } {
  return {
    now: () => {
      const now = Number(readFileSync(file, 'utf8'));
      if (!Number.isFinite(now) || now <= 0)
        throw new Error(`the handler process's clock file holds no time`);
      return now;
    },
  };
}
