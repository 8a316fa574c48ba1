import { natsClientSettings } from '@aurora/nats-access';
import fc from 'fast-check';
import { BUCKETS_PER_WINDOW, decide, SharedRateLimitStorage, type Bucket } from '../src';
import { admittedBetween, fakeClock, maxInRollingWindow } from './support';

const WINDOW_MS = 60_000;
/** docs/API.md, "Rate limits": no rolling window admits more than the limit… */
const TOLERANCE = 0;
/** …and a request leaves the count at most a bucket (a sixtieth of the window) late. */
const BUCKET_MS = WINDOW_MS / 60;

/**
 * The limiter against a fake clock, counting in this process (NATS out of reach, as when it is down): whatever the
 * schedule, bursts before and after window boundaries included, no rolling window admits more than the limit,
 * and a request is refused only when the limit was reached within the window plus one bucket.
 */
describe('the rate limit, counted in this process', () => {
  let storage: SharedRateLimitStorage;
  let clock: ReturnType<typeof fakeClock>;

  beforeAll(() => {
    // No NATS at this address: the counters stay in this process.
    const nowhere = { NATS_URL: 'nats://127.0.0.1:9', NATS_USER: 'aurora-gateway' };
    storage = SharedRateLimitStorage.start(natsClientSettings('gateway', nowhere), WINDOW_MS);
  });
  beforeEach(() => {
    clock = fakeClock(1_800_000_000_000);
  });
  afterEach(() => clock.restore());
  afterAll(() => storage.close());

  it('never admits more than the limit in any rolling window, and refuses only a spent budget', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: WINDOW_MS - 1 }),
        fc.array(
          fc.record({
            gapMs: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 55_000, max: 65_000 })),
            burst: fc.integer({ min: 1, max: 40 }),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        async (limit, offset, steps) => {
          const key = `sub:property-${run++}`;
          let time = 1_800_000_000_000 + offset;
          const admitted: number[] = [];
          const refused: number[] = [];
          for (const { gapMs, burst } of steps) {
            time += gapMs;
            clock.set(time);
            const hits = await Promise.all(
              Array.from({ length: burst }, () => storage.increment(key, WINDOW_MS, limit)),
            );
            for (const hit of hits) (hit.isBlocked ? refused : admitted).push(time);
          }

          expect(maxInRollingWindow(admitted, WINDOW_MS)).toBeLessThanOrEqual(limit + TOLERANCE);
          for (const at of refused) {
            expect(admittedBetween(admitted, at - WINDOW_MS - BUCKET_MS, at)).toBeGreaterThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('admits exactly the limit of a burst of concurrent requests', async () => {
    const hits = await Promise.all(
      Array.from({ length: 40 }, () => storage.increment('sub:concurrent', WINDOW_MS, 25)),
    );
    expect(hits.filter((hit) => !hit.isBlocked)).toHaveLength(25);
  });
});

describe('decide (the buckets of one key)', () => {
  const steps = fc.array(fc.integer({ min: 0, max: 4_000 }), { minLength: 1, maxLength: 300 });

  it('tells a refused client the first moment one more request fits, never later than a window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), steps, (limit, gaps) => {
        let buckets: readonly Bucket[] = [];
        let now = 1_800_000_000_000;
        for (const gap of gaps) {
          now += gap;
          const decision = decide(buckets, now, WINDOW_MS, limit);
          if (decision.admitted) {
            buckets = decision.buckets;
            continue;
          }
          expect(decision.retryMs).toBeGreaterThan(0);
          expect(decision.retryMs).toBeLessThanOrEqual(WINDOW_MS);
          expect(decide(buckets, now + decision.retryMs - 1, WINDOW_MS, limit).admitted).toBe(false);
          expect(decide(buckets, now + decision.retryMs, WINDOW_MS, limit).admitted).toBe(true);
        }
      }),
    );
  });

  it('keeps at most a bucket per slice of the window, whatever the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), steps, (limit, gaps) => {
        let buckets: readonly Bucket[] = [];
        let now = 1_800_000_000_000;
        for (const gap of gaps) {
          now += gap;
          buckets = decide(buckets, now, WINDOW_MS, limit).buckets;
          expect(buckets.length).toBeLessThanOrEqual(BUCKETS_PER_WINDOW + 1);
        }
      }),
    );
  });
});
