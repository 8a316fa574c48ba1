import { startNats, type RunningNats } from '@aurora/testing';
import { SharedRateLimitStorage } from '../src';

// An hour, so no test straddles a window boundary.
const WINDOW_MS = 3_600_000;

/** Two gateway replicas share one budget through a real nats-server's KV bucket. */
describe('SharedRateLimitStorage', () => {
  let nats: RunningNats;
  const replicas: SharedRateLimitStorage[] = [];

  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await nats.remove();
  });

  async function replica(): Promise<SharedRateLimitStorage> {
    const storage = SharedRateLimitStorage.start(nats.client('gateway'), WINDOW_MS);
    replicas.push(storage);
    await storage.ready();
    return storage;
  }

  it('counts one budget across replicas and refuses the request past it', async () => {
    const [a, b] = [await replica(), await replica()];
    const key = `sub:alice-${Date.now()}`;
    const hits = [];
    for (let i = 0; i < 10; i++) hits.push(await (i % 2 ? a : b).increment(key, WINDOW_MS, 10));
    expect(hits.map((hit) => hit.isBlocked)).toEqual(Array(10).fill(false));
    expect(hits.map((hit) => hit.totalHits)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const refused = await a.increment(key, WINDOW_MS, 10);
    expect(refused.isBlocked).toBe(true);
    expect(refused.timeToBlockExpire).toBeGreaterThanOrEqual(1);
    expect(refused.timeToBlockExpire).toBeLessThanOrEqual(2 * WINDOW_MS);
    expect((await b.increment(key, WINDOW_MS, 10)).isBlocked).toBe(true);
    // Another person's budget is untouched.
    expect((await b.increment(`${key}-bob`, WINDOW_MS, 10)).isBlocked).toBe(false);
  });

  it('admits exactly the limit when a burst races on both replicas', async () => {
    const [a, b] = [await replica(), await replica()];
    const key = `sub:burst-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).increment(key, WINDOW_MS, 25)),
    );
    expect(results.filter((result) => !result.isBlocked)).toHaveLength(25);
  });

  it('keeps limiting per replica while NATS is down, and shares again once it is back', async () => {
    const storage = await replica();
    await nats.stop();
    await waitFor(() => !storage.isShared());
    const key = `sub:outage-${Date.now()}`;
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await storage.increment(key, WINDOW_MS, 3)).isBlocked);
    expect(during).toEqual([false, false, false, true]);

    await nats.restart();
    await waitFor(() => storage.isShared());
    const other = await replica();
    const shared = `sub:after-${Date.now()}`;
    await storage.increment(shared, WINDOW_MS, 2);
    await other.increment(shared, WINDOW_MS, 2);
    expect((await storage.increment(shared, WINDOW_MS, 2)).isBlocked).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
