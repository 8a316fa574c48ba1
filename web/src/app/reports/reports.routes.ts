import type { Routes } from '@angular/router';
import { ExplorerPage } from '../explorer/explorer.page';
import { LibraryPage } from './library/library.page';
import { unsavedChangesGuard } from './unsaved-changes.guard';

/** `/reports`: the library; `/reports/{id}`: the report open in the explorer. */
export const REPORTS_ROUTES: Routes = [
  { path: '', component: LibraryPage },
  { path: ':id', component: ExplorerPage, canDeactivate: [unsavedChangesGuard] },
];
