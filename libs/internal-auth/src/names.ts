/**
 * Who signs internal tokens (`iss`) and who accepts them (`aud`). A request token of the gateway names both
 * services of the read path: the query service passes it on to the metadata service for the same request.
 */
export const ISSUERS = { gateway: 'aurora-gateway', export: 'aurora-export' } as const;
export const AUDIENCES = {
  metadata: 'aurora-metadata',
  query: 'aurora-query',
  export: 'aurora-export',
} as const;

export type Issuer = (typeof ISSUERS)[keyof typeof ISSUERS];
export type Audience = (typeof AUDIENCES)[keyof typeof AUDIENCES];

/** Lifetimes: a request token outlives any one request's start; a job statement waits in the queue. */
export const LIFETIMES = {
  requestTokenSeconds: 120,
  /** A job not started within a day of its submission is refused rather than run on day-old rights. */
  jobStatementSeconds: 24 * 3600,
  /** Clock difference tolerated between the pods that sign and those that verify. */
  clockToleranceSeconds: 5,
} as const;
