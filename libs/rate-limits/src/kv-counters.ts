import { StringCodec, type KV } from 'nats';
import type { Counters } from './sliding-window';

const codec = StringCodec();

/** The counters in a NATS KV bucket: a write carries the revision it read, so a lost race answers false. */
export class KvCounters implements Counters {
  constructor(private readonly kv: KV) {}

  async read(key: string): Promise<{ value: string; revision: number } | null> {
    const entry = await this.kv.get(key);
    return entry && entry.operation === 'PUT'
      ? { value: codec.decode(entry.value), revision: entry.revision }
      : null;
  }

  async write(key: string, value: string, revision: number | null): Promise<boolean> {
    try {
      if (revision === null) await this.kv.create(key, codec.encode(value));
      else await this.kv.update(key, codec.encode(value), revision);
      return true;
    } catch (error) {
      if (String(error).includes('wrong last sequence')) return false;
      throw error;
    }
  }
}
