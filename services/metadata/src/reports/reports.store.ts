import { REPORT_LIMITS } from '@aurora/query-model';
import type { AppDatabase } from './app-database';
import {
  DocumentStore,
  jsonText,
  type DocumentKind,
  type StoredDocument,
  type StoredVersion,
} from './document-store';

export { SCOPES, type ListOptions, type Role, type Scope, type Share } from './document-store';

/** What a person saves as a report (validated by the gateway): JSON parts as text, as they travel. */
export interface StoredContent {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly dataset: string;
  readonly queryJson: string;
  readonly vintagesJson: string;
  readonly layoutJson: string;
}

export type StoredReport = StoredDocument<StoredContent>;
export type ReportVersion = StoredVersion<StoredContent>;

const REPORT_KIND: DocumentKind<StoredContent> = {
  kind: 'report',
  noun: 'report',
  quota: { name: 'savedReports', max: REPORT_LIMITS.maxReportsPerOwner, plural: 'reports' },
  columns: (c) => ({
    name: c.name,
    description: c.description,
    folder: c.folder,
    dataset: c.dataset,
    query: c.queryJson,
    vintages: c.vintagesJson,
    layout: c.layoutJson,
    definition: '{}',
  }),
  content: (row) => ({
    name: row.name,
    description: row.description,
    folder: row.folder,
    dataset: row.dataset,
    queryJson: jsonText(row.query),
    vintagesJson: jsonText(row.vintages),
    layoutJson: jsonText(row.layout),
  }),
};

/** Saved reports: documents of kind `report`. */
export class ReportsStore extends DocumentStore<StoredContent> {
  constructor(database: AppDatabase) {
    super(database, REPORT_KIND);
  }
}
