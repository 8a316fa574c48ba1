/**
 * One answer per key for `ttlMs`: callers asking meanwhile (also while the first call is still running) share
 * its promise. A rejection is not kept, so the next caller tries again.
 */
export class TtlPromiseCache<K, V> {
  private readonly entries = new Map<K, { readonly expires: number; readonly value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && cached.expires > this.now()) return cached.value;
    const value = load();
    this.entries.set(key, { expires: this.now() + this.ttlMs, value });
    value.catch(() => {
      // Only this attempt's entry: a newer one may have replaced it meanwhile.
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
