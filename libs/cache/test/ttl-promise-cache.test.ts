import { TtlPromiseCache } from '../src';

describe('TtlPromiseCache', () => {
  let clock: number;
  let cache: TtlPromiseCache<string, number>;
  beforeEach(() => {
    clock = 0;
    cache = new TtlPromiseCache<string, number>(1000, () => clock);
  });

  it('shares one call per key until the time to live has passed', async () => {
    const load = jest.fn(() => Promise.resolve(42));
    const [a, b] = [cache.get('k', load), cache.get('k', load)];
    clock = 999;
    await expect(Promise.all([a, b, cache.get('k', load)])).resolves.toEqual([42, 42, 42]);
    expect(load).toHaveBeenCalledTimes(1);

    clock = 1000;
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps keys apart', async () => {
    await expect(cache.get('a', () => Promise.resolve(1))).resolves.toBe(1);
    await expect(cache.get('b', () => Promise.resolve(2))).resolves.toBe(2);
  });

  it('does not keep a failure: the next caller tries again', async () => {
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(cache.get('k', () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('a late failure does not evict the newer answer that replaced it', async () => {
    let fail: (error: Error) => void = () => undefined;
    const first = cache.get('k', () => new Promise<number>((_resolve, reject) => (fail = reject)));
    clock = 1000;
    await expect(cache.get('k', () => Promise.resolve(8))).resolves.toBe(8);
    fail(new Error('late'));
    await expect(first).rejects.toThrow('late');
    const load = jest.fn(() => Promise.resolve(9));
    await expect(cache.get('k', load)).resolves.toBe(8);
    expect(load).not.toHaveBeenCalled();
  });
});
