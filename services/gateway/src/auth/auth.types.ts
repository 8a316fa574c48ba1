import type { Caller } from '@aurora/proto';
import type { Request } from 'express';

/**
 * A request past the AuthGuard: the verified principal rides on it with the internal token the gateway signed
 * for it (absent on @Public() routes).
 */
export type AuthenticatedRequest = Request & { caller?: Caller };

/** Budgets are per minute (`RATE_LIMIT_PER_MINUTE`, `AUTH_FAILURES_PER_MINUTE`). */
export const RATE_LIMIT_WINDOW_MS = 60_000;
