/** The most admissions any rolling window (t - windowMs, t] holds; `times` in ms, in any order. */
export function maxInRollingWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[first] ?? 0) <= (sorted[last] ?? 0) - windowMs) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}

/** Admissions in (from, to]. */
export function admittedBetween(times: readonly number[], from: number, to: number): number {
  return times.filter((time) => time > from && time <= to).length;
}

/** Date.now() answers `now()` of this clock while it is installed; `restore()` puts the real one back. */
export function fakeClock(start: number): { now(): number; set(time: number): void; restore(): void } {
  let time = start;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => time);
  return {
    now: () => time,
    set: (next) => {
      time = next;
    },
    restore: () => spy.mockRestore(),
  };
}
