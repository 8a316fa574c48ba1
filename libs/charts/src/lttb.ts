/**
 * Largest-Triangle-Three-Buckets (Steinarsson, "Downsampling Time Series for Visual Representation", 2013): the
 * indices of at most `threshold` points that keep a series' visual shape. The first and last points are always
 * kept; every bucket between contributes the point forming the largest triangle with the point kept before it
 * and the average of the next bucket, so peaks and troughs survive. `xs` must be ascending.
 */
export function lttb(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(xs.length, ys.length);
  if (threshold >= n) return Array.from({ length: n }, (_, i) => i);
  if (threshold <= 0) return [];
  if (threshold === 1) return [0];
  if (threshold === 2) return [0, n - 1];
  const picked = [0];
  const every = (n - 2) / (threshold - 2); // the buckets between the first and the last point
  let a = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket += 1) {
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j += 1) {
      avgX += at(xs, j);
      avgY += at(ys, j);
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;
    const ax = at(xs, a);
    const ay = at(ys, a);
    let best = -1;
    let bestArea = -1;
    const end = Math.floor((bucket + 1) * every) + 1;
    for (let j = Math.floor(bucket * every) + 1; j < end; j += 1) {
      const area = Math.abs((ax - avgX) * (at(ys, j) - ay) - (ax - at(xs, j)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    picked.push(best);
    a = best;
  }
  picked.push(n - 1);
  return picked;
}

function at(values: ArrayLike<number>, i: number): number {
  return values[i] ?? 0;
}
