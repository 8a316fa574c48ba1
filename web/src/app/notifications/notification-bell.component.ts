import { ChangeDetectionStrategy, Component, ElementRef, inject } from '@angular/core';
import { Router } from '@angular/router';
import { IconComponent } from '../ui/icon.component';
import { LoadMoreComponent } from '../ui/load-more.component';
import { ago, badge, lookOf, portalPath } from './notification-words';
import type { AppNotification } from './notification.types';
import { NotificationsStore } from './notifications.store';

/**
 * The bell of the top bar: the unread count, and a panel of the notifications (alerts fired and cleared, schedules
 * failed) with a link to the report or dashboard, mark read and mark all read. A lazy chunk: the top bar loads it
 * once the first page is on screen, and it opens the live stream then.
 */
@Component({
  selector: 'au-notification-bell',
  imports: [IconComponent, LoadMoreComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'relative',
    '(document:click)': 'outside($event)',
    '(document:keydown.escape)': 'store.open.set(false)',
  },
  template: `
    <button
      type="button"
      class="relative inline-flex items-center gap-1.5 rounded-full border border-slate-500 px-2.5 py-0.5 text-xs hover:bg-navy-700 focus-visible:ring-2 focus-visible:ring-blue-400 focus-visible:outline-none"
      [attr.aria-expanded]="store.open()"
      aria-haspopup="dialog"
      [attr.aria-label]="
        store.unread() > 0 ? 'Notifications, ' + store.unread() + ' unread' : 'Notifications'
      "
      data-testid="bell"
      (click)="toggle()"
    >
      <au-icon name="bell" [size]="13" />
      @if (store.unread() > 0) {
        <span
          class="rounded-full bg-red-500 px-1.5 text-[10px] leading-4 font-semibold text-white tabular-nums"
          data-testid="bell-count"
          >{{ count() }}</span
        >
      }
    </button>
    @if (store.open()) {
      <div
        role="dialog"
        aria-label="Notifications"
        class="absolute top-full right-0 z-30 mt-1.5 flex max-h-[70vh] w-[26rem] flex-col overflow-hidden rounded-lg border border-slate-200 bg-white text-slate-800 shadow-2xl"
        data-testid="bell-panel"
      >
        <header class="flex items-center gap-2 border-b border-slate-200 px-3 py-2">
          <h2 class="flex-1 text-sm font-semibold text-navy-800">Notifications</h2>
          <span
            class="inline-flex items-center gap-1 text-[11px]"
            [class.text-green-700]="store.live()"
            [class.text-slate-400]="!store.live()"
            [attr.title]="store.live() ? 'Updated live' : 'Reconnecting…'"
            ><span
              class="h-1.5 w-1.5 rounded-full"
              [class.bg-green-500]="store.live()"
              [class.bg-slate-300]="!store.live()"
            ></span
            >{{ store.live() ? 'Live' : 'Offline' }}</span
          >
          <button
            type="button"
            class="rounded-full border border-slate-300 px-2 py-0.5 text-xs hover:border-blue-400 hover:text-blue-700 disabled:opacity-40"
            data-testid="bell-read-all"
            [disabled]="store.unread() === 0"
            (click)="store.markAllRead()"
          >
            Mark all read
          </button>
        </header>
        @if (store.error(); as message) {
          <p class="border-b border-red-200 bg-red-50 px-3 py-1.5 text-xs text-red-800" role="alert">
            {{ message }}
          </p>
        }
        <ul class="min-h-0 flex-1 overflow-auto" data-testid="bell-list">
          @for (item of store.items(); track item.id) {
            <li
              class="flex gap-2 border-b border-slate-100 px-3 py-2"
              [class.bg-blue-50]="item.readAt === null"
              data-testid="notification"
              [attr.data-kind]="item.kind"
              [attr.data-unread]="item.readAt === null"
            >
              <span
                class="mt-0.5 grid h-6 w-6 shrink-0 place-items-center rounded-full"
                [class]="look(item).disc"
              >
                <au-icon [name]="look(item).icon" [size]="13" />
              </span>
              <div class="min-w-0 flex-1">
                <div class="flex items-center gap-1.5">
                  <span
                    class="rounded-full px-1.5 text-[10px] font-semibold"
                    [class]="look(item).pill"
                    data-testid="notification-kind"
                    >{{ look(item).label }}</span
                  >
                  <span class="flex-1"></span>
                  <time class="text-[11px] text-slate-500 tabular-nums" [attr.datetime]="item.createdAt">{{
                    when(item.createdAt)
                  }}</time>
                </div>
                <p class="mt-0.5 text-xs font-semibold text-navy-800" data-testid="notification-title">
                  {{ item.title }}
                </p>
                <p class="text-xs text-slate-600 tabular-nums" data-testid="notification-body">
                  {{ item.body }}
                </p>
                <div class="mt-1 flex items-center gap-3 text-xs">
                  @if (path(item); as link) {
                    <a
                      [href]="link"
                      class="text-blue-700 hover:underline"
                      data-testid="notification-link"
                      (click)="$event.preventDefault(); follow(item, link)"
                      >Open the report</a
                    >
                  }
                  @if (item.readAt === null) {
                    <button
                      type="button"
                      class="text-slate-500 hover:text-blue-700"
                      data-testid="notification-read"
                      (click)="store.markRead(item)"
                    >
                      Mark read
                    </button>
                  }
                </div>
              </div>
            </li>
          } @empty {
            @if (!store.loading()) {
              <li class="px-3 py-6 text-center text-xs text-slate-500">
                Nothing yet. Alerts you set and schedules that fail show here.
              </li>
            }
          }
          <li>
            <au-load-more
              [loading]="store.loading()"
              [more]="store.hasMore()"
              testId="bell-more"
              (load)="store.more()"
            />
          </li>
        </ul>
        <footer class="border-t border-slate-200 bg-slate-50 px-3 py-1.5 text-right">
          <a
            href="/schedules"
            class="text-xs text-blue-700 hover:underline"
            (click)="$event.preventDefault(); go('/schedules')"
            >My schedules and alerts</a
          >
        </footer>
      </div>
    }
  `,
})
export class NotificationBellComponent {
  protected readonly store = inject(NotificationsStore);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly look = (item: AppNotification) => lookOf(item.kind);
  protected readonly path = (item: AppNotification) => portalPath(item.link);
  protected readonly when = (iso: string) => ago(iso);
  protected readonly count = () => badge(this.store.unread());

  constructor() {
    this.store.start();
  }

  protected toggle(): void {
    this.store.open.set(!this.store.open());
  }
  protected outside(event: MouseEvent): void {
    if (this.store.open() && !this.host.nativeElement.contains(event.target as Node))
      this.store.open.set(false);
  }
  protected follow(item: AppNotification, link: string): void {
    void this.store.markRead(item);
    this.go(link);
  }
  protected go(link: string): void {
    this.store.open.set(false);
    void this.router.navigateByUrl(link);
  }
}
