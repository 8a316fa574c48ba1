import type { ReportLayout, ReportShare, VintagePolicy } from '@aurora/query-model';
import type { Query } from '../api';

export type { ReportLayout, ReportShare, VintagePolicy } from '@aurora/query-model';

export type ReportRole = 'owner' | 'edit' | 'view';
export type ReportScope = 'mine' | 'shared' | 'recent' | 'favourites' | 'trash';
export interface Person {
  readonly sub: string;
  readonly name: string;
}

/** What a person saves (docs/API.md, "Saved reports"): the query holds no vintages of its own. */
export interface ReportBody {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly query: Query;
  readonly vintages: Readonly<Record<string, VintagePolicy>>;
  readonly layout: ReportLayout;
}

interface ReportMeta {
  readonly id: string;
  readonly owner: Person;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  readonly role: ReportRole;
  readonly favourite: boolean;
}

export interface ReportSummary extends ReportMeta {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly dataset: string;
  readonly openedAt?: string;
}

export interface ReportProblem {
  readonly path: string;
  readonly code: string;
  readonly detail: string;
}

export interface Report extends ReportMeta, ReportBody {
  /** Only for the owner and editors. */
  readonly shares?: readonly ReportShare[];
  readonly problems?: readonly ReportProblem[];
}

/** A report with the ETag to send back as If-Match when saving it. */
export interface Tagged<T> {
  readonly value: T;
  readonly etag: string;
}

export interface ReportPage {
  readonly items: readonly ReportSummary[];
  readonly nextCursor: string | null;
}

export interface ReportVersion extends ReportBody {
  readonly version: number;
  readonly author: Person;
  readonly createdAt: string;
}

export interface People {
  readonly users: readonly Person[];
  readonly groups: readonly string[];
}

export interface ListParams {
  readonly scope: ReportScope;
  readonly q?: string;
  readonly folder?: string;
  readonly dataset?: string;
  readonly cursor?: string;
  readonly limit?: number;
}
