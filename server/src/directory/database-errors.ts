/**
 * What a database error means for the caller: the database is away or busy (try again later), or it aborted a
 * transaction to break a deadlock (run it again now). Shared by the SCIM error answers (503 + Retry-After) and
 * the re-mapping worker (leave the person to the next pass instead of recording a failure).
 */

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

/**
 * True when the database gave up a transaction to break a lock cycle or a serialization conflict (PostgreSQL
 * 40P01 / 40001, MySQL ER_LOCK_DEADLOCK): running the same request again is safe and usually succeeds.
 *
 * Also PostgreSQL's 25P02 "current transaction is aborted": Strapi's entity manager catches a failed `update`,
 * then runs a compensating update in the same, already aborted transaction, and throws *that* error — so a
 * deadlock inside Strapi's update reaches us as 25P02. The whole transaction is rolled back either way, so
 * running it again is as safe; a cause that is not passing shows again on every attempt.
 */
export function isRetryableConflict(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as { code?: unknown; message?: unknown; cause?: unknown };
  const code = String(candidate.code ?? '');
  if (code === '40P01' || code === '40001' || code === '25P02' || code === 'ER_LOCK_DEADLOCK') return true;
  // Strapi's query layer rethrows some driver errors as plain Errors that keep only the message.
  if (typeof candidate.message === 'string' && /deadlock detected|could not serialize access|current transaction is aborted/.test(candidate.message)) return true;
  return isRetryableConflict(candidate.cause, depth + 1);
}
