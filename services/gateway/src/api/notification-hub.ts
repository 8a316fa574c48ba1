import {
  NATS_NAMES,
  natsConnectError,
  natsConnectOptions,
  type NatsClientSettings,
} from '@aurora/nats-access';
import { logger } from '@aurora/observability';
import type { NotificationView } from '@aurora/query-model';
import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';

const log = logger('gateway');
const codec = JSONCodec();

/** The `data` of the vintage-arrived CloudEvent. */
export interface VintageArrival {
  readonly dataset: string;
  readonly loadType: string;
  readonly loadId: string;
  readonly arrivedAt: string;
}

/** What the stream of one person hears: their own notifications, and new vintages (filtered by the stream). */
export type HubEvent =
  | { readonly kind: 'notification'; readonly notification: NotificationView }
  | { readonly kind: 'vintage'; readonly arrival: VintageArrival };

type Listener = (event: HubEvent) => void;

/**
 * The live side of the bell on this replica: ONE NATS connection subscribed to `aurora.notifications.created`
 * (the metadata service publishes each notification after its commit) and `aurora.events.vintage.arrived`, fanned
 * out in memory to the streams open here, a notification only to its recipient's. Every replica hears every
 * message, so a person's stream on any replica gets theirs. Connected on the first stream, kept afterwards.
 */
export class NotificationHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private connection: Promise<NatsConnection> | undefined;
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly nats: NatsClientSettings) {}

  /** Listens for `sub`'s events until the returned function is called. */
  async listen(sub: string, listener: Listener): Promise<() => void> {
    await this.connect();
    const set = this.listeners.get(sub) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(sub, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(sub);
    };
  }

  /** Nest calls this at shutdown. */
  async onApplicationShutdown(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    await connection?.drain();
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      ...natsConnectOptions(this.nats),
      name: 'aurora-gateway-notifications',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).then(
      (connection) => {
        this.subscribe(connection, NATS_NAMES.notificationCreatedSubject, (data) => {
          const { recipient, notification } = data as { recipient: string; notification: NotificationView };
          this.emit(recipient, { kind: 'notification', notification });
        });
        this.subscribe(connection, NATS_NAMES.vintageArrivedSubject, (data) => {
          const { data: arrival } = data as { data: VintageArrival };
          for (const sub of this.listeners.keys()) this.emit(sub, { kind: 'vintage', arrival });
        });
        return connection;
      },
      (error: unknown) => {
        this.connection = undefined;
        throw natsConnectError(error, this.nats);
      },
    );
    return this.connection;
  }

  private subscribe(connection: NatsConnection, subject: string, handle: (data: unknown) => void): void {
    const subscription = connection.subscribe(subject, {
      callback: (error, message) => {
        if (error) {
          log.warn('notification subscription failed', { subject, error: error.message });
          return;
        }
        try {
          handle(codec.decode(message.data));
        } catch (failure) {
          log.warn('notification message not understood', {
            subject,
            error: failure instanceof Error ? failure.message : String(failure),
          });
        }
      },
    });
    this.subscriptions.push(subscription);
  }

  private emit(sub: string, event: HubEvent): void {
    for (const listener of this.listeners.get(sub) ?? []) listener(event);
  }
}
