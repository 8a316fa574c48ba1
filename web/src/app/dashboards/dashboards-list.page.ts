import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { when } from '../reports/history-panel.component';
import { IconComponent } from '../ui/icon.component';
import { LoadMoreComponent } from '../ui/load-more.component';
import type { DashboardScope } from './dashboard.types';
import { DashboardsListStore } from './dashboards-list.store';

const SCOPES: readonly { scope: DashboardScope; label: string }[] = [
  { scope: 'mine', label: 'My dashboards' },
  { scope: 'shared', label: 'Shared with me' },
  { scope: 'recent', label: 'Recent' },
  { scope: 'favourites', label: 'Favourites' },
  { scope: 'trash', label: 'Trash' },
];

/** The Dashboards section: My dashboards, Shared with me, Recent, Favourites and Trash; a new one by name. */
@Component({
  selector: 'au-dashboards-list',
  imports: [RouterLink, IconComponent, LoadMoreComponent],
  providers: [DashboardsListStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex h-full min-h-0' },
  template: `
    <nav
      class="flex w-56 shrink-0 flex-col gap-0.5 border-r border-slate-200 bg-slate-50 p-2"
      aria-label="Dashboards"
    >
      <h2 class="px-2 pt-1 pb-1 text-xs font-semibold tracking-wide text-navy-700 uppercase">Dashboards</h2>
      @for (s of scopes; track s.scope) {
        <button
          type="button"
          class="rounded-md px-2 py-1 text-left text-sm hover:bg-slate-200"
          [class.bg-blue-100]="store.scope() === s.scope"
          [class.font-medium]="store.scope() === s.scope"
          [class.text-blue-800]="store.scope() === s.scope"
          [attr.aria-current]="store.scope() === s.scope ? 'page' : null"
          [attr.data-scope]="s.scope"
          (click)="store.setScope(s.scope)"
        >
          {{ s.label }}
        </button>
      }
    </nav>
    <section class="flex min-w-0 flex-1 flex-col bg-white">
      <div class="flex items-center gap-3 border-b border-slate-200 bg-white px-3 py-2">
        <h1 class="text-sm font-semibold text-navy-800">{{ scopeLabel() }}</h1>
        <span class="flex-1"></span>
        @if (creating()) {
          <input
            #name
            class="w-64 rounded-full border border-blue-400 px-3 py-1 text-xs"
            placeholder="Name of the new dashboard"
            aria-label="Name of the new dashboard"
            maxlength="200"
            data-testid="new-dashboard-name"
            (keydown.enter)="create(name.value)"
            (keydown.escape)="creating.set(false)"
          />
          <button
            type="button"
            class="rounded-full bg-blue-600 px-3 py-1 text-xs text-white"
            data-testid="new-dashboard-create"
            (click)="create(name.value)"
          >
            Create
          </button>
        } @else {
          <button
            type="button"
            class="inline-flex items-center gap-1 rounded-full bg-blue-600 px-3 py-1 text-xs font-medium text-white hover:bg-blue-700"
            data-testid="new-dashboard"
            (click)="creating.set(true)"
          >
            <au-icon name="plus" [size]="12" />New dashboard
          </button>
        }
        <input
          type="search"
          placeholder="Search dashboards"
          aria-label="Search dashboards"
          class="w-64 rounded-full border border-slate-300 px-3 py-1 text-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none"
          [value]="store.search()"
          (input)="store.setSearch($any($event.target).value)"
        />
      </div>
      @if (store.error(); as error) {
        <div
          class="flex items-center gap-2 border-b border-red-200 bg-red-50 px-3 py-1.5 text-red-800"
          role="alert"
        >
          <au-icon name="alert" /><span class="flex-1">{{ error }}</span>
          <button type="button" class="text-xs underline" (click)="store.load()">Retry</button>
        </div>
      }
      <div class="min-h-0 flex-1 overflow-auto">
        <table class="w-full text-left text-xs" data-testid="dashboards">
          <thead class="sticky top-0 bg-slate-100 text-navy-800">
            <tr>
              <th class="w-8 px-2 py-1.5"><span class="sr-only">Favourite</span></th>
              <th class="px-2 py-1.5">Name</th>
              <th class="px-2 py-1.5">Owner</th>
              <th class="px-2 py-1.5">
                {{
                  store.scope() === 'recent' ? 'Opened' : store.scope() === 'trash' ? 'Deleted' : 'Updated'
                }}
              </th>
              <th class="px-2 py-1.5"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            @for (item of store.items(); track item.id) {
              <tr
                class="border-b border-slate-100 hover:bg-blue-50/40"
                [attr.data-dashboard]="item.id"
                data-testid="dashboard-row"
              >
                <td class="px-2 py-1.5">
                  <button
                    type="button"
                    class="text-base leading-none"
                    [class.text-amber-500]="item.favourite"
                    [class.text-slate-300]="!item.favourite"
                    [attr.aria-pressed]="item.favourite"
                    [attr.aria-label]="'Favourite ' + item.name"
                    (click)="store.toggleFavourite(item)"
                  >
                    ★
                  </button>
                </td>
                <td class="max-w-96 px-2 py-1.5">
                  @if (item.deletedAt) {
                    <span class="font-medium text-slate-600">{{ item.name }}</span>
                  } @else {
                    <a
                      [routerLink]="['/dashboards', item.id]"
                      class="font-medium text-blue-700 hover:underline"
                      data-testid="open-dashboard"
                      >{{ item.name }}</a
                    >
                  }
                  @if (item.description) {
                    <span class="block truncate text-slate-500">{{ item.description }}</span>
                  }
                </td>
                <td class="px-2 py-1.5 text-slate-600">
                  {{ item.role === 'owner' ? 'You' : item.owner.name }}
                </td>
                <td class="px-2 py-1.5 whitespace-nowrap text-slate-600">
                  {{
                    when(
                      store.scope() === 'recent'
                        ? (item.openedAt ?? item.updatedAt)
                        : store.scope() === 'trash'
                          ? (item.deletedAt ?? item.updatedAt)
                          : item.updatedAt
                    )
                  }}
                </td>
                <td class="px-2 py-1.5 text-right whitespace-nowrap">
                  @if (item.deletedAt) {
                    <button
                      type="button"
                      class="rounded-full border border-slate-300 px-2.5 py-0.5 hover:border-blue-400 hover:text-blue-700"
                      data-testid="restore-dashboard"
                      (click)="store.restore(item)"
                    >
                      Restore
                    </button>
                  } @else if (item.role === 'owner') {
                    <button
                      type="button"
                      class="rounded-full px-1.5 py-0.5 text-slate-400 hover:text-red-700"
                      [attr.aria-label]="'Move ' + item.name + ' to the trash'"
                      data-testid="trash-dashboard"
                      (click)="store.trash(item)"
                    >
                      <au-icon name="trash" [size]="13" />
                    </button>
                  }
                </td>
              </tr>
            } @empty {
              @if (!store.loading()) {
                <tr>
                  <td colspan="5" class="px-3 py-6 text-center text-slate-500" data-testid="dashboards-empty">
                    @switch (store.scope()) {
                      @case ('trash') {
                        The trash is empty. Deleted dashboards stay here for 30 days.
                      }
                      @case ('shared') {
                        Nothing is shared with you yet.
                      }
                      @case ('favourites') {
                        No favourites yet: star a dashboard to find it here.
                      }
                      @default {
                        No dashboards yet. Create one and add tiles from your saved reports.
                      }
                    }
                  </td>
                </tr>
              }
            }
          </tbody>
        </table>
        <au-load-more
          [loading]="store.loading()"
          [more]="!!store.nextCursor()"
          testId="dashboards-more"
          (load)="store.load(true)"
        />
      </div>
    </section>
  `,
})
export class DashboardsListPage implements OnInit {
  protected readonly store = inject(DashboardsListStore);
  private readonly router = inject(Router);
  protected readonly scopes = SCOPES;
  protected readonly when = when;
  protected readonly creating = signal(false);

  ngOnInit(): void {
    this.store.load();
  }

  protected scopeLabel(): string {
    return SCOPES.find((s) => s.scope === this.store.scope())?.label ?? '';
  }

  protected create(name: string): void {
    const trimmed = name.trim();
    if (!trimmed) return;
    this.store.create(trimmed.slice(0, 200)).subscribe({
      next: ({ value }) => void this.router.navigate(['/dashboards', value.id]),
      error: () => this.store.error.set('The dashboard could not be created. Please retry.'),
    });
  }
}
