/**
 * The sign-in flow across its two requests, independent of HTTP details:
 * - start: a sign-in in progress is saved in the database (state digest → nonce, PKCE verifier, returnTo,
 *   sealed), bound to the browser by a random value whose digest it keeps (login CSRF: a callback URL made in
 *   another browser is refused);
 * - finish: the state is consumed exactly once (any instance), then the code is redeemed and the ID token
 *   verified, then the person is resolved to an admin user.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConnectionRegistry } from './connections/registry';
import { callbackPath, type Connection } from './connections/schema';
import { SsoError } from './errors';
import type { RelyingParty } from './oidc/relying-party';
import { validateReturnTo } from './return-to';
import type { SecretBox } from './secret-box';
import { oidcSignInInput, type SignIn, type SignInOutcome } from './sign-in';
import type { SsoStore } from './store';

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
export const newBrowserBinding = () => randomBytes(32).toString('base64url');

interface PendingSignIn {
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface FlowParts {
  connections: ConnectionRegistry;
  relyingParty: RelyingParty;
  signIn: SignIn;
  sso: SsoStore;
  box: SecretBox;
  loginTimeoutMinutes: number;
}

/** What a sign-in in progress is sealed under: its own state digest (OIDC state or SAML RelayState). */
export const loginStatePurpose = (stateDigest: string) => `sso-login-state:${stateDigest}`;

/**
 * Saves a sign-in in progress under the digest of its state: `pending` sealed, bound to the browser by the digest of
 * its binding value, expiring after the login timeout.
 */
export async function savePendingSignIn(
  parts: Pick<FlowParts, 'sso' | 'box' | 'loginTimeoutMinutes'>,
  input: { stateDigest: string; connectionId: string; browserBinding: string; pending: object }
): Promise<void> {
  await parts.sso.loginStates.save({
    stateDigest: input.stateDigest,
    connectionId: input.connectionId,
    browserDigest: digest(input.browserBinding),
    payload: parts.box.seal(JSON.stringify(input.pending), loginStatePurpose(input.stateDigest)),
    expiresAt: new Date(Date.now() + parts.loginTimeoutMinutes * 60_000),
  });
}

/** The enabled OIDC connection (a SAML connection has no OIDC callback). */
export async function requireProtocol<T extends 'oidc' | 'saml'>(connections: ConnectionRegistry, id: string, type: T): Promise<Extract<Connection, { type: T }>> {
  const connection = await connections.require(id);
  if (connection.type !== type) throw new SsoError('SSO_PROTOCOL_MISMATCH', `connection ${id} is ${connection.type}, not ${type}`);
  return connection as Extract<Connection, { type: T }>;
}

export function createSignInFlow(parts: FlowParts) {
  return {
    async start(input: {
      connectionId: string;
      origin: string;
      adminPath: string;
      returnTo: unknown;
      loginHint?: string;
      domainHint?: string;
      browserBinding: string;
    }): Promise<URL> {
      const connection = await requireProtocol(parts.connections, input.connectionId, 'oidc');
      const returnTo = validateReturnTo(input.returnTo, input.adminPath);
      const request = await parts.relyingParty.authorizationRequest(connection, `${input.origin}${callbackPath(connection.id)}`, {
        ...(input.loginHint ? { loginHint: input.loginHint } : {}),
        ...(input.domainHint ? { domainHint: input.domainHint } : {}),
      });
      const stateDigest = digest(request.state);
      const pending: PendingSignIn = { nonce: request.nonce, codeVerifier: request.codeVerifier, returnTo };
      await savePendingSignIn(parts, { stateDigest, connectionId: connection.id, browserBinding: input.browserBinding, pending });
      return request.url;
    },

    async finish(input: {
      connectionId: string;
      origin: string;
      query: URLSearchParams;
      browserBinding: string | undefined;
    }): Promise<SignInOutcome & { returnTo: string; idToken: string }> {
      const connection = await requireProtocol(parts.connections, input.connectionId, 'oidc');
      const state = input.query.get('state');
      // An IdP error answer still consumes the sign-in it belongs to, so it cannot be retried with it.
      if (!state) {
        if (input.query.get('error')) throw idpError(input.query);
        throw new SsoError('SSO_STATE_MISSING', 'callback without state');
      }
      const stateDigest = digest(state);
      const pendingRow = await parts.sso.loginStates.consume(stateDigest);
      if (!pendingRow) throw new SsoError('SSO_STATE_UNKNOWN', 'no sign-in in progress with this state (never started, already used, or pruned)');
      if (new Date(pendingRow.expiresAt).getTime() <= Date.now()) throw new SsoError('SSO_STATE_EXPIRED', 'the sign-in in progress expired');
      if (pendingRow.connectionId !== connection.id) {
        throw new SsoError('SSO_STATE_WRONG_CONNECTION', `state belongs to connection ${pendingRow.connectionId}, callback is for ${connection.id}`);
      }
      if (!input.browserBinding || digest(input.browserBinding) !== pendingRow.browserDigest) {
        throw new SsoError('SSO_STATE_WRONG_BROWSER', 'the browser-binding cookie is missing or belongs to another sign-in');
      }
      if (input.query.get('error')) throw idpError(input.query);
      const pending = JSON.parse(parts.box.open(pendingRow.payload, loginStatePurpose(stateDigest))) as PendingSignIn;
      // The URL openid-client checks the response against: our registered redirect URI plus the IdP's parameters.
      const callbackUrl = new URL(`${input.origin}${callbackPath(connection.id)}`);
      callbackUrl.search = input.query.toString();
      const verified = await parts.relyingParty.completeSignIn(connection, callbackUrl, { state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
      const outcome = await parts.signIn.resolve(connection, oidcSignInInput(connection, verified.claims));
      return { ...outcome, returnTo: pending.returnTo, idToken: verified.idToken };
    },
  };
}

/** The IdP's own refusal (`error`, `error_description`), shortened for the log; the description is not shown. */
function idpError(query: URLSearchParams): SsoError {
  const code = (query.get('error') ?? '').slice(0, 100);
  const description = (query.get('error_description') ?? '').slice(0, 300);
  return new SsoError('SSO_IDP_ERROR', `identity provider answered ${code}${description ? `: ${description}` : ''}`);
}

export type SignInFlow = ReturnType<typeof createSignInFlow>;
