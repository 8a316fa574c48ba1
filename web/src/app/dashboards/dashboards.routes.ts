import type { Routes } from '@angular/router';
import { DashboardPage } from './dashboard.page';
import { DashboardsListPage } from './dashboards-list.page';

/** `/dashboards`: the list; `/dashboards/{id}`: one dashboard (filter values in its query string). */
export const DASHBOARDS_ROUTES: Routes = [
  { path: '', component: DashboardsListPage },
  { path: ':id', component: DashboardPage },
];
