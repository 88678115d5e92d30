/**
 * The state table for a virtual-time worker: dynalite in a child process (state-table-server.ts), so its work
 * runs on real time and apart from the worker's memory. The worker's table calls are HTTP requests, so virtual
 * time stands still while one is in flight (lib/virtual-runtime.ts); tableCallClock checks it did.
 */
import { fork } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import * as path from 'node:path';
import type { TableStats } from '../lib/results';
import type { VirtualClock } from '../lib/virtual-clock';

export interface StateTableProcess {
  /** The value for AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** The calls by operation and the largest item written since the last stats(). Call it outside runtime.run. */
  stats(): Promise<TableStats>;
  close(): Promise<void>;
}

export async function startStateTableProcess(): Promise<StateTableProcess> {
  const child = fork(path.join(__dirname, 'state-table-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const nextMessage = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the state table process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as T);
      });
    });
  const { endpoint } = await nextMessage<{ endpoint: string }>();
  return {
    endpoint,
    stats: () => {
      const answer = nextMessage<TableStats>();
      child.send({ kind: 'stats' });
      return answer;
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/**
 * Watches every request to `endpoint` and counts those during which the virtual clock moved: it must not, since the
 * runtime advances time only when no HTTP request is in flight. A non-zero count means durations are wrong.
 */
export function tableCallClock(
  endpoint: string,
  clock: Pick<VirtualClock, 'now'>,
): { calls(): number; clockMoved(): number } {
  const { host } = new URL(endpoint);
  let calls = 0;
  let moved = 0;
  subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    if (request.getHeader('host') !== host) return;
    calls++;
    const startedAt = clock.now();
    request.once('close', () => {
      if (clock.now() !== startedAt) moved++;
    });
  });
  return { calls: () => calls, clockMoved: () => moved };
}
