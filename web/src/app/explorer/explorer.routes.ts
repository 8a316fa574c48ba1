import type { Routes } from '@angular/router';
import { ExplorerPage } from './explorer.page';

export const EXPLORER_ROUTES: Routes = [{ path: '', component: ExplorerPage }];
