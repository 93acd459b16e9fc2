/**
 * SAML single logout, wired into the SSO core: the framework-free logout module (saml/logout.ts) gets the
 * connection's IdP (same metadata and pinned certificates as sign-in), the database-backed stores and our SLO URL.
 *
 * - SP-initiated: after the Strapi session has ended, `startLogout` builds a LogoutRequest for the NameID and
 *   SessionIndex of the browser's sign-in (kept in a sealed cookie by the controller) when the IdP offers single
 *   logout over HTTP-Redirect; otherwise there is nothing to do at the IdP.
 * - At `/api/sso/{id}/slo`: the IdP's LogoutResponse (matched once to our request) just ends the round trip; its
 *   LogoutRequest (signed, fresh, first seen) revokes every Strapi session of the admin users signed in under that
 *   NameID, through the admin-users adapter (`revokeSessions` → `invalidateRefreshToken(userId)`), and is answered.
 */
import type { AdminUsersAdapter } from '../strapi/admin-users';
import type { ConnectionRegistry } from './connections/registry';
import { sloPath, type SamlConnectionEntry } from './connections/schema';
import { SsoError } from './errors';
import { requireProtocol } from './flow';
import { createSamlLogout, type SamlError, type SamlLogout, type SamlLogoutSubject } from './saml';
import { nameIdDigest, refusingSamlErrors, samlRefusal, type SamlSignIn } from './saml-sign-in';
import type { SsoStore } from './store';

export interface SamlLogoutParts {
  connections: ConnectionRegistry;
  saml: SamlSignIn;
  sso: SsoStore;
  adminUsers: Pick<AdminUsersAdapter, 'revokeSessions'>;
  loginTimeoutMinutes: number;
}

export type SloOutcome =
  | { kind: 'logout-confirmed' }
  /** `redirectUrl`: the LogoutResponse to the IdP, or null when its metadata names no SLO endpoint to answer at. */
  | { kind: 'logout-requested'; revokedAdminUserIds: number[]; redirectUrl: string | null };

/** A refused logout message as a coded SSO refusal (the SamlError code is the reason). */
export function sloRefusal(error: SamlError): SsoError {
  const base = samlRefusal(error);
  if (base.code !== 'SSO_SAML_REJECTED') return base;
  return new SsoError(
    'SSO_SAML_REJECTED',
    base.message.replace(/^SAML response refused/, 'SAML logout message refused'),
    'The single sign-out message could not be verified, so it changed nothing here. If you were signing out, your Strapi session has ended; sign out of your identity provider separately.',
    base.status,
    error.code
  );
}

export function createSamlSingleLogout(parts: SamlLogoutParts) {
  async function logoutOf(connection: SamlConnectionEntry, origin: string): Promise<SamlLogout> {
    const idp = await parts.saml.idp(connection);
    // The SP sends LogoutRequests by redirect only. Entra (`https://login.microsoftonline.com/{tid}/saml2`) and Okta
    // both list an HTTP-Redirect SingleLogoutService; metadata cached before `sloBinding` existed held Redirect first.
    const redirectSlo = idp.sloUrl !== undefined && (idp.sloBinding ?? 'HTTP-Redirect') === 'HTTP-Redirect';
    return refusingSamlErrors(() =>
      createSamlLogout(
        {
          connectionId: connection.id,
          spEntityId: connection.spEntityId,
          sloUrl: `${origin}${sloPath(connection.id)}`,
          idp: {
            entityId: idp.entityId,
            ...(redirectSlo ? { sloUrl: idp.sloUrl as string } : {}),
            ...(redirectSlo && idp.sloResponseUrl ? { sloResponseUrl: idp.sloResponseUrl } : {}),
            certificates: idp.certificates,
          },
          clockSkewMs: connection.clockSkewSeconds * 1000,
          requestTtlMs: parts.loginTimeoutMinutes * 60_000,
          // Okta requires signed LogoutRequests: its app's Single Logout needs this SP's certificate uploaded, so
          // SP-initiated SLO to Okta works only with `spPrivateKey` + `spCertificate` set on the connection.
          ...(connection.spPrivateKey && connection.spCertificate ? { signing: { privateKey: connection.spPrivateKey, certificate: connection.spCertificate } } : {}),
        },
        parts.sso.saml
      )
    );
  }

  return {
    /**
     * The IdP hand-over of an SP-initiated logout (the Strapi session has already ended): a redirect URL carrying a
     * LogoutRequest, or null when the IdP offers no single logout or this browser's sign-in is not known.
     */
    async startLogout(input: { connectionId: string; origin: string; subject: SamlLogoutSubject | null }): Promise<string | null> {
      const connection = await requireProtocol(parts.connections, input.connectionId, 'saml');
      const { subject } = input;
      if (!subject) return null;
      const logout = await logoutOf(connection, input.origin);
      if (!logout.idpSupportsSlo) return null;
      return (await refusingSamlErrors(() => logout.createLogoutRequest(subject), sloRefusal)).redirectUrl;
    },

    /** What arrived at the SLO endpoint. Throws a coded `SsoError` on any refusal, having revoked nothing. */
    async receive(input: {
      connectionId: string;
      origin: string;
      message: { binding: 'HTTP-Redirect'; rawQuery: string } | { binding: 'HTTP-POST'; body: Record<string, unknown> };
    }): Promise<SloOutcome> {
      const connection = await requireProtocol(parts.connections, input.connectionId, 'saml');
      const logout = await logoutOf(connection, input.origin);
      const message = await refusingSamlErrors(() => logout.readMessage(input.message), sloRefusal);
      if (message.kind === 'LogoutResponse') return { kind: 'logout-confirmed' };

      const request = message.request;
      // Every session of each admin user signed in under that NameID ends (the IdP's SessionIndex names its own
      // session, which maps to all of the person's sessions here: Strapi cannot tell which browser it was).
      const adminUserIds = await parts.sso.samlSubjects.takeAll(connection.id, nameIdDigest(connection.id, request.nameId));
      for (const adminUserId of adminUserIds) await parts.adminUsers.revokeSessions(adminUserId);
      const redirectUrl = await refusingSamlErrors(() => logout.createLogoutResponse(request, adminUserIds.length > 0 ? 'success' : 'unknown-principal'), sloRefusal);
      return { kind: 'logout-requested', revokedAdminUserIds: adminUserIds, redirectUrl };
    },
  };
}

export type SamlSingleLogout = ReturnType<typeof createSamlSingleLogout>;
