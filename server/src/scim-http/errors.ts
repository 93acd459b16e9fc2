/**
 * Turns any failure into a SCIM error response. Protocol errors pass through as they are; a lost database
 * becomes 503 with Retry-After (IdPs retry those instead of counting them towards quarantine); anything
 * else is a 500 whose body says nothing about internals — the details go to the server log only.
 */
import { ScimError, isScimError } from '../scim/errors';

const DATABASE_UNAVAILABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|Knex: Timeout acquiring a connection|terminating connection|the database system is (starting up|shutting down)|SQLITE_BUSY/i;

export const isDatabaseUnavailable = (error: unknown): boolean => {
  const candidate = error as { code?: unknown; message?: unknown; name?: unknown } | null;
  if (!candidate || typeof candidate !== 'object') return false;
  return (
    candidate.name === 'KnexTimeoutError' ||
    ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', 'SQLITE_BUSY'].includes(String(candidate.code)) ||
    (typeof candidate.message === 'string' && DATABASE_UNAVAILABLE.test(candidate.message))
  );
};

export interface ErrorResponse {
  error: ScimError;
  retryAfterSeconds?: number;
  unexpected: boolean;
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (isScimError(error)) return { error, unexpected: false };
  if (isDatabaseUnavailable(error)) {
    return { error: new ScimError(503, 'the service is temporarily unavailable; retry later'), retryAfterSeconds: 30, unexpected: true };
  }
  return { error: new ScimError(500, 'internal error; the server log has the details'), unexpected: true };
}
