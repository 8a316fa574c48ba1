import { startNats, type RunningNats } from '@aurora/testing';
import { readFileSync } from 'node:fs';
import { SharedRateLimitStorage, type RateLimitHit } from '../src';
import { fakeClock, maxInRollingWindow } from './support';

// An hour, so no test straddles a window boundary.
const WINDOW_MS = 3_600_000;
/** docs/API.md, "Rate limits": no rolling window admits more than the limit. */
const TOLERANCE = 0;

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

  it('admits no more than the limit in any rolling minute across a window boundary, on two replicas', async () => {
    // The gateway's budget (RATE_LIMIT_PER_MINUTE), the probe's pattern: a burst just before a minute ends and
    // at the start of the next, then requests as fast as they are admitted, alternating replicas.
    const [minute, limit] = [60_000, 300];
    const [a, b] = [await replica(), await replica()];
    const key = `sub:boundary-${Date.now()}`;
    const boundary = (Math.floor(Date.now() / minute) + 1) * minute;
    const clock = fakeClock(boundary - 100);
    const admitted: number[] = [];
    const send = async (requests: number): Promise<void> => {
      const hits: RateLimitHit[] = await Promise.all(
        Array.from({ length: requests }, (_, i) => (i % 2 ? a : b).increment(key, minute, limit)),
      );
      for (const hit of hits) if (!hit.isBlocked) admitted.push(clock.now());
    };
    try {
      await send(limit);
      clock.set(boundary);
      await send(limit);
      for (let time = boundary; time < boundary + minute; time += 250) {
        clock.set(time);
        await send(4);
      }
      // Once the first burst has left the window (a bucket of 1 s late at most), the budget is back.
      clock.set(boundary - 100 + minute + 1_000);
      const before = admitted.length;
      await send(4);
      expect(admitted.length).toBeGreaterThan(before);
    } finally {
      clock.restore();
    }

    expect(maxInRollingWindow(admitted, minute)).toBeLessThanOrEqual(limit + TOLERANCE);
  });

  it('counts locally for a moment when NATS stops answering, instead of waiting for it once per request', async () => {
    const storage = await replica();
    const key = `sub:frozen-${Date.now()}`;
    await freeze(nats); // connected, but every request times out
    try {
      const started = performance.now();
      const hits = await Promise.all(Array.from({ length: 5 }, () => storage.increment(key, WINDOW_MS, 3)));
      const elapsedMs = performance.now() - started;

      expect(hits.map((hit) => hit.isBlocked)).toEqual([false, false, false, true, true]);
      expect(elapsedMs).toBeLessThan(2_500); // one request timed out (1 s); the others did not wait for NATS
    } finally {
      nats.process.child.kill('SIGCONT');
    }
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

/** Stops the server's process (SIGSTOP) and waits until the kernel says it is stopped. */
async function freeze(server: RunningNats): Promise<void> {
  const { pid } = server.process.child;
  server.process.child.kill('SIGSTOP');
  await waitFor(
    () =>
      readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
        .split(') ')[1]
        ?.startsWith('T') ?? false,
  );
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
