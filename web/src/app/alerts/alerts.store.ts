import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { Observable } from 'rxjs';
import { ApiError } from '../api';
import type { Alert, AlertCheck } from './alert.types';
import { AlertsApi } from './alerts.api';

/** How often an open check history is asked again while one of its checks is queued or running. */
export const CHECK_POLL_MS = 2_000;

export function alertMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong with alerts. Please retry.';
  switch (error.code) {
    case 'UNAVAILABLE':
      return 'Alerts are unavailable right now; try again in a moment.';
    case 'NOT_FOUND':
      return 'This alert no longer exists.';
    default:
      return error.detail;
  }
}

export const unfinishedCheck = (check: AlertCheck): boolean =>
  check.status === 'queued' || check.status === 'running';

/** My alerts: the list, each one's actions, and the check history of the one opened. */
@Injectable()
export class AlertsStore {
  private readonly api = inject(AlertsApi);

  readonly items = signal<readonly Alert[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** The alert whose check history is open, and its checks (null while loading). */
  readonly openId = signal<string | null>(null);
  readonly checks = signal<readonly AlertCheck[] | null>(null);
  private poll: ReturnType<typeof setTimeout> | undefined;
  /** Checks last seen queued or running: one that has ended changes its alert's state. */
  private readonly watched = new Set<string>();

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.poll));
  }

  load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.list().subscribe({
      next: (items) => {
        this.items.set(items);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.error.set(alertMessage(error));
        this.loading.set(false);
      },
    });
  }

  /** An alert saved in the dialog: new ones first, as the list is. */
  put(alert: Alert): void {
    if (this.items().some((a) => a.id === alert.id)) this.replace(alert);
    else this.items.update((items) => [alert, ...items]);
  }

  pause(alert: Alert): void {
    this.act(alert.paused ? this.api.resume(alert.id) : this.api.pause(alert.id));
  }
  remove(alert: Alert): void {
    this.api.delete(alert.id).subscribe({
      next: () => {
        this.items.update((items) => items.filter((a) => a.id !== alert.id));
        if (this.openId() === alert.id) this.closeChecks();
      },
      error: (error: unknown) => this.error.set(alertMessage(error)),
    });
  }
  /** A check now (202, queued); its history opens to follow it. */
  checkNow(alert: Alert): void {
    this.api.checkNow(alert.id).subscribe({
      next: (check) => {
        if (unfinishedCheck(check)) this.watched.add(check.id);
        else this.refresh(alert.id);
        if (this.openId() !== alert.id) this.openChecks(alert.id);
        else this.checks.update((checks) => [check, ...(checks ?? []).filter((c) => c.id !== check.id)]);
        this.schedulePoll();
      },
      error: (error: unknown) => this.error.set(alertMessage(error)),
    });
  }

  openChecks(id: string): void {
    this.openId.set(id);
    this.checks.set(null);
    this.loadChecks();
  }
  closeChecks(): void {
    clearTimeout(this.poll);
    this.openId.set(null);
    this.checks.set(null);
  }

  /** A notification of an alert arrived (the bell's stream): its state has changed, so it is read again. */
  changed(alertId: string): void {
    if (!this.items().some((a) => a.id === alertId)) return;
    this.refresh(alertId);
    if (this.openId() === alertId) this.loadChecks();
  }

  private loadChecks(): void {
    const id = this.openId();
    if (id === null) return;
    this.api.checks(id).subscribe({
      next: (checks) => {
        if (this.openId() !== id) return;
        this.checks.set(checks);
        const ended = checks.some((check) => this.watched.has(check.id) && !unfinishedCheck(check));
        this.watched.clear();
        for (const check of checks.filter(unfinishedCheck)) this.watched.add(check.id);
        if (ended) this.refresh(id);
        if (checks.some(unfinishedCheck)) this.schedulePoll();
      },
      error: (error: unknown) => {
        this.checks.set([]);
        this.error.set(alertMessage(error));
      },
    });
  }
  private schedulePoll(): void {
    clearTimeout(this.poll);
    this.poll = setTimeout(() => this.loadChecks(), CHECK_POLL_MS);
  }
  private refresh(id: string): void {
    this.api.get(id).subscribe({ next: (alert) => this.replace(alert), error: () => undefined });
  }
  private act(request: Observable<Alert>): void {
    request.subscribe({
      next: (alert) => this.replace(alert),
      error: (error: unknown) => this.error.set(alertMessage(error)),
    });
  }
  private replace(alert: Alert): void {
    this.items.update((items) => items.map((a) => (a.id === alert.id ? alert : a)));
  }
}
