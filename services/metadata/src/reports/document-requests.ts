import { AuroraError, ErrorCode } from '@aurora/errors';
import { principalFromMetadata, type Principal } from '@aurora/proto';
import { REPORT_LIMITS } from '@aurora/query-model';
import type { Metadata } from '@grpc/grpc-js';
import { SCOPES, type ListOptions, type Scope, type Share, type StoredDocument } from './document-store';

/** What the gRPC calls on reports and dashboards share: the asker, list options, shares, and the common fields. */
export function asker(metadata: Metadata): Principal {
  return principalFromMetadata(metadata);
}

export function scopeOf(scope: string): Scope {
  const chosen = (scope || 'mine') as Scope;
  if (!SCOPES.includes(chosen))
    throw new AuroraError(ErrorCode.INVALID_QUERY, `scope must be one of ${SCOPES.join(', ')}.`, 'scope');
  return chosen;
}

export interface ListRequest {
  scope: string;
  search: string;
  dataset: string;
  folder: string;
  cursor: string;
  limit: number;
}

export function listOptions(request: ListRequest): ListOptions {
  const limit = request.limit || REPORT_LIMITS.pageSize;
  if (limit < 1 || limit > REPORT_LIMITS.maxPageSize)
    throw new AuroraError(
      ErrorCode.INVALID_QUERY,
      `limit must be 1 to ${REPORT_LIMITS.maxPageSize}.`,
      'limit',
    );
  return {
    scope: scopeOf(request.scope),
    search: request.search.slice(0, REPORT_LIMITS.maxSearch),
    dataset: request.dataset,
    folder: request.folder,
    cursor: request.cursor,
    limit,
  };
}

export function sharesOf(shares: readonly { kind: string; grantee: string; role: string }[]): Share[] {
  return shares.map(({ kind, grantee, role }): Share => {
    if ((kind !== 'user' && kind !== 'group') || (role !== 'view' && role !== 'edit') || !grantee)
      throw new AuroraError(ErrorCode.INVALID_QUERY, 'A share names a user or a group and a role.');
    return { kind, grantee, role };
  });
}

/** The fields every document's message has, beside its content. */
export function documentFields(document: StoredDocument<unknown>) {
  return {
    id: document.id,
    owner: document.owner,
    version: document.version,
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
    deletedAt: document.deletedAt?.toISOString() ?? '',
    role: document.role,
    favourite: document.favourite,
    shares: document.shares ?? [],
    openedAt: document.openedAt?.toISOString() ?? '',
  };
}

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not JSON', path);
  }
}

/** Without DATABASE_URL, every call on saved documents is UNAVAILABLE. */
export function unavailable(): AuroraError {
  return new AuroraError(
    ErrorCode.UNAVAILABLE,
    'Saved reports are not set up on this server (it has no application database). Queries still work.',
  );
}
