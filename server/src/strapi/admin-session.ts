/**
 * The one module that creates and ends Strapi admin sessions for SSO, and guards Strapi's password routes.
 *
 * It does exactly what Strapi's own login does (5.24+ session manager; read from @strapi/admin 5.54
 * `controllers/authentication` and the Enterprise SSO `redirectWithAuth`): a refresh token from
 * `sessionManager('admin')` in the httpOnly `strapi_admin_refresh` cookie, and an access token in the cookie the
 * admin panel reads at boot (`admin.auth.cookie.name`, default `jwtToken`, not httpOnly), both honouring
 * `admin.auth.cookie.*` and `admin.auth.domain`. Strapi's cookie helpers are internal (not exported), so their
 * few lines of config reading are repeated here — keep them in step on upgrades.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { PolicySubject } from '../sso/login-policy';
import { SUPER_ADMIN_CODE } from './admin-users';
import type { Strapi } from './types';

export const REFRESH_COOKIE_NAME = 'strapi_admin_refresh';
const DEFAULT_ACCESS_COOKIE_NAME = 'jwtToken';
const DEFAULT_COOKIE_PATH = '/admin';
const DEFAULT_IDLE_REFRESH_TOKEN_LIFESPAN_S = 14 * 24 * 60 * 60;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const INVALID_COOKIE_PATH = /[\x00-\x1F\x7F;]/;
// eslint-disable-next-line no-control-regex
const INVALID_COOKIE_DOMAIN = /[\x00-\x1F\x7F;,\s/:]/;

interface SessionManagerForOrigin {
  generateRefreshToken(
    userId: string,
    deviceId: string,
    options: { type: 'refresh' | 'session'; metadata?: Record<string, unknown> }
  ): Promise<{ token: string; sessionId: string; absoluteExpiresAt?: string }>;
  generateAccessToken(refreshToken: string): Promise<{ token: string } | { error: string }>;
  validateRefreshToken(token: string): Promise<{ isValid: boolean; userId?: string; sessionId?: string }>;
  /** Not in Strapi 5.24 (5.54 has it): see `revokeSession` below. */
  revokeSessionById?(userId: string, sessionId: string): Promise<boolean>;
  invalidateRefreshToken(userId: string, deviceId?: string): Promise<void>;
}

/** What identifies a browser's admin session across refresh-token rotations (Strapi keeps the device id). */
export interface AdminSessionHandle {
  userId: number;
  deviceId: string;
}

export function createAdminSessions(strapi: Strapi) {
  const config = <T>(key: string): T | undefined => strapi.config.get(key) as T | undefined;
  const manager = (): SessionManagerForOrigin => {
    const sessionManager = (strapi as unknown as { sessionManager?: (origin: string) => SessionManagerForOrigin }).sessionManager;
    if (!sessionManager) throw new Error('identity-bridge: Strapi has no session manager (Strapi ≥ 5.24 is required for SSO)');
    return sessionManager('admin');
  };
  /**
   * Ends one session. Strapi 5.24's session manager has no `revokeSessionById` (a later minor added it); there, the
   * same thing it does in 5.54 is done on Strapi's session table: delete the session with that id, only if it
   * belongs to that user and to the admin origin.
   */
  const revokeSession = async (sessions: SessionManagerForOrigin, userId: string, sessionId: string): Promise<void> => {
    if (typeof sessions.revokeSessionById === 'function') {
      await sessions.revokeSessionById(userId, sessionId);
      return;
    }
    await strapi.db.query('admin::session').deleteMany({ where: { sessionId, userId, origin: 'admin' } });
  };

  const accessCookieName = () => {
    const configured = (config<string>('admin.auth.cookie.name') ?? '').trim();
    return configured && COOKIE_NAME.test(configured) ? configured : DEFAULT_ACCESS_COOKIE_NAME;
  };
  const cookiePath = () => {
    const configured = (config<string>('admin.auth.cookie.path') ?? '').trim();
    return configured.startsWith('/') && !INVALID_COOKIE_PATH.test(configured) ? configured : DEFAULT_COOKIE_PATH;
  };
  const cookieDomain = () => {
    const configured = (config<string>('admin.auth.cookie.domain') || config<string>('admin.auth.domain') || '').trim();
    return configured && !INVALID_COOKIE_DOMAIN.test(configured) ? configured : undefined;
  };
  /** Strapi: `admin.auth.cookie.secure` when set, else secure in production over https. */
  const secure = (ctx: Context) => {
    const configured = config<boolean>('admin.auth.cookie.secure');
    return typeof configured === 'boolean' ? configured : process.env.NODE_ENV === 'production' && ctx.request.secure;
  };
  const baseCookie = (ctx: Context) => ({
    secure: secure(ctx),
    overwrite: true,
    domain: cookieDomain(),
    path: cookiePath(),
    sameSite: config<'lax' | 'strict' | 'none'>('admin.auth.cookie.sameSite') ?? ('lax' as const),
  });

  return {
    /** The admin panel's path prefix (`/admin` unless `admin.url` says otherwise). */
    adminPath(): string {
      const url = config<string>('admin.url') ?? config<string>('admin.path') ?? '/admin';
      return url;
    },

    /**
     * Signs the admin user in: a "remember me" refresh session (as Strapi's Enterprise SSO does — a browser
     * that signed in through the IdP stays signed in until the idle/absolute lifespans end), then the access
     * token cookie the admin panel picks up at boot.
     */
    async start(ctx: Context, adminUserId: number): Promise<AdminSessionHandle> {
      const sessions = manager();
      const deviceId = randomUUID();
      const { token: refreshToken, absoluteExpiresAt } = await sessions.generateRefreshToken(String(adminUserId), deviceId, {
        type: 'refresh',
        metadata: { userAgent: ctx.request.headers['user-agent'] },
      });
      const idleSeconds = Number(config('admin.auth.sessions.idleRefreshTokenLifespan') ?? DEFAULT_IDLE_REFRESH_TOKEN_LIFESPAN_S);
      const now = Date.now();
      const idleExpiry = now + idleSeconds * 1000;
      const expires = new Date(Math.min(idleExpiry, absoluteExpiresAt ? new Date(absoluteExpiresAt).getTime() : idleExpiry));
      ctx.cookies.set(REFRESH_COOKIE_NAME, refreshToken, { ...baseCookie(ctx), httpOnly: true, expires, maxAge: Math.max(0, expires.getTime() - now) });
      const access = await sessions.generateAccessToken(refreshToken);
      if ('error' in access) throw new Error(`identity-bridge: Strapi refused an access token (${access.error})`);
      // Not httpOnly on purpose: the admin panel reads it at boot, then keeps it in memory (as Strapi's SSO).
      const { sameSite: _sameSite, ...accessCookie } = baseCookie(ctx);
      ctx.cookies.set(accessCookieName(), access.token, { ...accessCookie, httpOnly: false });
      const sanitized = { id: adminUserId };
      strapi.eventHub.emit('admin.auth.success', { user: sanitized, provider: 'identity-bridge' });
      return { userId: adminUserId, deviceId };
    },

    /**
     * Ends the browser's admin session and clears both cookies. Returns the user id. The refresh cookie is
     * scoped to the admin path, so a logout outside it identifies the session by the handle `start` returned
     * (user + device id: it survives Strapi's refresh-token rotation) — Strapi's own logout does the same
     * `invalidateRefreshToken(user, device)`.
     */
    async end(ctx: Context, handle: AdminSessionHandle | null): Promise<number | null> {
      const sessions = manager();
      let userId: number | null = null;
      const refreshToken = ctx.cookies.get(REFRESH_COOKIE_NAME);
      if (refreshToken) {
        const validated = await sessions.validateRefreshToken(refreshToken);
        if (validated.isValid && validated.userId && validated.sessionId) {
          await revokeSession(sessions, validated.userId, validated.sessionId);
          userId = Number(validated.userId);
        }
      }
      if (handle) {
        await sessions.invalidateRefreshToken(String(handle.userId), handle.deviceId);
        userId = handle.userId;
      }
      if (userId !== null) strapi.eventHub.emit('admin.logout', { user: { id: userId } });
      const expired = { ...baseCookie(ctx), expires: new Date(0) };
      ctx.cookies.set(REFRESH_COOKIE_NAME, '', { ...expired, httpOnly: true });
      ctx.cookies.set(accessCookieName(), '', { ...expired, httpOnly: false });
      return userId;
    },

    /** JIT users sign in through the IdP: no registration link (which would let them set a password). */
    async clearRegistrationToken(adminUserId: number): Promise<void> {
      await strapi.db.query('admin::user').updateMany({ where: { id: adminUserId }, data: { registrationToken: null } });
    },

    /** An admin user as the login method policy sees them (whether a password is set, never the password). */
    async policySubject(where: Record<string, unknown>): Promise<PolicySubject | null> {
      const row = (await strapi.db.query('admin::user').findOne({ where, select: ['id', 'email', 'isActive', 'password'], populate: { roles: { select: ['code', 'name'] } } })) as RawAdmin | null;
      return row ? subjectOf(row) : null;
    },

    async superAdminSubjects(): Promise<PolicySubject[]> {
      const rows = (await strapi.db.query('admin::user').findMany({
        where: { roles: { code: SUPER_ADMIN_CODE } },
        select: ['id', 'email', 'isActive', 'password'],
        populate: { roles: { select: ['code', 'name'] } },
      })) as RawAdmin[];
      return rows.map(subjectOf);
    },
  };
}

interface RawAdmin {
  id: number;
  email: string;
  isActive: boolean;
  password?: string | null;
  roles?: { code: string; name: string }[];
}

const subjectOf = (row: RawAdmin): PolicySubject => ({
  id: row.id,
  email: row.email,
  isActive: row.isActive === true,
  hasPassword: typeof row.password === 'string' && row.password !== '',
  superAdmin: (row.roles ?? []).some((role) => role.code === SUPER_ADMIN_CODE),
  roles: (row.roles ?? []).map((role) => ({ code: role.code, name: role.name })),
});

/** Which password routes of Strapi's admin are guarded, and how the guard finds the admin user in the request. */
export type PasswordRoute = 'login' | 'forgot-password' | 'reset-password' | 'register';

const GUARDED_HANDLERS: Record<string, PasswordRoute> = {
  'authentication.login': 'login',
  'authentication.forgotPassword': 'forgot-password',
  'authentication.resetPassword': 'reset-password',
  'authentication.register': 'register',
};

/** The guarded routes; a refusal is logged as operation `sso-only-<route>`. */
export const PASSWORD_ROUTES: readonly PasswordRoute[] = Object.values(GUARDED_HANDLERS);

type PasswordRouteGuard = (ctx: Context, next: Next, route: PasswordRoute) => Promise<unknown>;

/**
 * Strapi's route definitions are module state shared by every Strapi instance in the process (tests boot
 * several), so the middleware put on them is one shared function that finds the guard of the instance serving
 * the request through its Koa app.
 */
const guardsByApp = new WeakMap<object, PasswordRouteGuard>();
const sharedGuards = new Map<PasswordRoute, (ctx: Context, next: Next) => Promise<unknown>>();
const sharedGuard = (route: PasswordRoute) => {
  let middleware = sharedGuards.get(route);
  if (!middleware) {
    middleware = (ctx: Context, next: Next) => {
      const guard = guardsByApp.get(ctx.app);
      return guard ? guard(ctx, next, route) : next();
    };
    sharedGuards.set(route, middleware);
  }
  return middleware;
};

/**
 * Puts `guard` in front of Strapi's password routes (`POST /admin/login`, `/forgot-password`,
 * `/reset-password`, `/register`) as a route middleware, so it runs after Strapi's body parser and rate limit
 * and before the handler. Call during `register` (Strapi mounts admin routes right after). Fails loudly when
 * Strapi's routes moved: a silently missing guard would let SSO-only users use passwords.
 */
export function guardPasswordRoutes(strapi: Strapi, guard: PasswordRouteGuard): void {
  guardsByApp.set((strapi as unknown as { server: { app: object } }).server.app, guard);
  const routers = (strapi as unknown as { admin?: { routes?: Record<string, { routes?: AdminRoute[] }> } }).admin?.routes ?? {};
  const found = new Set<PasswordRoute>();
  for (const router of Object.values(routers)) {
    for (const route of router.routes ?? []) {
      const which = typeof route.handler === 'string' ? GUARDED_HANDLERS[route.handler] : undefined;
      if (!which || route.method !== 'POST') continue;
      route.config = route.config ?? {};
      const middleware = sharedGuard(which);
      const others = (route.config.middlewares ?? []).filter((existing) => existing !== middleware);
      route.config.middlewares = [middleware, ...others];
      found.add(which);
    }
  }
  const missing = Object.values(GUARDED_HANDLERS).filter((route) => !found.has(route));
  if (missing.length > 0) {
    throw new Error(`identity-bridge: cannot guard Strapi's admin password routes (${missing.join(', ')} not found) — this Strapi version is not supported`);
  }
}

interface AdminRoute {
  method: string;
  path: string;
  handler: unknown;
  config?: { middlewares?: unknown[] };
}
