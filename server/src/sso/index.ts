/**
 * Single sign-on into the Strapi admin panel: wiring of the SSO parts for one Strapi instance. Protocol
 * modules (oidc/, saml/ via saml-sign-in.ts) verify a sign-in; everything after — binding, JIT, mapping, the session, the
 * login method policy — is shared here.
 */
import type { Context, Next } from 'koa';
import type { PluginConfig } from '../config';
import type { DirectoryStore } from '../directory';
import type { AdminUsersAdapter } from '../strapi/admin-users';
import { createAdminSessions, type PasswordRoute } from '../strapi/admin-session';
import type { Strapi } from '../strapi/types';
import type { AdminUserBinding } from '../sync/admin-user-binding';
import type { MappingRules } from '../sync/mapping-rules';
import { createConnectionRegistry } from './connections/registry';
import { createSignInFlow } from './flow';
import { EMPTY_LOGIN_POLICY, isSsoOnly, loginPolicyProblem, loginPolicySchema, mayUsePassword, type LoginPolicy } from './login-policy';
import { createRelyingParty } from './oidc/relying-party';
import { createSecretBox, resolveEncryptionKey } from './secret-box';
import { createSamlSingleLogout } from './saml-logout';
import { createSamlSignIn } from './saml-sign-in';
import { createSignIn } from './sign-in';
import { createSsoStore } from './store';

export const LOGIN_POLICY_SETTING_KEY = 'sso-login-policy';

export class LoginPolicyError extends Error {
  constructor(message: string, readonly status: 400 | 409) {
    super(message);
  }
}

export function createSso(
  strapi: Strapi,
  deps: { config: PluginConfig; store: DirectoryStore; adminUsers: AdminUsersAdapter; binding: AdminUserBinding; rules: MappingRules }
) {
  const box = createSecretBox(
    resolveEncryptionKey({
      ...(deps.config.sso.encryptionKey ? { configured: deps.config.sso.encryptionKey } : {}),
      ...(process.env.IDENTITY_BRIDGE_ENCRYPTION_KEY ? { environment: process.env.IDENTITY_BRIDGE_ENCRYPTION_KEY } : {}),
      ...(strapi.config.get('admin.auth.secret') ? { adminAuthSecret: String(strapi.config.get('admin.auth.secret')) } : {}),
    })
  );
  const sso = createSsoStore(strapi);
  const sessions = createAdminSessions(strapi);
  const connections = createConnectionRegistry({ declared: deps.config.connections, store: sso, box });
  const relyingParty = createRelyingParty();
  const signIn = createSignIn({ ...deps, sso, clearRegistrationToken: sessions.clearRegistrationToken });
  const flow = createSignInFlow({ connections, relyingParty, signIn, sso, box, loginTimeoutMinutes: deps.config.sso.loginTimeoutMinutes });
  const saml = createSamlSignIn({
    connections,
    sso,
    signIn,
    box,
    loginTimeoutMinutes: deps.config.sso.loginTimeoutMinutes,
    log: { warn: (message) => strapi.log.warn(`[identity-bridge] ${message}`) },
  });
  const samlLogout = createSamlSingleLogout({ connections, saml, sso, adminUsers: deps.adminUsers, loginTimeoutMinutes: deps.config.sso.loginTimeoutMinutes });

  const declaredPolicy = deps.config.sso.loginPolicy;
  const loginPolicy = {
    readOnly: declaredPolicy !== undefined,
    async current(): Promise<LoginPolicy> {
      if (declaredPolicy) return declaredPolicy;
      return (await deps.store.settings.get<LoginPolicy>(LOGIN_POLICY_SETTING_KEY))?.value ?? EMPTY_LOGIN_POLICY;
    },
    /** Saves a policy; refuses one that would lock every Super Admin out of password sign-in (break-glass). */
    async save(input: unknown): Promise<LoginPolicy> {
      if (declaredPolicy) throw new LoginPolicyError('the login policy is declared in the plugin configuration (sso.loginPolicy)', 409);
      const parsed = loginPolicySchema.safeParse(input);
      if (!parsed.success) throw new LoginPolicyError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '), 400);
      const problem = loginPolicyProblem(parsed.data, await sessions.superAdminSubjects());
      if (problem) throw new LoginPolicyError(problem, 409);
      const stored = await deps.store.settings.get<LoginPolicy>(LOGIN_POLICY_SETTING_KEY);
      await deps.store.settings.put(LOGIN_POLICY_SETTING_KEY, parsed.data, stored?.version ?? 0);
      return parsed.data;
    },
  };

  /**
   * In front of Strapi's password routes: SSO-only admin users cannot sign in, ask for a reset link, reset or
   * register a password. Forgot-password answers 204 as Strapi does for unknown emails (no hint either way).
   */
  async function guardPasswordRoute(ctx: Context, next: Next, route: PasswordRoute) {
    const body = ((ctx.request as { body?: Record<string, unknown> }).body ?? {}) as Record<string, unknown>;
    const where =
      route === 'login' || route === 'forgot-password'
        ? typeof body.email === 'string' ? { email: body.email.trim().toLowerCase() } : null
        : route === 'reset-password'
          ? typeof body.resetPasswordToken === 'string' && body.resetPasswordToken !== '' ? { resetPasswordToken: body.resetPasswordToken } : null
          : typeof body.registrationToken === 'string' && body.registrationToken !== '' ? { registrationToken: body.registrationToken } : null;
    const subject = where ? await sessions.policySubject(where) : null;
    if (!subject) return next();
    const policy = await loginPolicy.current();
    // The Super Admin list (a join over every admin user) is read only for someone the policy makes SSO-only:
    // reading it on every password login made Strapi's own login slower as the directory grew (31.8 ms at 20k).
    if (!isSsoOnly(subject, policy)) return next();
    if (mayUsePassword(subject, policy, await sessions.superAdminSubjects())) return next();
    await deps.store.events.record({
      directoryId: null, tokenId: null, tokenName: null, method: 'POST', resourceType: 'AdminUser', resourceId: String(subject.id),
      resourceName: subject.email, operation: `sso-only-${route}`, outcome: 'failure', status: 403, scimType: null, changed: null,
      detail: `password ${route} refused: the user must sign in through single sign-on`,
    });
    if (route === 'forgot-password') {
      ctx.status = 204;
      return;
    }
    ctx.status = 403;
    ctx.body = {
      data: null,
      error: {
        status: 403,
        name: 'ForbiddenError',
        message: 'This account signs in through single sign-on only. Use your organisation’s sign-in button.',
        details: { code: 'SSO_ONLY' },
      },
    };
  }

  /**
   * A login policy declared in the config is checked once the database is up: one that leaves no Super Admin
   * able to use a password stops Strapi (a fresh project without any Super Admin yet is let through).
   */
  async function checkDeclaredLoginPolicy(): Promise<void> {
    if (!declaredPolicy) return;
    const superAdmins = await sessions.superAdminSubjects();
    if (superAdmins.length === 0) return;
    const problem = loginPolicyProblem(declaredPolicy, superAdmins);
    if (problem) throw new Error(`sso.loginPolicy: ${problem}`);
  }

  return { box, ssoStore: sso, sessions, connections, relyingParty, signIn, flow, saml, samlLogout, loginPolicy, guardPasswordRoute, checkDeclaredLoginPolicy };
}

export type Sso = ReturnType<typeof createSso>;
