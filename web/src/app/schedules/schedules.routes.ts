import type { Routes } from '@angular/router';
import { SchedulesPage } from './schedules.page';

/** `/schedules`: the caller's schedules (croner comes with this lazy chunk, not the initial bundle). */
export const SCHEDULES_ROUTES: Routes = [{ path: '', component: SchedulesPage }];
