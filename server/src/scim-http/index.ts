/**
 * The SCIM API as one Koa middleware mounted ahead of Strapi's own stack, at the configured base path.
 *
 * Why not Strapi routes: Strapi's body parser drops `application/scim+json`, its error middleware answers
 * in Strapi's error format, and its content-API auth is not SCIM's bearer scheme — every one of those would
 * need undoing. Mounted first, the SCIM surface owns its media type, errors and authentication end to end,
 * and every other request passes straight through.
 */
import type { Context, Next } from 'koa';
import type { Strapi } from '../strapi/types';
import { inTransaction, isRetryableConflict, type DirectoryStore } from '../directory';
import { ScimError } from '../scim/errors';
import { authenticate, type Caller } from './auth';
import { readJsonBody } from './body';
import { RetryLaterError, databaseUnavailableResponse, toErrorResponse } from './errors';
import { createRateLimiter } from './rate-limit';
import { createWriteGate } from './write-gate';
import { handlers, type HandlerDeps, type HandlerOutcome } from './handlers';
import { isWrite, matchRoute, type RouteName } from './router';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
/** Attempts of a write whose transaction the database aborted to break a deadlock (the first included). */
const CONFLICT_ATTEMPTS = 4;

/**
 * Runs a write transaction again when the database chose it as a deadlock victim: the transaction rolled back
 * whole, so running it again is the same request, and answering 500 for it would make the IdP retry later
 * anyway (Entra counts those towards quarantine).
 */
async function retryingConflicts<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !isRetryableConflict(error)) throw error;
      await new Promise((done) => setTimeout(done, 5 + Math.random() * 20 * attempt));
    }
  }
}
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** How long a failed request waits to learn whether the database answers (see `databaseAnswers`). */
const DATABASE_PROBE_TIMEOUT_MS = 2000;

export interface ScimMiddlewareOptions {
  strapi: Strapi;
  store: DirectoryStore;
  deps: HandlerDeps;
  basePath: string;
}

function baseUrlOf(strapi: Strapi, ctx: Context, basePath: string): string {
  const publicUrl = String(strapi.config.get('server.url') ?? '').replace(/\/+$/, '');
  return /^https?:\/\//.test(publicUrl) ? `${publicUrl}${basePath}` : `${ctx.protocol}://${ctx.host}${basePath}`;
}

export function createScimMiddleware({ strapi, store, deps, basePath }: ScimMiddlewareOptions) {
  const prefix = basePath.toLowerCase();
  const rateLimiter = createRateLimiter(deps.config.rateLimit);
  const writeGate = createWriteGate(deps.config.maxConcurrentWrites, deps.config.writeQueueTimeoutMs);
  let lastOutageWarning = 0;

  /** One provisioning-log entry: every write, and every failure (successful reads are not logged). */
  const recordEvent = (caller: Caller | undefined, ctx: Context, route: RouteName | undefined, outcome: HandlerOutcome | void, error?: ScimError) =>
    store.events.record({
      directoryId: caller?.token.directoryId ?? null,
      tokenId: caller?.token.id ?? null,
      tokenName: caller?.token.name ?? null,
      method: ctx.method,
      resourceType: outcome?.resourceType ?? (route?.includes('User') ? 'User' : route?.includes('Group') ? 'Group' : null),
      resourceId: outcome?.resourceId ?? null,
      resourceName: outcome?.resourceName ?? null,
      operation: route ?? 'unknown',
      outcome: error ? 'failure' : outcome?.staged ? 'staged' : 'success',
      status: ctx.status,
      scimType: error?.scimType ?? null,
      changed: outcome?.changed ?? null,
      detail: error
        ? error.message.slice(0, 1000)
        : outcome?.staged
          ? `${outcome.staged === 'delete' ? 'deletion' : 'deactivation'} held for approval (deprovision safety)`
          : null,
    });

  /**
   * Does the database answer right now? Asked only when a request failed with an error nobody classified:
   * while the database is away, the outage also surfaces in other shapes — e.g. knex's "Transaction query
   * already complete" for a query sent on a transaction whose connection has just died — and those are 503
   * too, not 500 (which Entra counts towards quarantine).
   */
  async function databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer')), DATABASE_PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([strapi.db.connection.raw('select 1'), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs a failed request (after its transaction rolled back); a log failure never hides the SCIM error. */
  async function auditFailure(caller: Caller | undefined, ctx: Context, route: RouteName | undefined, outcome: HandlerOutcome | void, error: ScimError) {
    try {
      await recordEvent(caller, ctx, route, outcome, error);
    } catch (logError) {
      strapi.log.warn(`[identity-bridge] could not write the provisioning log: ${(logError as Error).message}`);
    }
  }

  return async function scimMiddleware(ctx: Context, next: Next) {
    const path = ctx.path;
    const lower = path.toLowerCase();
    if (lower !== prefix && !lower.startsWith(`${prefix}/`)) return next();

    let caller: Caller | undefined;
    let route: RouteName | undefined;
    let outcome: HandlerOutcome | void = undefined;
    try {
      // Rate limit right after the token check (only live tokens get a bucket, so a flood of bad tokens
      // allocates nothing) and before any other database work (a refused request costs no query).
      caller = await authenticate(ctx, store, (token) => {
        const decision = rateLimiter.take(token.id);
        if (decision.allowed) return;
        const limit = deps.config.rateLimit ? ` (${deps.config.rateLimit.requestsPerSecond}/s, burst ${deps.config.rateLimit.burst})` : '';
        throw new RetryLaterError(
          429,
          `rate limit of token "${token.name}" exceeded${limit}; retry after ${decision.retryAfterSeconds} s`,
          decision.retryAfterSeconds
        );
      });
      const match = matchRoute(ctx.method, path.slice(basePath.length));
      if (match.kind === 'notFound') throw new ScimError(404, `no SCIM endpoint at ${path}`);
      if (match.kind === 'methodNotAllowed') {
        ctx.set('Allow', match.allowed.join(', '));
        throw new ScimError(405, `${ctx.method} is not supported here; use ${match.allowed.join(', ')}`);
      }
      route = match.name;
      const body = BODY_METHODS.has(ctx.method) ? await readJsonBody(ctx, deps.config.maxBodyBytes) : undefined;
      ctx.state.scim = {
        directoryId: caller.token.directoryId,
        directoryName: caller.directoryName,
        tokenId: caller.token.id,
        tokenName: caller.token.name,
        baseUrl: baseUrlOf(strapi, ctx, basePath),
      };
      const request = { ctx, context: ctx.state.scim, ...(match.id ? { id: match.id } : {}), body };
      const handle = handlers[route];
      if (isWrite(route)) {
        // A write and its provisioning-log entry commit together, in the request's one transaction: the
        // log never shows a change that did not happen, nor misses one that did.
        const writeRoute = route;
        const writer = caller;
        outcome = await writeGate.run(() =>
          retryingConflicts(() =>
            inTransaction(strapi, async () => {
              const written = await handle(deps, request);
              await recordEvent(writer, ctx, writeRoute, written);
              return written;
            })
          )
        );
      } else {
        outcome = await handle(deps, request);
      }
      if (ctx.body !== undefined) ctx.type = SCIM_CONTENT_TYPE;
    } catch (thrown) {
      let response = toErrorResponse(thrown);
      if (response.unexpected && !(await databaseAnswers())) response = databaseUnavailableResponse();
      const { error, retryAfterSeconds, unexpected, databaseUnavailable } = response;
      if (unexpected) strapi.log.error(`[identity-bridge] SCIM ${ctx.method} ${path} failed: ${(thrown as Error)?.stack ?? thrown}`);
      if (databaseUnavailable && Date.now() - lastOutageWarning > 10_000) {
        // One line per 10 s while the database is away, not a stack per request.
        lastOutageWarning = Date.now();
        strapi.log.warn(`[identity-bridge] SCIM answers 503: database unavailable (${(thrown as Error)?.message ?? thrown})`);
      }
      ctx.status = error.status;
      ctx.body = error.toJSON();
      // After the body: Koa's body setter makes every object `application/json`, overwriting a type set before.
      ctx.type = SCIM_CONTENT_TYPE;
      if (error.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="SCIM"');
      if (retryAfterSeconds) ctx.set('Retry-After', String(retryAfterSeconds));
      // Not logged: 503 (the database is away) and 429 (a log write per refused request would be the load
      // the limit exists to keep off).
      if (error.status !== 503 && error.status !== 429) await auditFailure(caller, ctx, route, outcome, error);
    }
  };
}
