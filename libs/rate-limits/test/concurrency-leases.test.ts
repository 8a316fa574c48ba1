import { startNats, type RunningNats } from '@aurora/testing';
import { ConcurrencyLeases, SharedCounters, type LeaseAnswer } from '../src';

const TTL_MS = 1_500;

/** Two gateway replicas share one user's slots through a real nats-server's KV bucket. */
describe('ConcurrencyLeases', () => {
  let nats: RunningNats;
  const opened: { counters: SharedCounters; leases: ConcurrencyLeases }[] = [];

  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    for (const { leases } of opened) leases.close();
    await Promise.all(opened.map(({ counters }) => counters.close()));
    await nats.remove();
  });

  async function replica(): Promise<ConcurrencyLeases> {
    const counters = SharedCounters.start(nats.client('gateway'), 60_000);
    await counters.ready();
    const leases = new ConcurrencyLeases(counters, 'queries', TTL_MS);
    opened.push({ counters, leases });
    return leases;
  }

  const user = (): string => `alice-${Date.now()}-${Math.random()}`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const admitted = (answer: LeaseAnswer) => answer.admitted;

  it('holds one limit across replicas, and frees a slot when its holder releases it', async () => {
    const [a, b] = [await replica(), await replica()];
    const sub = user();
    const first = await a.acquire(sub, 2);
    const second = await b.acquire(sub, 2);
    expect([first, second].map(admitted)).toEqual([true, true]);
    expect(await a.acquire(sub, 2)).toEqual({ admitted: false, held: 2 });
    expect(await b.inUse(sub)).toBe(2);
    // Someone else's slots are their own.
    expect((await b.acquire(`${sub}-bob`, 2)).admitted).toBe(true);

    if (first.admitted) await first.release();
    if (first.admitted) await first.release(); // a second release frees nothing more
    expect(await a.inUse(sub)).toBe(1);
    expect((await a.acquire(sub, 2)).admitted).toBe(true);
  });

  it('admits exactly the limit when a burst races on both replicas', async () => {
    const [a, b] = [await replica(), await replica()];
    const sub = user();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire(sub, 7)));
    expect(answers.filter(admitted)).toHaveLength(7);
    expect(await a.inUse(sub)).toBe(7);
  });

  it('keeps a live holder’s slot past the TTL by renewing it', async () => {
    const [a, b] = [await replica(), await replica()];
    const sub = user();
    const held = await a.acquire(sub, 1);
    expect(held.admitted).toBe(true);
    await sleep(3 * TTL_MS);
    expect((await b.acquire(sub, 1)).admitted).toBe(false);
    if (held.admitted) await held.release();
    expect((await b.acquire(sub, 1)).admitted).toBe(true);
  });

  it('frees the slots of a replica that died within the TTL', async () => {
    const [dying, survivor] = [await replica(), await replica()];
    const sub = user();
    expect((await dying.acquire(sub, 2)).admitted).toBe(true);
    expect((await dying.acquire(sub, 2)).admitted).toBe(true);
    dying.close(); // no release, no renewal: as a replica that was killed
    const diedAt = Date.now();
    expect((await survivor.acquire(sub, 2)).admitted).toBe(false);

    let answer = await survivor.acquire(sub, 2);
    while (!answer.admitted && Date.now() - diedAt < 3 * TTL_MS) {
      await sleep(100);
      answer = await survivor.acquire(sub, 2);
    }
    expect(answer.admitted).toBe(true);
    // Not before the dead replica's last renewal expired (it renewed at most a third of the TTL before dying).
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual((2 * TTL_MS) / 3 - 50);
    expect(await survivor.inUse(sub)).toBe(1);
  });

  it('counts per replica while NATS is out of reach', async () => {
    const counters = SharedCounters.start(
      { url: 'nats://127.0.0.1:1', user: 'x', inboxPrefix: '_INBOX_x' },
      60_000,
    );
    const leases = new ConcurrencyLeases(counters, 'queries', TTL_MS);
    opened.push({ counters, leases });
    const sub = user();
    const held = await leases.acquire(sub, 1);
    expect(held.admitted).toBe(true);
    expect((await leases.acquire(sub, 1)).admitted).toBe(false);
    if (held.admitted) await held.release();
    expect((await leases.acquire(sub, 1)).admitted).toBe(true);
  });
});
