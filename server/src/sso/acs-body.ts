/**
 * The SAML ACS body, read before Strapi's body parser ever sees it.
 *
 * Strapi's `strapi::body` (koa-body) parses every urlencoded POST with its own, project-wide limit (56 KB by
 * default) and answers an oversized one through Strapi's error middleware. The ACS needs its own cap per
 * connection, enforced before any parsing, and a refusal page like every other SSO failure. So this small
 * middleware is mounted ahead of Strapi's stack (like the SCIM API): for `POST {api prefix}/sso/{id}/acs` only, it
 * refuses a declared Content-Length above the cap without reading, reads at most the cap otherwise (urlencoded
 * only), and hands the request to the `sso.acs` controller itself. Every other request passes straight through.
 * The SAML single logout endpoint's HTTP-POST binding (`POST …/sso/{id}/slo`) is read the same way (`sso.slo`).
 *
 * The cap is on raw bytes: 3 × `maxResponseBytes` (URL-encoding can triple base64's `+`, `/`, `=`) plus 8 KiB for
 * RelayState; the SAML core then caps the SAMLResponse itself (`maxResponseBytes` base64 characters) before any
 * XML parser runs.
 */
import coBody from 'co-body';
import type { Context, Next } from 'koa';
import { PLUGIN_ID } from '../config';
import type { Strapi } from '../strapi/types';
import type { ConnectionRegistry } from './connections/registry';
import { SsoError } from './errors';
import { DEFAULT_MAX_LOGOUT_MESSAGE_LENGTH } from './saml/logout-messages';

/** Where the middleware leaves a refusal for the controller to render (so it gets the page and the log entry). */
export const ACS_BODY_REFUSAL = Symbol.for('identity-bridge.acs-body-refusal');

const OVERHEAD_BYTES = 8 * 1024;
const UNKNOWN_CONNECTION_LIMIT = 16 * 1024;

export function acsBodyLimit(maxResponseBytes: number): number {
  return maxResponseBytes * 3 + OVERHEAD_BYTES;
}

export async function readAcsBody(ctx: Context, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new SsoError('SSO_BODY_TOO_LARGE', `ACS body of ${declared} bytes refused unread (limit ${limit})`);
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new SsoError('SSO_SAML_REJECTED', 'the ACS accepts application/x-www-form-urlencoded bodies only (SAML HTTP-POST binding)', undefined, 415, 'SAML_RESPONSE_MISSING');
  }
  try {
    const body = (await coBody.form(ctx.req, { limit, queryString: { depth: 0, parameterLimit: 20, allowPrototypes: false } })) as unknown;
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch (error) {
    const failure = error as { status?: number; type?: string };
    if (failure.status === 413 || failure.type === 'entity.too.large') throw new SsoError('SSO_BODY_TOO_LARGE', `ACS body above ${limit} bytes refused`);
    throw new SsoError('SSO_SAML_REJECTED', `ACS body unreadable (${failure.type ?? 'malformed'})`, undefined, 400, 'SAML_RESPONSE_MALFORMED');
  }
}

export function createAcsMiddleware(strapi: Strapi, connections: () => ConnectionRegistry) {
  const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api').replace(/\/+$/, '');
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}/sso/([^/]+)/(acs|slo)/?$`, 'i');

  return async function samlAcs(ctx: Context, next: Next) {
    const match = ctx.method === 'POST' ? pattern.exec(ctx.path) : null;
    if (!match) return next();
    const id = match[1] as string;
    // The SLO endpoint's HTTP-POST binding gets the same treatment, with a cap fit for logout messages.
    const endpoint = (match[2] as string).toLowerCase() as 'acs' | 'slo';
    // Strapi's security middleware does not run for this request (answered ahead of the stack): the answer is a
    // redirect or a self-contained refusal page, so a strict policy fits.
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    (ctx as { params?: Record<string, string> }).params = { id };
    try {
      const connection = /^[a-z0-9][a-z0-9-]{0,62}$/.test(id) ? await connections().find(id) : null;
      const limit =
        connection?.type !== 'saml' ? UNKNOWN_CONNECTION_LIMIT : endpoint === 'slo' ? acsBodyLimit(DEFAULT_MAX_LOGOUT_MESSAGE_LENGTH) : acsBodyLimit(connection.maxResponseBytes);
      (ctx.request as { body?: unknown }).body = await readAcsBody(ctx, limit);
    } catch (error) {
      (ctx.state as Record<symbol, unknown>)[ACS_BODY_REFUSAL] = error;
      // The unread rest of an oversized body is discarded by Node once the answer is sent; close the connection.
      ctx.set('Connection', 'close');
    }
    const controller = strapi.plugin(PLUGIN_ID).controller('sso') as Record<'acs' | 'slo', (ctx: Context) => Promise<void>>;
    await controller[endpoint](ctx);
  };
}
