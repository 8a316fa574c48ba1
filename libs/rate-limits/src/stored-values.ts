import type { Counters } from './sliding-window';

/** An update that loses a race retries with the fresh value; past this, it gives up (null). */
const MAX_ATTEMPTS = 20;

/** How a kind of value is stored under a key: anything unreadable decodes as empty (it is written over). */
export interface StoredCodec<V> {
  decode(text: string): V;
  encode(value: V): string;
}

/**
 * Reads `key`, lets `change` decide on its value, and writes the `value` it returns by compare-and-set (none
 * returned: nothing to write). When another writer came first it reads again, after a pause that spreads a
 * burst out. Null when other writers kept winning the race.
 */
export async function updateStored<V, T>(
  counters: Counters,
  key: string,
  codec: StoredCodec<V>,
  change: (value: V | null) => { value?: V; result: T },
): Promise<T | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await counters.read(key);
    const { value, result } = change(entry ? codec.decode(entry.value) : null);
    if (value === undefined || (await counters.write(key, codec.encode(value), entry?.revision ?? null)))
      return result;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
  }
  return null;
}

/**
 * A list stored as `[[a, b], …]`: `read` makes an item of a pair, or null to drop it; a value that is not such a
 * list is empty.
 */
export function pairsCodec<T>(
  pair: (item: T) => readonly [unknown, unknown],
  read: (a: unknown, b: unknown) => T | null,
): StoredCodec<readonly T[]> {
  return {
    encode: (items) => JSON.stringify(items.map(pair)),
    decode: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return [];
      }
      if (!Array.isArray(parsed)) return [];
      return parsed.flatMap((item: unknown) => {
        if (!Array.isArray(item) || item.length !== 2) return [];
        const [a, b] = item as unknown[];
        const made = read(a, b);
        return made === null ? [] : [made];
      });
    },
  };
}
