/**
 * An "evil" OpenID provider on 127.0.0.1: real discovery, JWKS and token endpoints, but the ID token it returns
 * is whatever the test crafts (signed with `jose`): wrong issuer or audience, expired, `alg: none`, HS256 keyed
 * with the public key, a signature by a key not in the JWKS, a foreign tenant, a wrong nonce. Its authorization
 * endpoint answers at once with a code (no login), remembering the nonce the relying party sent.
 */
import { randomBytes, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, type JWTPayload } from 'jose';

export interface TokenContext {
  issuer: string;
  clientId: string;
  nonce: string;
  tenantId: string;
  /** The provider's published signing key (private) and its public half. */
  signingKey: KeyObject;
  publicKey: KeyObject;
}

/** Builds the ID token for one token request. */
export type CraftIdToken = (context: TokenContext) => Promise<string>;

export interface EvilProvider {
  issuer: string;
  tenantId: string;
  clientId: string;
  /** What the next token responses carry. */
  craft: CraftIdToken;
  close(): Promise<void>;
}

export const base64url = (input: string | Buffer) => Buffer.from(input).toString('base64url');

/** The claims a genuine token of the evil provider would carry. */
export function genuineClaims(context: TokenContext, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: context.issuer,
    aud: context.clientId,
    sub: 'evil-pairwise-sub',
    oid: '0f0f0f0f-1111-2222-3333-444444444444',
    tid: context.tenantId,
    email: 'mallory@contoso.example',
    given_name: 'Mallory',
    family_name: 'Evil',
    nonce: context.nonce,
    iat: now,
    nbf: now,
    exp: now + 600,
    ...overrides,
  };
}

export const signGenuine = (context: TokenContext, overrides: JWTPayload = {}) =>
  new SignJWT(genuineClaims(context, overrides)).setProtectedHeader({ alg: 'RS256', kid: 'evil-key' }).sign(context.signingKey);

export async function startEvilProvider(options: { tenantId: string; clientId: string }): Promise<EvilProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const base = `/${options.tenantId}/v2.0`;
  const issuer = `http://127.0.0.1:${port}${base}`;
  const nonces = new Map<string, string>();
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'evil-key', use: 'sig', alg: 'RS256' };

  const provider: EvilProvider = {
    issuer,
    tenantId: options.tenantId,
    clientId: options.clientId,
    craft: (context) => signGenuine(context),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === `${base}/.well-known/openid-configuration`) {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === `${base}/jwks`) return json(200, { keys: [publicJwk] });
    if (url.pathname === `${base}/authorize`) {
      const code = randomBytes(16).toString('hex');
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      res.end();
      return;
    }
    if (url.pathname === `${base}/token` && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const code = form.get('code') ?? '';
        const nonce = nonces.get(code);
        nonces.delete(code);
        if (nonce === undefined) return json(400, { error: 'invalid_grant' });
        try {
          const idToken = await provider.craft({ issuer, clientId: options.clientId, nonce, tenantId: options.tenantId, signingKey: privateKey, publicKey });
          json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 3600, id_token: idToken });
        } catch (error) {
          json(500, { error: 'server_error', error_description: String(error) });
        }
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });

  return provider;
}
