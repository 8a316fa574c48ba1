import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** Lucide icons (ISC licence) used by the explorer, inlined: a few paths instead of an icon library. */
const PATHS = {
  filter: ['M22 3H2l8 9.46V19l4 2v-8.54L22 3z'],
  plus: ['M5 12h14', 'M12 5v14'],
  x: ['M18 6 6 18', 'm6 6 12 12'],
  trash: ['M3 6h18', 'M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6', 'M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2'],
  up: ['m18 15-6-6-6 6'],
  down: ['m6 9 6 6 6-6'],
  join: ['M8 3v6a4 4 0 0 0 4 4h0a4 4 0 0 1 4 4v4', 'M16 3v6a4 4 0 0 1-4 4', 'M8 21v-4'],
  sigma: ['M18 7V4H6l6 8-6 8h12v-3'],
  group: [
    'M3 7V5a2 2 0 0 1 2-2h2',
    'M17 3h2a2 2 0 0 1 2 2v2',
    'M21 17v2a2 2 0 0 1-2 2h-2',
    'M7 21H5a2 2 0 0 1-2-2v-2',
    'M8 12h8',
    'M12 8v8',
  ],
  alert: ['M12 8v4', 'M12 16h.01', 'M22 12a10 10 0 1 1-20 0 10 10 0 0 1 20 0z'],
} as const;

export type IconName = keyof typeof PATHS;

@Component({
  selector: 'au-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      class="h-full w-full"
    >
      @for (d of paths(); track d) {
        <path [attr.d]="d" />
      }
    </svg>
  `,
  host: { class: 'inline-block h-3.5 w-3.5 shrink-0' },
})
export class IconComponent {
  readonly name = input.required<IconName>();
  protected readonly paths = computed(() => PATHS[this.name()]);
}
