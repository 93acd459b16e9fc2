/**
 * Turns any failure into a SCIM error response. Protocol errors pass through as they are; a lost or busy
 * database becomes 503 with Retry-After (IdPs retry those instead of counting them towards quarantine);
 * anything else is a 500 whose body says nothing about internals — the details go to the server log only.
 *
 * What counts as "the database is not there right now" is decided in one place, directory/database-errors.ts
 * (the re-mapping worker needs the same answer).
 */
import { isDatabaseUnavailable } from '../directory/database-errors';
import { ScimError, isScimError } from '../scim/errors';

/** Seconds a client is asked to wait when the database is unavailable: long enough for a restart or failover. */
export const DATABASE_RETRY_AFTER_SECONDS = 10;

/** A SCIM error that tells the client when to try again (429 rate limited, 503 unavailable). */
export class RetryLaterError extends ScimError {
  readonly retryAfterSeconds: number;

  constructor(status: 429 | 503, detail: string, retryAfterSeconds: number) {
    super(status, detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface ErrorResponse {
  error: ScimError;
  retryAfterSeconds?: number;
  /** Worth a stack trace in the server log (a bug, not a known condition). */
  unexpected: boolean;
  /** The database was unavailable: worth a one-line warning, and not worth a provisioning-log write. */
  databaseUnavailable?: boolean;
}

/** 503 + Retry-After: the database is away. */
export const databaseUnavailableResponse = (): ErrorResponse => ({
  error: new ScimError(503, 'the directory database is temporarily unavailable; retry after the time in Retry-After'),
  retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  unexpected: false,
  databaseUnavailable: true,
});

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof RetryLaterError) return { error, retryAfterSeconds: error.retryAfterSeconds, unexpected: false };
  if (isScimError(error)) return { error, unexpected: false };
  if (isDatabaseUnavailable(error)) return databaseUnavailableResponse();
  return { error: new ScimError(500, 'internal error; the server log has the details'), unexpected: true };
}
