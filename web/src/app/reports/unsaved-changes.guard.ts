import type { CanDeactivateFn } from '@angular/router';

export interface LeavesWithChanges {
  hasUnsavedChanges(): boolean;
}

/** Leaving a report with unsaved changes asks first (closing the tab asks through `beforeunload`). */
export const unsavedChangesGuard: CanDeactivateFn<LeavesWithChanges> = (page) =>
  !page.hasUnsavedChanges() || confirm('This report has unsaved changes. Leave without saving them?');
