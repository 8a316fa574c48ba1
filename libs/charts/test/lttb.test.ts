import { lttb } from '../src';
import fc from 'fast-check';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('lttb: Largest-Triangle-Three-Buckets downsampling', () => {
  it('returns exactly `threshold` ascending indices, the first and the last among them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 2_000 }),
        fc.integer({ min: 3, max: 500 }),
        (ys, threshold) => {
          const picked = lttb(range(ys.length), ys, threshold);
          expect(picked).toHaveLength(Math.min(threshold, ys.length));
          expect(picked[0]).toBe(0);
          expect(picked.at(-1)).toBe(ys.length - 1);
          for (let i = 1; i < picked.length; i += 1) expect(picked[i]).toBeGreaterThan(picked[i - 1] ?? -1);
        },
      ),
    );
  });

  it('keeps every point when there are no more than the threshold', () => {
    expect(lttb([1, 2, 3], [5, 6, 7], 3)).toEqual([0, 1, 2]);
    expect(lttb([1, 2, 3], [5, 6, 7], 10)).toEqual([0, 1, 2]);
  });

  it('keeps the top of a spike and the bottom of a dip, which an even sampling would miss', () => {
    const n = 100_000;
    const ys = range(n).map((i) => Math.sin(i / 5_000));
    ys[31_337] = 50; // one spike
    ys[77_777] = -50; // one dip
    const picked = lttb(range(n), ys, 1_000);
    expect(picked).toContain(31_337);
    expect(picked).toContain(77_777);
    expect(range(1_000).map((i) => i * 100)).not.toContain(31_337);
  });

  it('picks, in each bucket, the point making the largest triangle', () => {
    // 8 points to 4: buckets [1,2,3] and [4,5,6]; in the first, index 2 stands farthest from the line.
    const ys = [0, 0, 10, 0, 0, 0, 0, 0];
    expect(lttb(range(8), ys, 4)).toEqual([0, 2, 4, 7]);
  });

  it('degenerate thresholds keep the ends', () => {
    expect(lttb(range(10), range(10), 2)).toEqual([0, 9]);
    expect(lttb(range(10), range(10), 1)).toEqual([0]);
    expect(lttb(range(10), range(10), 0)).toEqual([]);
  });
});
