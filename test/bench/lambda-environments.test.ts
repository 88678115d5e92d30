import { EnvironmentLocalStorage } from '../../bench/lib/lambda-environments';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EnvironmentLocalStorage', () => {
  test('each instance keeps its own store per context, across awaits, as AsyncLocalStorage does', async () => {
    const first = new EnvironmentLocalStorage<string>();
    const second = new EnvironmentLocalStorage<string>();
    expect(first.getStore()).toBeUndefined();

    const seen = await Promise.all([
      first.run('a', async () => {
        await tick();
        return [first.getStore(), second.getStore()];
      }),
      second.run('b', async () => {
        await tick();
        const outer = [first.getStore(), second.getStore()];
        const inner = await first.run('c', async () => {
          await tick();
          return [first.getStore(), second.getStore()];
        });
        return [...outer, ...inner, first.getStore()];
      }),
    ]);

    expect(seen).toEqual([
      ['a', undefined],
      [undefined, 'b', 'c', 'b', undefined],
    ]);
    expect(first.getStore()).toBeUndefined();
    expect(second.getStore()).toBeUndefined();
  });

  test('exit leaves only its own instance; disable leaves every context it entered', () => {
    const first = new EnvironmentLocalStorage<number>();
    const second = new EnvironmentLocalStorage<number>();
    first.run(1, () =>
      second.run(2, () => {
        expect(first.exit(() => [first.getStore(), second.getStore()])).toEqual([undefined, 2]);
        first.disable();
        expect([first.getStore(), second.getStore()]).toEqual([undefined, 2]);
      }),
    );
  });
});
