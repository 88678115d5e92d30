import { normalizeDelay, seededRandom, VirtualClock } from '../../bench/lib/virtual-clock';

describe('VirtualClock', () => {
  test('advanceToNext jumps to the earliest timer and runs every timer due then, in scheduling order', () => {
    const clock = new VirtualClock(1_000);
    const ran: string[] = [];
    clock.schedule(() => ran.push('late'), 5_000);
    clock.schedule(() => ran.push('first'), 2_000);
    clock.schedule(() => ran.push('second'), 2_000);

    expect(clock.advanceToNext()).toBe(2);
    expect(clock.now()).toBe(3_000);
    expect(ran).toEqual(['first', 'second']);
    expect(clock.advanceToNext()).toBe(1);
    expect(clock.now()).toBe(6_000);
    expect(ran).toEqual(['first', 'second', 'late']);
    expect(clock.advanceToNext()).toBe(0);
    expect(clock.now()).toBe(6_000);
  });

  test('onAdvance is told the time at once and whenever it moves, before the timers due then run', () => {
    const clock = new VirtualClock(1_000);
    const seen: string[] = [];
    clock.onAdvance((now) => seen.push(`time ${now}`));
    clock.schedule(() => seen.push(`timer at ${clock.now()}`), 500);
    clock.schedule(() => seen.push(`timer at ${clock.now()}`), 2_000);

    clock.advanceToNext();
    clock.advanceBy(3_000);
    expect(seen).toEqual([
      'time 1000',
      'time 1500',
      'timer at 1500',
      'time 3000',
      'timer at 3000',
      'time 4500',
    ]);
  });

  test('a cancelled timer never runs and is not pending', () => {
    const clock = new VirtualClock();
    const ran: number[] = [];
    const id = clock.schedule(() => ran.push(1), 10);
    clock.schedule(() => ran.push(2), 20);
    expect(clock.cancel(id)).toBe(true);
    expect(clock.cancel(id)).toBe(false);
    expect(clock.pending()).toBe(1);
    expect(clock.nextDueAt()).toBe(20);
    clock.advanceToNext();
    expect(ran).toEqual([2]);
  });

  test('a timer set by a running timer for the same instant runs in the same advance', () => {
    const clock = new VirtualClock();
    const ran: string[] = [];
    clock.schedule(() => {
      ran.push('outer');
      clock.schedule(() => ran.push('inner'), 0);
    }, 10);
    // Node turns a 0 ms delay into 1 ms, so the inner timer is due 1 ms later.
    expect(clock.advanceToNext()).toBe(1);
    expect(clock.advanceToNext()).toBe(1);
    expect(ran).toEqual(['outer', 'inner']);
    expect(clock.now()).toBe(11);
  });

  test('advanceBy runs what falls due on the way, in time order, and lands exactly on the target', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    for (const delay of [300, 100, 200, 900]) clock.schedule(() => seen.push(clock.now()), delay);
    expect(clock.advanceBy(500)).toBe(3);
    expect(seen).toEqual([100, 200, 300]);
    expect(clock.now()).toBe(500);
    expect(clock.pending()).toBe(1);
  });

  test('sleep resolves when the clock reaches it', async () => {
    const clock = new VirtualClock();
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advanceToNext();
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(60_000);
  });

  test('many timers come out in due order', () => {
    const clock = new VirtualClock();
    const random = seededRandom(7);
    const due: number[] = [];
    for (let index = 0; index < 500; index++) {
      clock.schedule(() => due.push(clock.now()), 1 + Math.floor(random() * 10_000));
    }
    while (clock.advanceToNext() > 0);
    expect(due).toHaveLength(500);
    expect(due).toEqual([...due].sort((a, b) => a - b));
  });
});

describe('normalizeDelay', () => {
  test.each([
    [0, 1],
    [-5, 1],
    [Number.NaN, 1],
    ['250', 250],
    [2 ** 31, 1],
    [1_500, 1_500],
  ])('%p ms is %p ms, as in Node', (input, expected) => {
    expect(normalizeDelay(input)).toBe(expected);
  });
});

describe('seededRandom', () => {
  test('the same seed gives the same sequence, in [0, 1)', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const values = Array.from({ length: 1_000 }, () => first());
    expect(Array.from({ length: 1_000 }, () => second())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });

  test('different seeds give different sequences', () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});
