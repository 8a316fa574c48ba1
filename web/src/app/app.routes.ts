import type { Routes } from '@angular/router';
import { authGuard } from './auth/auth.guard';
import { CallbackPage } from './auth/callback.page';
import { SignInPage } from './auth/sign-in.page';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'explore' },
  { path: 'auth/callback', component: CallbackPage },
  { path: 'sign-in', component: SignInPage },
  {
    path: 'explore',
    canActivate: [authGuard],
    loadChildren: () => import('./explorer/explorer.routes').then((m) => m.EXPLORER_ROUTES),
  },
  {
    path: 'reports',
    canActivate: [authGuard],
    loadChildren: () => import('./reports/reports.routes').then((m) => m.REPORTS_ROUTES),
  },
  {
    path: 'dashboards',
    canActivate: [authGuard],
    loadChildren: () => import('./dashboards/dashboards.routes').then((m) => m.DASHBOARDS_ROUTES),
  },
  {
    path: 'schedules',
    canActivate: [authGuard],
    loadChildren: () => import('./schedules/schedules.routes').then((m) => m.SCHEDULES_ROUTES),
  },
  {
    // The page a scheduled run's mail links to; the guard keeps the target through the sign-in.
    path: 'exports',
    canActivate: [authGuard],
    loadChildren: () => import('./exports/exports.routes').then((m) => m.EXPORTS_ROUTES),
  },
  {
    path: 'audit',
    canActivate: [authGuard],
    loadChildren: () => import('./audit/audit.routes').then((m) => m.AUDIT_ROUTES),
  },
  { path: '**', redirectTo: 'explore' },
];
