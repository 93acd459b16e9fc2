/**
 * Turns any failure into a SCIM error response. Protocol errors pass through as they are; a lost or busy
 * database becomes 503 with Retry-After (IdPs retry those instead of counting them towards quarantine);
 * anything else is a 500 whose body says nothing about internals — the details go to the server log only.
 *
 * `isDatabaseUnavailable` is the one place that decides what counts as "the database is not there right now".
 */
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

/** Socket-level failures of the driver (node-postgres / mysql2 surface these as `code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * SQLSTATEs of a database that is going away or not there yet: 57P01 admin_shutdown (pg_ctl stop -m fast),
 * 57P02 crash_shutdown (-m immediate), 57P03 cannot_connect_now (starting up / shutting down); 53300
 * too_many_connections. Class 08 (connection exception) is matched by prefix below.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLite: another connection holds the write lock past the busy timeout. Transient, so 503 too. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

/** Messages of the same conditions when the code is lost on the way (knex and pg wrap some errors in plain Errors). */
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|Knex: Timeout acquiring a connection|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error|Connection ended unexpectedly|SQLITE_BUSY|database is locked/i;

function isUnavailableItself(candidate: { code?: unknown; message?: unknown; name?: unknown }): boolean {
  const code = typeof candidate.code === 'string' ? candidate.code : '';
  return (
    candidate.name === 'KnexTimeoutError' || // knex pool: no connection within acquireConnectionTimeout
    NETWORK_CODES.has(code) ||
    UNAVAILABLE_SQLSTATES.has(code) ||
    /^08[0-9A-Z]{3}$/.test(code) ||
    SQLITE_CODES.has(code) ||
    (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGE.test(candidate.message))
  );
}

/** True when `error` (or an error it wraps, via `cause` or aggregate `errors`) says the database is unreachable or busy. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (isUnavailableItself(candidate)) return true;
  if (candidate.cause && isDatabaseUnavailable(candidate.cause, depth + 1)) return true;
  return Array.isArray(candidate.errors) && candidate.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
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
