import type { Routes } from '@angular/router';
import { ExportPage } from './export.page';

/** `/exports/{id}`: the page a scheduled run's mail links to (docs/API.md, "Scheduled files"). */
export const EXPORTS_ROUTES: Routes = [{ path: ':id', component: ExportPage }];
