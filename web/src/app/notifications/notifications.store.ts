import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { firstValueFrom, Subject } from 'rxjs';
import { ApiError } from '../api';
import { AuthService } from '../auth/auth.service';
import { readEventStream, type SseEvent } from '../exports/sse';
import { merge } from './notification-words';
import type { AppNotification, VintageArrived } from './notification.types';
import { NotificationsApi } from './notifications.api';

/** Notifications per page of the panel. */
export const NOTIFICATION_PAGE = 20;
/** Reconnecting after a drop: 2 s, doubling while the server stays away, at most a minute. */
export const STREAM_RETRY_MS = 2_000;
export const STREAM_MAX_RETRY_MS = 60_000;

const retried = (status: number): boolean => status === 429 || status >= 500;

function message(error: unknown): string {
  return error instanceof ApiError ? error.detail : 'Notifications could not be loaded. Please retry.';
}

/**
 * The signed-in person's notifications: the first page and the unread count, kept live over
 * `GET /notifications/stream` (read with fetch, for the bearer token), reconnecting with backoff and catching up
 * on each reconnection. Started by the bell once the first page is on screen; nothing stays after sign-out.
 */
@Injectable({ providedIn: 'root' })
export class NotificationsStore {
  private readonly api = inject(NotificationsApi);
  private readonly auth = inject(AuthService);
  private stream: AbortController | null = null;
  /** The bell has asked for the stream: after an expired session is renewed, it opens again by itself. */
  private wanted = false;

  readonly items = signal<readonly AppNotification[]>([]);
  readonly unread = signal(0);
  readonly nextCursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly open = signal(false);
  /** Whether the stream is answered now. */
  readonly live = signal(false);
  /** The last notification that arrived over the stream: pages showing its alert read it again. */
  readonly latest = signal<AppNotification | null>(null);
  /** The stream's `vintage` events, as they come: new loads of datasets the caller may view. */
  readonly vintages = new Subject<VintageArrived>();
  readonly hasMore = computed(() => this.nextCursor() !== null);

  constructor() {
    effect(() => {
      const signedIn = this.auth.status() === 'authenticated';
      untracked(() => {
        if (!signedIn) this.stop();
        else if (this.wanted) this.start();
      });
    });
  }

  /** Opens the stream (once); each time it is answered, the first page and the count are read again. */
  start(): void {
    this.wanted = true;
    if (this.stream || this.auth.status() !== 'authenticated') return;
    const stream = new AbortController();
    this.stream = stream;
    void readEventStream(this.api.streamUrl, {
      token: () => this.auth.accessToken(),
      signal: stream.signal,
      retryMs: STREAM_RETRY_MS,
      maxRetryMs: STREAM_MAX_RETRY_MS,
      retryOn: retried,
      onOpen: () => {
        this.live.set(true);
        void this.reload();
      },
      onEvent: (event) => this.receive(event),
      onRefused: (response) => {
        if (response.status === 401) this.auth.expire();
        else if (response.status !== 404) this.error.set(`Live notifications stopped (${response.status}).`);
      },
    }).finally(() => {
      this.live.set(false);
      if (this.stream === stream) this.stream = null;
    });
  }

  stop(): void {
    this.stream?.abort();
    this.stream = null;
    this.items.set([]);
    this.unread.set(0);
    this.nextCursor.set(null);
    this.latest.set(null);
    this.error.set(null);
    this.open.set(false);
    this.live.set(false);
  }

  /** One event of the stream. */
  receive(event: SseEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // not JSON: nothing to show
    }
    switch (event.event) {
      case 'notification': {
        const notification = data as AppNotification;
        const known = this.items().find((n) => n.id === notification.id);
        this.items.update((items) => merge(items, notification));
        if (!known && notification.readAt === null) this.unread.update((n) => n + 1);
        this.latest.set(notification);
        break;
      }
      case 'vintage':
        this.vintages.next(data as VintageArrived);
        break;
      default: // an event this portal does not know yet
    }
  }

  /** The first page and the count, again (at each connection: what came while it was down). */
  async reload(): Promise<void> {
    this.loading.set(true);
    try {
      const page = await firstValueFrom(this.api.list({ limit: NOTIFICATION_PAGE }));
      this.items.set(page.items);
      this.nextCursor.set(page.nextCursor);
      this.unread.set(page.unread);
      this.error.set(null);
    } catch (error) {
      this.error.set(message(error));
    } finally {
      this.loading.set(false);
    }
  }

  async more(): Promise<void> {
    const cursor = this.nextCursor();
    if (cursor === null || this.loading()) return;
    this.loading.set(true);
    try {
      const page = await firstValueFrom(this.api.list({ cursor, limit: NOTIFICATION_PAGE }));
      this.items.update((items) => page.items.reduce(merge, items));
      this.nextCursor.set(page.nextCursor);
      this.unread.set(page.unread);
    } catch (error) {
      this.error.set(message(error));
    } finally {
      this.loading.set(false);
    }
  }

  async markRead(notification: AppNotification): Promise<void> {
    if (notification.readAt !== null) return;
    try {
      const read = await firstValueFrom(this.api.read(notification.id));
      const wasUnread = this.items().find((n) => n.id === read.id)?.readAt === null;
      this.items.update((items) => merge(items, read));
      if (wasUnread) this.unread.update((n) => Math.max(0, n - 1));
    } catch (error) {
      this.error.set(message(error));
    }
  }

  async markAllRead(): Promise<void> {
    try {
      await firstValueFrom(this.api.readAll());
      const now = new Date().toISOString();
      this.items.update((items) => items.map((n) => (n.readAt === null ? { ...n, readAt: now } : n)));
      this.unread.set(0);
    } catch (error) {
      this.error.set(message(error));
    }
  }
}
