/**
 * A real OpenID provider (panva's oidc-provider) on 127.0.0.1 that issues Microsoft Entra ID-shaped tokens:
 * issuer `http://127.0.0.1:{port}/{tenant}/v2.0`, `tid`, `oid`, a pairwise `sub`, `groups` (object ids),
 * `roles` (app roles), an `extension_{appId}_{name}` directory-extension claim, and an overage user whose
 * token carries `_claim_names`/`_claim_sources` instead of `groups`.
 *
 * Driven headlessly: its login interaction signs in the account named by `login_hint` (no form), and grants
 * are created on the fly (auto-consent).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Directory-extension claims are named after the app registration's client id without dashes. */
export const EXTENSION_APP_ID = '8d1c3a3e5f0b4b7e9a2f1c6d4e5b7a90';
export const DEPARTMENT_CLAIM = `extension_${EXTENSION_APP_ID}_department`;

export interface TestAccount {
  /** The login_hint that signs this account in. */
  login: string;
  oid: string;
  tid?: string;
  email?: string;
  givenName?: string;
  familyName?: string;
  groups?: string[];
  roles?: string[];
  department?: string;
  /** Send `_claim_names` for groups instead of the groups (Entra's overage above 200 groups). */
  overage?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  origin: string;
  tenantId: string;
  accounts: Map<string, TestAccount>;
  /** Replaces an account's claims (for "claims changed at the IdP" tests). */
  setAccount(account: TestAccount): void;
  close(): Promise<void>;
}

const nativeRequire = (process as unknown as { getBuiltinModule(name: string): typeof import('node:module') })
  .getBuiltinModule('node:module')
  .createRequire(__filename);

/**
 * oidc-provider checks its configuration with `Object.getPrototypeOf(x) === Object.prototype`; objects made
 * inside Jest's sandbox have another realm's prototype. Plain objects are rebuilt in Node's main realm.
 */
const mainRealmObjectPrototype = (nativeRequire('node:vm') as typeof import('node:vm')).runInThisContext('Object.prototype') as object;
function inMainRealm<T>(value: T): T {
  if (Array.isArray(value)) return value.map(inMainRealm) as T;
  if (value === null || typeof value !== 'object' || value instanceof URL) return value;
  const copy = Object.create(mainRealmObjectPrototype) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) copy[key] = inMainRealm(item);
  return copy as T;
}

export async function startOidcProvider(options: {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  accounts: TestAccount[];
}): Promise<TestOidcProvider> {
  // oidc-provider is ES modules only; Node's own require loads it (Jest's cannot).
  const { default: Provider } = nativeRequire('oidc-provider') as { default: new (issuer: string, config: unknown) => any };
  const accounts = new Map(options.accounts.map((account) => [account.login, account]));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const mountPath = `/${options.tenantId}/v2.0`;
  const issuer = `${origin}${mountPath}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  const salt = randomBytes(8).toString('hex');

  const claimsOf = (account: TestAccount, sub: string) => {
    const tid = account.tid ?? options.tenantId;
    return {
      sub,
      oid: account.oid,
      tid,
      ver: '2.0',
      email: account.email,
      name: [account.givenName, account.familyName].filter(Boolean).join(' ') || undefined,
      given_name: account.givenName,
      family_name: account.familyName,
      preferred_username: account.email ?? account.login,
      roles: account.roles,
      [DEPARTMENT_CLAIM]: account.department,
      ...(account.overage
        ? {
            _claim_names: { groups: 'src1' },
            _claim_sources: { src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${account.oid}/getMemberObjects` } },
          }
        : { groups: account.groups }),
    };
  };

  const provider = new Provider(issuer, inMainRealm({
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
        subject_type: 'pairwise',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    // Entra puts everything in the ID token; oidc-provider would otherwise keep scope claims for userinfo.
    conformIdTokenClaims: false,
    subjectTypes: ['public', 'pairwise'],
    // Entra's `sub` is pairwise per application: derived from the account and the client's sector.
    pairwiseIdentifier: async (_ctx: unknown, accountId: string, client: { sectorIdentifier: string }) =>
      createHash('sha256').update(`${accountId}:${client.sectorIdentifier}:${salt}`).digest('base64url'),
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'oid', 'tid', 'ver', 'groups', 'roles', DEPARTMENT_CLAIM, '_claim_names', '_claim_sources'],
      email: ['email'],
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${mountPath}/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async (_use: string, _scope: string, _claims: unknown, _rejected: unknown, sub?: string) => claimsOf(accounts.get(id) ?? account, sub ?? id) };
    },
    // Auto-consent: every client gets a grant for what it asked.
    async loadExistingGrant(ctx: any) {
      const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  }));
  provider.on('server_error', (_ctx: unknown, error: Error) => {
    // eslint-disable-next-line no-console
    console.error('test oidc-provider error', error);
  });
  const callback = provider.callback();

  server.on('request', async (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    try {
      if (!req.url?.startsWith(mountPath)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      if (req.url.startsWith(`${mountPath}/interaction/`)) {
        // The headless login: the account named by login_hint signs in; an unknown one is refused. Without a
        // login_hint (a person clicking "Sign in with …" in a browser) a sign-in form asks for the account.
        const details = await provider.interactionDetails(req, res);
        let login = String(details.params.login_hint ?? '');
        if (!login && req.method === 'GET') {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(
            `<!doctype html><title>Test IdP sign-in</title><form method="post"><label>Account <input name="login" autocomplete="username"></label>` +
              `<button type="submit">Sign in</button></form>`
          );
          return;
        }
        if (!login) {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          login = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('login') ?? '';
        }
        const result = accounts.has(login)
          ? { login: { accountId: login } }
          : { error: 'access_denied', error_description: 'unknown test account' };
        await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
        return;
      }
      req.originalUrl = req.url;
      req.url = req.url.slice(mountPath.length) || '/';
      callback(req, res);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    issuer,
    origin,
    tenantId: options.tenantId,
    accounts,
    setAccount: (account) => accounts.set(account.login, account),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
