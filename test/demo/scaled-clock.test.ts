// The clock of scaled demo and invoke runs (dev/demo/scaled-clock.ts), on a fake real clock.
import { ScaledClock } from '../../dev/demo/scaled-clock';

function fakeRealTime(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let realMs = 1_000;
  const slept: number[] = [];
  return {
    now: () => realMs,
    sleep: async (ms) => {
      slept.push(ms);
      realMs += ms;
    },
    slept,
  };
}

test.each([0, 0.05, 1])(
  'at time scale %s a wait counts in full; only that share is slept',
  async (timeScale) => {
    const real = fakeRealTime();
    const clock = new ScaledClock(timeScale, { realNow: real.now, realSleep: real.sleep });
    expect(clock.now()).toBe(1_000);
    await clock.sleep(4_000);
    await clock.sleep(10_000);
    expect(real.slept).toEqual([4_000 * timeScale, 10_000 * timeScale]);
    expect(clock.now()).toBe(15_000);
  },
);

test('real time passing between waits (handler invocations) counts as it is', async () => {
  const real = fakeRealTime();
  const clock = new ScaledClock(0, { realNow: real.now, realSleep: real.sleep });
  await clock.sleep(2_000);
  await real.sleep(30); // an invocation
  expect(clock.now()).toBe(1_000 + 2_000 + 30);
});

test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('a time scale of %s is refused', (timeScale) => {
  expect(() => new ScaledClock(timeScale)).toThrow(RangeError);
});
