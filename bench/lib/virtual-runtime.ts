/**
 * Runs real handler code (real HTTP to the emulator on loopback) on virtual time, inside a benchmark worker
 * process only. It replaces the process-wide `setTimeout`/`clearTimeout`, `Date.now` and `Math.random`:
 * - timers (the driver's callback waits, the SDK's retry backoff, in-process waits) run on a VirtualClock;
 * - `Date.now` reads the VirtualClock, so the handlers' deadlines and `startedAt` stay consistent with it;
 * - `Math.random` is seeded, so the jitter of a run is reproducible.
 * Virtual time moves only when the process is quiet: no HTTP request in flight (tracked with the
 * `http.client.request.start` diagnostics channel), no real asynchronous request pending (file system, DNS,
 * crypto, socket connects and writes: tracked with async_hooks, since they finish on the thread pool or
 * the network at their own pace) and a few event-loop turns without activity. Handler execution itself
 * therefore takes no virtual time; only waits do.
 * Never install this in a process that needs real timers (the progress bar, the cold-start timing).
 */
import { createHook } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { seededRandom, VirtualClock } from './virtual-clock';

/** Event-loop turns without any HTTP activity before time may jump. */
const QUIET_TURNS = 3;
/** How often the pump may find nothing in flight and no timer before it reports a stall. */
const MAX_STALLED_TURNS = 1000;
/** Real work pending longer than this (real ms) is treated as background work nobody waits for. */
const STALE_WORK_MS = 1000;

/**
 * One-shot async requests whose completion is real work outside the event loop (async_hooks resource types,
 * https://nodejs.org/api/async_hooks.html#type). Long-lived handles (sockets, servers) are not here: an idle
 * keep-alive socket is not work. Not RANDOMBYTESREQUEST either: crypto.randomUUID refills its entropy cache in
 * the background with one, and nothing waits for it. Not ZLIB: gzipSync and gunzipSync (the group's state item)
 * create one that is destroyed only by the garbage collector, so each call would hold time for STALE_WORK_MS of
 * real time; no measured path uses asynchronous zlib.
 */
const REAL_WORK_TYPES = new Set([
  'FSREQCALLBACK',
  'FSREQPROMISE',
  'FILEHANDLECLOSEREQ',
  'GETADDRINFOREQWRAP',
  'GETNAMEINFOREQWRAP',
  'QUERYWRAP',
  'PBKDF2REQUEST',
  'SCRYPTREQUEST',
  'KEYGENREQUEST',
  'TCPCONNECTWRAP',
  'PIPECONNECTWRAP',
  'WRITEWRAP',
  'SHUTDOWNWRAP',
]);

/** What setTimeout returns in the worker: enough of Node's Timeout for the SDK and Node's own callers. */
class VirtualTimeout {
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export interface VirtualRuntime {
  readonly clock: VirtualClock;
  /** Runs `work`, advancing virtual time whenever the process is quiet, until it settles. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Restarts Math.random from `seed`, so a run does not depend on what ran before it. */
  reseed(seed: number): void;
}

let installed: VirtualRuntime | undefined;

export function installVirtualTime(seed: number): VirtualRuntime {
  if (installed) return installed;
  const realSetImmediate = setImmediate;
  const realSetTimeout = setTimeout;
  const clock = new VirtualClock(Date.now());

  let inFlight = 0;
  let activity = 0;
  let wake: (() => void) | undefined;
  const noteActivity = (): void => {
    activity++;
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    inFlight++;
    noteActivity();
    request.once('close', () => {
      inFlight--;
      noteActivity();
    });
  });

  // Counters only inside the hooks: a hook must not start asynchronous work of its own.
  const pendingWork = new Map<number, number>();
  const settleWork = (asyncId: number): void => {
    if (pendingWork.delete(asyncId)) activity++;
  };
  createHook({
    init(asyncId, type) {
      if (!REAL_WORK_TYPES.has(type)) return;
      pendingWork.set(asyncId, performance.now());
      activity++;
    },
    after: settleWork,
    destroy: settleWork,
  }).enable();

  const virtualSetTimeout = (callback: (...args: unknown[]) => void, delayMs?: number, ...args: unknown[]) =>
    new VirtualTimeout(clock.schedule(() => callback(...args), delayMs ?? 0));
  const virtualClearTimeout = (handle: unknown): void => {
    if (handle instanceof VirtualTimeout) clock.cancel(handle.id);
    else if (typeof handle === 'number') clock.cancel(handle);
  };
  Object.assign(globalThis, { setTimeout: virtualSetTimeout, clearTimeout: virtualClearTimeout });
  Date.now = () => Math.floor(clock.now());
  Math.random = seededRandom(seed);

  const hasFreshWork = (): boolean => {
    const now = performance.now();
    for (const [asyncId, since] of pendingWork) {
      if (now - since < STALE_WORK_MS) return true;
      pendingWork.delete(asyncId);
    }
    return false;
  };
  const nextTurn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));
  const nextActivity = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
    });

  async function run<T>(work: () => Promise<T>): Promise<T> {
    let settled = false;
    const result = work().finally(() => {
      settled = true;
      noteActivity();
    });
    // The pump's failure (a stall) must win over a work promise that would never settle.
    const pump = (async (): Promise<void> => {
      let quietTurns = 0;
      let stalledTurns = 0;
      let seen = activity;
      while (!settled) {
        if (inFlight > 0) {
          await nextActivity();
          quietTurns = 0;
          continue;
        }
        if (hasFreshWork()) {
          // Thread-pool or socket work in progress: poll at the real timer's pace rather than spin.
          await new Promise((resolve) => realSetTimeout(resolve, 1));
          quietTurns = 0;
          seen = activity;
          continue;
        }
        await nextTurn();
        if (activity !== seen) {
          seen = activity;
          quietTurns = 0;
          continue;
        }
        if (++quietTurns < QUIET_TURNS || settled) continue;
        quietTurns = 0;
        if (clock.advanceToNext() > 0) {
          stalledTurns = 0;
          noteActivity();
          seen = activity;
          continue;
        }
        // Nothing in flight, nothing scheduled: give real I/O a moment before calling it a stall.
        if (++stalledTurns > MAX_STALLED_TURNS) {
          throw new Error(
            'virtual time stalled: no HTTP request in flight, no timer pending, work unfinished',
          );
        }
        await new Promise((resolve) => realSetTimeout(resolve, 1));
      }
    })();
    await Promise.race([result, pump]);
    return result;
  }

  const reseed = (next: number): void => {
    Math.random = seededRandom(next);
  };
  installed = { clock, run, reseed };
  return installed;
}
