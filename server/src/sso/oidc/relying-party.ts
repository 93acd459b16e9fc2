/**
 * The OIDC relying party: authorization code flow with PKCE (S256), state and nonce, on openid-client 6.
 *
 * What openid-client leaves to us, and where it is closed:
 * - it does not verify the ID token's signature unless asked: `enableNonRepudiationChecks` (every config);
 * - the signing algorithm is pinned per connection (`id_token_signed_response_alg`), so `alg: none` and
 *   HS256-with-the-public-key tokens fail the algorithm check before any key is tried;
 * - plain-http issuers only on loopback (`allowInsecureRequests`);
 * - Entra's multi-tenant authorities accept any tenant: `checkEntraTenant` after the token checks.
 */
import { createHash } from 'node:crypto';
import { checkEntraTenant, entraAuthorityOf } from '../entra';
import { SsoError } from '../errors';
import { isLoopbackHttp, providerKindOf, type OidcConnectionEntry as Connection } from '../connections/schema';
import { openIdClient } from './library';
import type { Configuration } from 'openid-client';

/** Discovery is cached per connection settings for this long; keys rotate through the JWKS cache anyway. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const HTTP_TIMEOUT_SECONDS = 10;

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface VerifiedSignIn {
  claims: Record<string, unknown>;
  idToken: string;
}

export function createRelyingParty() {
  const discovered = new Map<string, { config: Promise<Configuration>; until: number }>();

  const cacheKey = (connection: Connection) =>
    createHash('sha256')
      .update(JSON.stringify([connection.id, connection.issuer, connection.clientId, connection.clientSecret, connection.idTokenSigningAlg, connection.clockToleranceSeconds]))
      .digest('base64url');

  async function discover(connection: Connection): Promise<Configuration> {
    const client = openIdClient();
    const issuer = new URL(connection.issuer);
    const insecure = isLoopbackHttp(issuer);
    try {
      const config = await client.discovery(
        issuer,
        connection.clientId,
        {
          id_token_signed_response_alg: connection.idTokenSigningAlg,
          [client.clockTolerance]: connection.clockToleranceSeconds,
        },
        client.ClientSecretPost(connection.clientSecret),
        {
          timeout: HTTP_TIMEOUT_SECONDS,
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        }
      );
      client.enableNonRepudiationChecks(config);
      config.timeout = HTTP_TIMEOUT_SECONDS;
      return config;
    } catch (error) {
      throw new SsoError('SSO_DISCOVERY_FAILED', `discovery of ${connection.issuer} failed: ${describe(error)}`);
    }
  }

  function configuration(connection: Connection): Promise<Configuration> {
    const key = cacheKey(connection);
    const cached = discovered.get(key);
    if (cached && cached.until > Date.now()) return cached.config;
    const config = discover(connection);
    discovered.set(key, { config, until: Date.now() + DISCOVERY_TTL_MS });
    // A failed discovery is not cached: the next sign-in tries again.
    config.catch(() => discovered.delete(key));
    return config;
  }

  return {
    async authorizationRequest(connection: Connection, redirectUri: string, hints: { loginHint?: string; domainHint?: string }): Promise<AuthorizationRequest> {
      const client = openIdClient();
      const config = await configuration(connection);
      const state = client.randomState();
      const nonce = client.randomNonce();
      const codeVerifier = client.randomPKCECodeVerifier();
      const parameters: Record<string, string> = {
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: connection.scopes.join(' '),
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      };
      if (hints.loginHint) parameters.login_hint = hints.loginHint;
      // Entra: `domain_hint` skips the account picker's home-realm discovery.
      if (hints.domainHint && providerKindOf(connection.issuer, connection.provider) === 'entra') parameters.domain_hint = hints.domainHint;
      return { url: client.buildAuthorizationUrl(config, parameters), state, nonce, codeVerifier };
    },

    /**
     * Redeems the code and verifies the ID token: signature (against the IdP's JWKS), issuer, audience,
     * expiry and issued-at with the connection's clock tolerance, nonce, state, PKCE; then the Entra tenant.
     */
    async completeSignIn(
      connection: Connection,
      callbackUrl: URL,
      expected: { state: string; nonce: string; codeVerifier: string }
    ): Promise<VerifiedSignIn> {
      const client = openIdClient();
      const config = await configuration(connection);
      let claims: Record<string, unknown> | undefined;
      let idToken: string | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        });
        const raw = tokens.claims();
        // Re-parsed as plain JSON: claims are JSON by definition, and the copy belongs to this module's realm
        // (openid-client may be loaded through another module system; plain-object checks compare prototypes).
        claims = raw ? (JSON.parse(JSON.stringify(raw)) as Record<string, unknown>) : undefined;
        idToken = tokens.id_token;
      } catch (error) {
        throw new SsoError('SSO_TOKEN_REJECTED', `token response refused: ${describe(error)}`);
      }
      if (!claims || !idToken) throw new SsoError('SSO_TOKEN_REJECTED', 'no ID token in the token response');
      if (providerKindOf(connection.issuer, connection.provider) === 'entra') {
        checkEntraTenant(entraAuthorityOf(connection.issuer), connection.allowedTenants, claims);
      }
      return { claims, idToken };
    },

    /** The IdP's end-session URL (RP-initiated logout), or null when it offers none. */
    async endSessionUrl(connection: Connection, postLogoutRedirectUri: string, idTokenHint: string | null): Promise<URL | null> {
      const client = openIdClient();
      const config = await configuration(connection);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(config, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        client_id: connection.clientId,
        ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
      });
    },

    /** Drops cached discovery (after a connection changed). */
    forgetAll() {
      discovered.clear();
    },
  };
}

/**
 * An error's code and message for the log, with its cause's message (oauth4webapi's fixed texts such as
 * `unexpected JWT "alg" header parameter`); never the cause itself, which may hold a response body with tokens.
 */
function describe(error: unknown): string {
  const candidate = error as { code?: unknown; message?: unknown; error?: unknown; error_description?: unknown; cause?: unknown };
  // Duck-typed: the library may live in another realm (see library.ts), where `instanceof Error` fails.
  const rawCause = candidate?.cause as { name?: unknown; message?: unknown } | undefined;
  const cause = rawCause && typeof rawCause.name === 'string' && typeof rawCause.message === 'string' ? { message: rawCause.message } : null;
  const parts = [candidate?.code, candidate?.error, candidate?.message, candidate?.error_description, cause?.message].filter(
    (part): part is string => typeof part === 'string'
  );
  return parts.map((part) => part.slice(0, 300)).join(' — ') || 'unknown error';
}

export type RelyingParty = ReturnType<typeof createRelyingParty>;
