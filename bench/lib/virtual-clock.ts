/**
 * Discrete-event time for the benchmarks: timers wait on a virtual clock that jumps straight to the next due
 * timer instead of sleeping, so a 60 s provisioning run costs milliseconds of wall time and every duration it
 * reports is exact (independent of how fast or busy the machine is).
 */

/** Node's setTimeout turns a delay outside [1, 2^31 - 1] ms into 1 ms; virtual timers do the same. */
const TIMEOUT_MAX_MS = 2 ** 31 - 1;

export function normalizeDelay(delayMs: unknown): number {
  const delay = Number(delayMs);
  return delay >= 1 && delay <= TIMEOUT_MAX_MS ? delay : 1;
}

interface TimerEntry {
  readonly id: number;
  readonly dueAt: number;
  /** Scheduling order: timers due at the same instant run in the order they were set, as in Node. */
  readonly order: number;
  readonly callback: () => void;
}

function runsBefore(left: TimerEntry, right: TimerEntry): boolean {
  return left.dueAt < right.dueAt || (left.dueAt === right.dueAt && left.order < right.order);
}

export class VirtualClock {
  private current: number;
  private nextId = 1;
  private nextOrder = 0;
  /** Binary min-heap by (dueAt, order); cancelled timers are dropped lazily when they reach the top. */
  private readonly heap: TimerEntry[] = [];
  private readonly live = new Set<number>();

  /** Told the new time whenever it moves, before any timer due then runs (a process sharing this clock reads it). */
  private listener: ((now: number) => void) | undefined;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  onAdvance(listener: (now: number) => void): void {
    this.listener = listener;
    listener(this.current);
  }

  private moveTo(time: number): void {
    if (time === this.current) return;
    this.current = time;
    this.listener?.(time);
  }

  now(): number {
    return this.current;
  }

  /** Timers set and not yet run or cancelled. */
  pending(): number {
    return this.live.size;
  }

  schedule(callback: () => void, delayMs: number): number {
    const entry: TimerEntry = {
      id: this.nextId++,
      dueAt: this.current + normalizeDelay(delayMs),
      order: this.nextOrder++,
      callback,
    };
    this.live.add(entry.id);
    this.push(entry);
    return entry.id;
  }

  cancel(id: number): boolean {
    return this.live.delete(id);
  }

  /** When the earliest pending timer is due, if any. */
  nextDueAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.dueAt;
  }

  /**
   * Moves time to the earliest pending timer and runs every timer due at that instant (including ones those
   * callbacks set for the same instant). Returns how many ran; 0 when nothing was pending (time stays put).
   */
  advanceToNext(): number {
    const dueAt = this.nextDueAt();
    if (dueAt === undefined) return 0;
    this.moveTo(Math.max(this.current, dueAt));
    return this.runDue();
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advanceBy(ms: number): number {
    const target = this.current + Math.max(0, ms);
    let ran = 0;
    for (;;) {
      const dueAt = this.nextDueAt();
      if (dueAt === undefined || dueAt > target) break;
      this.moveTo(Math.max(this.current, dueAt));
      ran += this.runDue();
    }
    this.moveTo(target);
    return ran;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.schedule(resolve, ms);
    });
  }

  private runDue(): number {
    let ran = 0;
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (top === undefined || top.dueAt > this.current) return ran;
      this.pop();
      this.live.delete(top.id);
      ran++;
      top.callback();
    }
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !this.live.has(this.heap[0].id)) this.pop();
  }

  private push(entry: TimerEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!runsBefore(heap[index], heap[parent])) break;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && runsBefore(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && runsBefore(heap[right], heap[smallest])) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest], heap[index]];
      index = smallest;
    }
  }
}

/** A small seeded PRNG (mulberry32) so that a run's jitter is reproducible; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
