import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth and no whitespace: one text per value, so a hash over it is
 * stable whatever order a writer put the keys in. `undefined` members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash the chain starts from: the previous hash of the first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** A row's hash: over the previous row's hash and the row's own canonical content, so each row seals the last. */
export function chainHash(previousHash: string, canonicalContent: string): string {
  return sha256Hex(`${previousHash}\n${canonicalContent}`);
}
