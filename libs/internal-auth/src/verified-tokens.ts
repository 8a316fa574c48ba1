/**
 * What verifying a token found, kept per token (its exact text) until the token expires: a signature check is
 * a pure function of the token's bytes and the verifier's fixed keys, issuer and audience, so only the clock
 * can change its answer, and every lookup checks the clock again. Only verified tokens are kept, and at most
 * `maxEntries` of them (beyond that it starts afresh: at worst everyone is verified again).
 */
export class VerifiedTokens<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly until: number }>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** What was verified, while `until` (epoch ms) has not passed. */
  get(token: string): V | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, value: V, until: number): void {
    if (until <= this.now()) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, { value, until });
  }
}
