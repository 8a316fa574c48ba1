import type { Routes } from '@angular/router';
import { unsavedChangesGuard } from '../reports/unsaved-changes.guard';
import { ExplorerPage } from './explorer.page';

export const EXPLORER_ROUTES: Routes = [
  { path: '', component: ExplorerPage, canDeactivate: [unsavedChangesGuard] },
];
