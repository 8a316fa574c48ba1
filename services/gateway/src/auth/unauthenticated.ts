import { AuroraError, ErrorCode } from '@aurora/errors';

/** Why a request is not authenticated: no token sent, a token that is not to be trusted, or an expired one. */
export type Unauthenticated = 'missing' | 'invalid' | 'expired';

const DETAIL: Record<Unauthenticated, string> = {
  missing: 'Sign in: this request needs a bearer access token.',
  invalid: 'Sign in again: the access token is not valid.',
  expired: 'Sign in again: the access token expired.',
};

/** 401 UNAUTHENTICATED that knows its cause, so the problem filter can answer with the right challenge. */
export class UnauthenticatedError extends AuroraError {
  constructor(readonly reason: Unauthenticated) {
    super(ErrorCode.UNAUTHENTICATED, DETAIL[reason]);
  }
}

const REALM = 'realm="aurora"';

/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 6750, 3): no error code when the request had no token (3.1),
 * `invalid_token` for a token that failed verification, with a description that tells an expired token (the
 * client refreshes it) from any other and nothing more. An UNAUTHENTICATED error without a known cause gets the
 * plain challenge.
 */
export function bearerChallenge(error: AuroraError): string {
  const reason = error instanceof UnauthenticatedError ? error.reason : 'missing';
  switch (reason) {
    case 'missing':
      return `Bearer ${REALM}`;
    case 'invalid':
      return `Bearer ${REALM}, error="invalid_token", error_description="The access token is invalid"`;
    case 'expired':
      return `Bearer ${REALM}, error="invalid_token", error_description="The access token expired"`;
  }
}
