import {
  NATS_NAMES,
  natsConnectError,
  natsConnectOptions,
  type NatsClientSettings,
} from '@aurora/nats-access';
import { randomUUID } from 'node:crypto';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import type { VintageArrival } from './vintage-watcher';

const codec = JSONCodec();

/** The vintage-arrived CloudEvent (docs/API.md, "Schedules"). */
export interface VintageArrivedEvent {
  readonly specversion: '1.0';
  readonly type: 'io.aurora.vintage.arrived';
  readonly source: '/services/metadata';
  readonly id: string;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: VintageArrival;
}

export function vintageArrivedEvent(arrival: VintageArrival): VintageArrivedEvent {
  return {
    specversion: '1.0',
    type: 'io.aurora.vintage.arrived',
    source: '/services/metadata',
    id: randomUUID(),
    time: arrival.arrivedAt,
    subject: arrival.dataset,
    datacontenttype: 'application/json',
    data: arrival,
  };
}

/**
 * Announces arrivals on `aurora.events.vintage.arrived`: the only code of the metadata service that publishes
 * them. Plain NATS, as they happen: the schedules they concern were queued in Postgres already.
 */
export class VintageEvents {
  private connection: Promise<NatsConnection> | undefined;

  constructor(private readonly nats: NatsClientSettings) {}

  async publish(arrival: VintageArrival): Promise<void> {
    const connection = await this.connect();
    connection.publish(NATS_NAMES.vintageArrivedSubject, codec.encode(vintageArrivedEvent(arrival)));
  }

  async close(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    await connection?.drain();
  }

  /** Connects on first use and again after a failure. */
  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      ...natsConnectOptions(this.nats),
      name: 'aurora-metadata-vintages',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw natsConnectError(error, this.nats);
    });
    return this.connection;
  }
}
