import { DASHBOARD_LIMITS } from '@aurora/query-model';
import type { AppDatabase } from './app-database';
import {
  DocumentStore,
  jsonText,
  type DocumentKind,
  type StoredDocument,
  type StoredVersion,
} from './document-store';

/** What a person saves as a dashboard (validated by the gateway): tiles, filters and refresh as one JSON text. */
export interface StoredDashboardContent {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly definitionJson: string;
}

export type StoredDashboard = StoredDocument<StoredDashboardContent>;
export type DashboardVersion = StoredVersion<StoredDashboardContent>;

/** A dashboard reads no dataset of its own (its tiles' reports do): its report columns stay empty. */
const DASHBOARD_KIND: DocumentKind<StoredDashboardContent> = {
  kind: 'dashboard',
  noun: 'dashboard',
  quota: { name: 'savedDashboards', max: DASHBOARD_LIMITS.maxDashboardsPerOwner, plural: 'dashboards' },
  columns: (c) => ({
    name: c.name,
    description: c.description,
    folder: c.folder,
    dataset: '',
    query: '{}',
    vintages: '{}',
    layout: '{}',
    definition: c.definitionJson,
  }),
  content: (row) => ({
    name: row.name,
    description: row.description,
    folder: row.folder,
    definitionJson: jsonText(row.definition),
  }),
};

/** Saved dashboards: documents of kind `dashboard`, with the versions, shares and trash of reports. */
export class DashboardsStore extends DocumentStore<StoredDashboardContent> {
  constructor(database: AppDatabase) {
    super(database, DASHBOARD_KIND);
  }
}
