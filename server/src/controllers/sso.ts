/**
 * SSO HTTP endpoints.
 * Public (content API, `auth: false`): `GET /api/sso/connections`, `GET /api/sso` (chooser page),
 * `GET /api/sso/:id/login` (OIDC and SAML), `GET /api/sso/:id/callback` (OIDC), `POST /api/sso/:id/acs` (SAML; its
 * body is read by sso/acs-body.ts ahead of Strapi's body parser), `GET /api/sso/:id/metadata` (SAML SP metadata),
 * `GET /api/sso/:id/logout`, `GET|POST /api/sso/:id/slo` (SAML single logout; a POST body is read like the ACS's).
 * Admin API (RBAC read/update): connections and the login method policy.
 * Every refusal on a browser route is an HTML page (no stack trace) and a provisioning-log entry.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { PLUGIN_ID } from '../config';
import { pluginContext } from '../plugin-context';
import { ConnectionValidationError } from '../sso/connections/registry';
import { CONNECTION_ID_PATTERN, loginPath, logoutPath } from '../sso/connections/schema';
import { ACS_BODY_REFUSAL } from '../sso/acs-body';
import { isSsoError, SsoError } from '../sso/errors';
import { newBrowserBinding } from '../sso/flow';
import { LoginPolicyError } from '../sso';
import { chooserPage, errorPage, postFormPage } from '../sso/pages';
import { normaliseAdminPath } from '../sso/return-to';
import type { SamlLogoutSubject } from '../sso/saml';
import type { AdminSessionHandle } from '../strapi/admin-session';
import type { Strapi } from '../strapi/types';
import type { SsoOperation } from '../directory/log-operations';

const BROWSER_COOKIE = 'ib_sso_browser';
/**
 * The SAML twin of BROWSER_COOKIE: the ACS is a cross-site POST from the IdP, which a SameSite=Lax cookie does not
 * accompany, so this one is SameSite=None (and Secure) on https. It carries only a random value whose digest the
 * sign-in in progress keeps; the binding check is what refuses a response started in another browser.
 */
const SAML_BROWSER_COOKIE = 'ib_sso_saml_browser';
const ID_TOKEN_COOKIE = 'ib_sso_id_token';
/** Which admin session this browser got from SSO (sealed user + device id), for logout under /api/sso. */
const SESSION_COOKIE = 'ib_sso_session';
const SESSION_COOKIE_MS = 30 * 24 * 60 * 60_000;
const SSO_COOKIE_PATH = '/api/sso';
/** The NameID + SessionIndex of this browser's SAML sign-in (sealed), for the LogoutRequest of an SP-initiated logout. */
const SAML_SUBJECT_COOKIE = 'ib_sso_saml_subject';
/** Browsers drop cookies above ~4 KB; an ID token too large for one is not kept (logout then goes without a hint). */
const MAX_ID_TOKEN_COOKIE = 3500;

type SsoService = ReturnType<typeof import('../services/sso').default>;
const SAML_SUBJECT_PURPOSE = 'saml-logout-subject';
type SealedSamlSubject = SamlLogoutSubject & { connectionId: string };
const logoutSubjectOf = ({ connectionId: _connectionId, ...subject }: SealedSamlSubject): SamlLogoutSubject | null =>
  typeof subject.nameId === 'string' && subject.nameId !== '' ? subject : null;


/** Query parameters of an OIDC callback that are credentials, however short-lived. */
const CALLBACK_SECRETS = ['code', 'state', 'id_token', 'access_token', 'session_state'];

/**
 * Strapi's request logger (`strapi::logger`, level `http` by default) prints `ctx.url` once the answer is done:
 * without this, every sign-in would write its authorization code and state to the server log. The query was read
 * already; only the log's copy of the URL changes.
 */
function hideCallbackSecrets(ctx: Context, query: URLSearchParams) {
  const shown = new URLSearchParams(query);
  let hidden = false;
  for (const name of CALLBACK_SECRETS) {
    if (shown.has(name)) {
      shown.set(name, 'redacted');
      hidden = true;
    }
  }
  if (hidden) ctx.url = `${ctx.path}?${shown.toString()}`;
}

export default ({ strapi }: { strapi: Strapi }) => {
  const context = () => pluginContext(strapi);
  const service = () => strapi.plugin(PLUGIN_ID).service('sso') as SsoService;
  const adminPath = () => normaliseAdminPath(context().sso.sessions.adminPath());

  /** The public origin: `server.url` when absolute (behind proxies), else the request's. */
  const originOf = (ctx: Context): string => {
    const configured = String(strapi.config.get('server.url') ?? '');
    if (/^https?:\/\//i.test(configured)) return new URL(configured).origin;
    return ctx.origin;
  };

  /** Where the admin panel is served when `admin.url` is absolute (another host); else '' (this origin). */
  const adminOrigin = (): string => {
    const configured = String(strapi.config.get('admin.url') ?? '');
    return /^https?:\/\//i.test(configured) ? new URL(configured).origin : '';
  };

  const noStore = (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    // The callback URL carries the authorization code: never send it on as a referrer.
    ctx.set('Referrer-Policy', 'no-referrer');
  };

  const ssoCookie = (ctx: Context, maxAgeMs: number) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.request.secure,
    path: SSO_COOKIE_PATH,
    overwrite: true,
    maxAge: maxAgeMs,
  });

  const connectionIdOf = (ctx: Context): string => {
    const id = String(ctx.params.id ?? '');
    if (!CONNECTION_ID_PATTERN.test(id)) throw new SsoError('SSO_CONNECTION_UNKNOWN', 'malformed connection id');
    return id;
  };

  async function record(ctx: Context, operation: SsoOperation, outcome: 'success' | 'failure', status: number, detail: string, extra: { connectionId?: string; name?: string | null; code?: string } = {}) {
    try {
      await context().store.events.record({
        directoryId: null,
        tokenId: null,
        tokenName: null,
        method: ctx.method,
        resourceType: 'SsoSignIn',
        resourceId: extra.connectionId ?? null,
        resourceName: extra.name ?? null,
        operation,
        outcome,
        status,
        scimType: extra.code ?? null,
        changed: null,
        detail: detail.slice(0, 2000),
      });
    } catch (error) {
      strapi.log.warn(`[${PLUGIN_ID}] could not record ${operation}: ${(error as Error).message}`);
    }
  }

  /** Renders a refusal page and logs it; unexpected errors get a generic page (details in the server log only). */
  async function refuse(ctx: Context, operation: SsoOperation, error: unknown, connectionId?: string) {
    const known = isSsoError(error) ? error : null;
    if (!known) strapi.log.error(`[${PLUGIN_ID}] ${operation} failed: ${(error as Error)?.stack ?? String(error)}`);
    const code = known?.reason ?? known?.code ?? 'SSO_INTERNAL_ERROR';
    const status = known?.status ?? 500;
    await record(ctx, operation, 'failure', status, known?.message ?? `unexpected error: ${(error as Error)?.message ?? String(error)}`, {
      ...(connectionId ? { connectionId } : {}),
      code,
    });
    noStore(ctx);
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    const signingOut = operation === 'sso-logout';
    const retry = connectionId && !signingOut && known?.code !== 'SSO_CONNECTION_UNKNOWN' && known?.code !== 'SSO_CONNECTION_DISABLED' ? loginPath(connectionId) : undefined;
    ctx.body = errorPage({
      ...(signingOut ? { title: 'Sign-out failed', heading: 'Single sign-out did not complete' } : {}),
      message: known?.publicMessage ?? 'Something went wrong while signing you in. Please try again later.',
      code,
      loginUrl: `${adminPath()}/auth/login`,
      ...(retry ? { retryUrl: retry } : {}),
    });
  }

  /** A sealed cookie's content, or null when absent or not ours (tampered, other key). */
  function openSealed<T>(sealed: string | undefined, purpose: string, json = true): T | null {
    if (!sealed) return null;
    try {
      const opened = context().sso.box.open(sealed, purpose);
      return (json ? JSON.parse(opened) : opened) as T;
    } catch {
      return null;
    }
  }

  /** SP-initiated SAML: the AuthnRequest by redirect, or an auto-submitting form under a nonce'd CSP (HTTP-POST). */
  async function samlLogin(ctx: Context, connectionId: string) {
    const binding = ctx.cookies.get(SAML_BROWSER_COOKIE) || newBrowserBinding();
    const request = await context().sso.saml.start({
      connectionId,
      origin: originOf(ctx),
      adminPath: adminPath(),
      returnTo: ctx.query.returnTo,
      browserBinding: binding,
    });
    const secure = ctx.request.secure;
    ctx.cookies.set(SAML_BROWSER_COOKIE, binding, {
      ...ssoCookie(ctx, context().config.sso.loginTimeoutMinutes * 60_000),
      // Cross-site POST from the IdP: Lax would not send it. On plain http (loopback development) None is
      // refused by browsers without Secure; the IdP and Strapi are then same-site and Lax suffices.
      sameSite: secure ? ('none' as const) : ('lax' as const),
      secure,
    });
    noStore(ctx);
    if (request.binding === 'HTTP-Redirect') {
      ctx.redirect(request.redirectUrl);
      return;
    }
    const nonce = randomBytes(18).toString('base64');
    ctx.set(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; form-action ${new URL(request.postUrl).origin}; base-uri 'none'; frame-ancestors 'none'`
    );
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = postFormPage({ action: request.postUrl, fields: request.postFields, nonce });
  }

  /**
   * A browser route under /api/sso/:id: `work` gets the (well-formed) connection id; any refusal, a malformed id
   * included, becomes the refusal page and a log entry for `operation`.
   */
  async function browserRoute(ctx: Context, operation: SsoOperation, work: (connectionId: string) => Promise<void>) {
    let connectionId: string | undefined;
    try {
      connectionId = connectionIdOf(ctx);
      await work(connectionId);
    } catch (error) {
      await refuse(ctx, operation, error, connectionId);
    }
  }

  /** The urlencoded body sso/acs-body.ts read ahead of Strapi's body parser; its refusal (too large, wrong type) is thrown. */
  function readBody(ctx: Context): Record<string, unknown> {
    const refusal = (ctx.state as Record<symbol, unknown>)[ACS_BODY_REFUSAL];
    if (refusal) throw refusal;
    return ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;
  }

  /** Starts the admin session of a verified sign-in and keeps its handle (sealed) for logout under /api/sso. */
  async function startSession(ctx: Context, adminUserId: number) {
    let handle: AdminSessionHandle;
    try {
      handle = await context().sso.sessions.start(ctx, adminUserId);
    } catch (error) {
      throw new SsoError('SSO_SESSION_FAILED', `session creation failed: ${(error as Error).message}`);
    }
    ctx.cookies.set(SESSION_COOKIE, context().sso.box.seal(JSON.stringify(handle), 'sso-session-handle'), ssoCookie(ctx, SESSION_COOKIE_MS));
    context().access.forget(adminUserId);
  }

  /** Logs a completed sign-in and sends the person on to where they were going in the admin panel. */
  async function signedIn(ctx: Context, connectionId: string, outcome: { adminUserId: number; email: string | null; returnTo: string; notes: string[] }, via: string[] = []) {
    await record(ctx, 'sso-login', 'success', 302, [`admin user #${outcome.adminUserId}`, ...via, ...outcome.notes].join('; '), {
      connectionId,
      name: outcome.email,
    });
    noStore(ctx);
    ctx.redirect(`${adminOrigin()}${outcome.returnTo}`);
  }

  const clearCookie = (ctx: Context, name: string) => ctx.cookies.set(name, '', { ...ssoCookie(ctx, 0), expires: new Date(0) });
  /** The admin login page, on the admin panel's origin. */
  const loginPageOf = (ctx: Context) => `${adminOrigin() || originOf(ctx)}${adminPath()}/auth/login`;

  const hint = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : undefined);

  return {
    async publicConnections(ctx: Context) {
      const views = await context().sso.connections.list();
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { data: views.filter((view) => view.enabled).map((view) => ({ id: view.id, name: view.name, type: view.type, loginUrl: loginPath(view.id) })) };
    },

    async chooser(ctx: Context) {
      const views = (await context().sso.connections.list()).filter((view) => view.enabled);
      noStore(ctx);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = chooserPage(views.map((view) => ({ name: view.name, loginUrl: loginPath(view.id) })), `${adminPath()}/auth/login`);
    },

    async login(ctx: Context) {
      await browserRoute(ctx, 'sso-login-start', async (connectionId) => {
        const connection = await context().sso.connections.require(connectionId);
        if (connection.type === 'saml') return await samlLogin(ctx, connectionId);
        const binding = ctx.cookies.get(BROWSER_COOKIE) || newBrowserBinding();
        const url = await context().sso.flow.start({
          connectionId,
          origin: originOf(ctx),
          adminPath: adminPath(),
          returnTo: ctx.query.returnTo,
          browserBinding: binding,
          ...(hint(ctx.query.login_hint) ? { loginHint: hint(ctx.query.login_hint) as string } : {}),
          ...(hint(ctx.query.domain_hint) ? { domainHint: hint(ctx.query.domain_hint) as string } : {}),
        });
        ctx.cookies.set(BROWSER_COOKIE, binding, ssoCookie(ctx, context().config.sso.loginTimeoutMinutes * 60_000));
        noStore(ctx);
        ctx.redirect(url.href);
      });
    },

    async callback(ctx: Context) {
      const query = new URLSearchParams(ctx.querystring);
      hideCallbackSecrets(ctx, query);
      await browserRoute(ctx, 'sso-login', async (connectionId) => {
        const outcome = await context().sso.flow.finish({
          connectionId,
          origin: originOf(ctx),
          query,
          browserBinding: ctx.cookies.get(BROWSER_COOKIE),
        });
        await startSession(ctx, outcome.adminUserId);
        if (outcome.idToken.length <= MAX_ID_TOKEN_COOKIE) {
          const sealed = context().sso.box.seal(outcome.idToken, 'id-token-hint');
          ctx.cookies.set(ID_TOKEN_COOKIE, sealed, ssoCookie(ctx, 24 * 60 * 60_000));
        }
        await signedIn(ctx, connectionId, outcome);
      });
    },

    /**
     * The SAML Assertion Consumer Service. The body was read (size-capped, urlencoded only) by sso/acs-body.ts before
     * Strapi's body parser; the SAML core caps the SAMLResponse again before any XML parser runs.
     */
    async acs(ctx: Context) {
      await browserRoute(ctx, 'sso-login', async (connectionId) => {
        const body = readBody(ctx);
        const outcome = await context().sso.saml.finish({
          connectionId,
          origin: originOf(ctx),
          adminPath: adminPath(),
          body: { SAMLResponse: body.SAMLResponse, RelayState: body.RelayState },
          browserBinding: ctx.cookies.get(SAML_BROWSER_COOKIE),
        });
        await startSession(ctx, outcome.adminUserId);
        const subject: SealedSamlSubject = { connectionId, ...outcome.logoutSubject };
        const sealedSubject = context().sso.box.seal(JSON.stringify(subject), SAML_SUBJECT_PURPOSE);
        // Same ~4 KB browser cookie limit as the ID token's; without the cookie, logout stays local (no SLO).
        if (sealedSubject.length <= MAX_ID_TOKEN_COOKIE) ctx.cookies.set(SAML_SUBJECT_COOKIE, sealedSubject, ssoCookie(ctx, SESSION_COOKIE_MS));
        await signedIn(ctx, connectionId, outcome, [outcome.idpInitiated ? 'SAML IdP-initiated' : 'SAML']);
      });
    },

    /** SAML SP metadata for the IdP administrator. */
    async metadata(ctx: Context) {
      await browserRoute(ctx, 'sso-metadata', async (connectionId) => {
        const xml = await context().sso.saml.spMetadataXml(connectionId, originOf(ctx));
        ctx.set('Cache-Control', 'no-cache');
        ctx.type = 'application/samlmetadata+xml; charset=utf-8';
        if (ctx.query.download !== undefined) ctx.attachment(`${connectionId}-sp-metadata.xml`);
        ctx.body = xml;
      });
    },

    /**
     * Ends the Strapi session, then hands over to the IdP: OIDC RP-initiated logout when it offers end_session, SAML
     * single logout (a LogoutRequest for this browser's NameID + SessionIndex) when its metadata has an SLO endpoint.
     */
    async logout(ctx: Context) {
      await browserRoute(ctx, 'sso-logout', async (connectionId) => {
        const connection = await context().sso.connections.require(connectionId);
        const userId = await context().sso.sessions.end(ctx, openSealed<AdminSessionHandle>(ctx.cookies.get(SESSION_COOKIE), 'sso-session-handle'));
        clearCookie(ctx, SESSION_COOKIE);
        const idTokenHint = openSealed<string>(ctx.cookies.get(ID_TOKEN_COOKIE), 'id-token-hint', false);
        clearCookie(ctx, ID_TOKEN_COOKIE);
        const samlSubject = openSealed<SealedSamlSubject>(ctx.cookies.get(SAML_SUBJECT_COOKIE), SAML_SUBJECT_PURPOSE);
        clearCookie(ctx, SAML_SUBJECT_COOKIE);
        const after = loginPageOf(ctx);
        let target = after;
        try {
          if (connection.type === 'oidc') target = (await context().sso.relyingParty.endSessionUrl(connection, after, idTokenHint))?.href ?? after;
          if (connection.type === 'saml') {
            // Only this connection's sign-in can be named in its LogoutRequest; without one, the logout stays local.
            const subject = samlSubject?.connectionId === connectionId ? logoutSubjectOf(samlSubject) : null;
            target = (await context().sso.samlLogout.startLogout({ connectionId, origin: originOf(ctx), subject })) ?? after;
          }
        } catch (error) {
          // The Strapi session has ended either way; the IdP session then stays, which the log says.
          strapi.log.warn(`[${PLUGIN_ID}] single logout at the IdP unavailable for ${connectionId}: ${(error as Error).message}`);
        }
        const handedOver = target !== after;
        await record(ctx, 'sso-logout', 'success', 302, `${userId ? `admin user #${userId}: session revoked` : 'no active session'}${handedOver ? '; handed over to the IdP' : ''}`, { connectionId });
        noStore(ctx);
        ctx.redirect(target);
      });
    },

    /**
     * SAML single logout endpoint (HTTP-Redirect: GET; HTTP-POST: the body was read, size-capped, by sso/acs-body.ts).
     * A LogoutResponse ends our own logout round trip on the login page; a LogoutRequest from the IdP revokes the
     * person's Strapi sessions and is answered with a LogoutResponse at the IdP's SLO endpoint.
     */
    async slo(ctx: Context) {
      await browserRoute(ctx, 'sso-logout', async (connectionId) => {
        const body = readBody(ctx);
        const message = ctx.method === 'POST' ? { binding: 'HTTP-POST' as const, body } : { binding: 'HTTP-Redirect' as const, rawQuery: ctx.querystring };
        const outcome = await context().sso.samlLogout.receive({ connectionId, origin: originOf(ctx), message });
        const loginPage = loginPageOf(ctx);
        noStore(ctx);
        if (outcome.kind === 'logout-confirmed') {
          await record(ctx, 'sso-logout', 'success', 302, 'the IdP confirmed single logout (LogoutResponse)', { connectionId });
          ctx.redirect(loginPage);
          return;
        }
        const revoked = outcome.revokedAdminUserIds;
        await record(
          ctx,
          'sso-logout',
          revoked.length > 0 ? 'success' : 'failure',
          302,
          revoked.length > 0
            ? `IdP-initiated single logout: every session of admin user ${revoked.map((id) => `#${id}`).join(', ')} revoked`
            : 'IdP-initiated single logout for a NameID nobody is signed in under here (answered UnknownPrincipal)',
          { connectionId, code: revoked.length > 0 ? 'SAML_LOGOUT_REQUEST' : 'SAML_UNKNOWN_PRINCIPAL' }
        );
        ctx.redirect(outcome.redirectUrl ?? loginPage);
      });
    },

    // ---- admin API ----
    async listConnections(ctx: Context) {
      ctx.body = { data: await service().listConnections() };
    },
    async getConnection(ctx: Context) {
      await adminAnswer(ctx, () => service().getConnection(String(ctx.params.id)));
    },
    async createConnection(ctx: Context) {
      await adminAnswer(ctx, async () => {
        ctx.status = 201;
        return service().createConnection((ctx.request as { body?: unknown }).body);
      });
    },
    async updateConnection(ctx: Context) {
      await adminAnswer(ctx, () => service().updateConnection(String(ctx.params.id), (ctx.request as { body?: unknown }).body));
    },
    async enableConnection(ctx: Context) {
      await adminAnswer(ctx, () => service().setConnectionEnabled(String(ctx.params.id), ctx.params.action === 'enable'));
    },
    async deleteConnection(ctx: Context) {
      await adminAnswer(ctx, async () => {
        const deleted = await service().deleteConnection(String(ctx.params.id));
        if (!deleted) return null;
        ctx.status = 204;
        return undefined;
      });
    },
    async getLoginPolicy(ctx: Context) {
      ctx.body = { data: await service().getLoginPolicy() };
    },
    async saveLoginPolicy(ctx: Context) {
      await adminAnswer(ctx, () => service().saveLoginPolicy((ctx.request as { body?: unknown }).body));
    },
  };
};

/** Admin API answers: JSON errors with a status that says what to fix. */
async function adminAnswer(ctx: Context, work: () => Promise<unknown>) {
  const fail = (status: number, name: string, message: string) => {
    ctx.status = status;
    ctx.body = { error: { status, name, message } };
  };
  try {
    const data = await work();
    if (data === null) return fail(404, 'NotFoundError', 'no such connection');
    if (data !== undefined) ctx.body = { data };
  } catch (error) {
    if (error instanceof ConnectionValidationError) return fail(400, 'ValidationError', error.errors.join('; '));
    if (error instanceof LoginPolicyError) return fail(error.status, error.status === 409 ? 'ConflictError' : 'ValidationError', error.message);
    if (isSsoError(error) && error.code === 'SSO_CONNECTION_READ_ONLY') return fail(409, 'ConflictError', error.message);
    throw error;
  }
}
