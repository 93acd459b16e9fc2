/**
 * From a verified sign-in to the Strapi admin user it may open a session for — or a coded refusal.
 *
 * 1. Bound identity: issuer + subject (Entra: tid + oid) already bound → that admin user.
 * 2. Not bound, an admin user has the token's email: link only if SCIM provisioned that user with that email
 *    in the directory the connection names (`directory`), or the connection is trusted for email (`trustEmail`,
 *    and the IdP did not say the email is unverified). Otherwise refuse: no silent takeover of a local account.
 * 3. Nobody has the email: create the admin user when the connection allows JIT, else refuse.
 * Then the mapping rules run on the facts (SCIM's where it carries them, the claims' otherwise — see
 * facts-precedence.ts) and roles are re-synced, on every sign-in. Inactive users, and people the rules do not
 * let in, are refused before anything is created or a session exists.
 */
import { evaluateMapping, factsFromClaims, factsFromScim, type ClaimsOptions } from '../mapping';
import type { DirectoryStore } from '../directory';
import type { AdminUsersAdapter } from '../strapi/admin-users';
import type { AdminUserBinding } from '../sync/admin-user-binding';
import type { MappingRules } from '../sync/mapping-rules';
import { adminProfileOf } from '../sync/reconcile';
import { ScimError } from '../scim/errors';
import { providerKindOf, type Connection, type OidcConnection } from './connections/schema';
import { SsoError } from './errors';
import { combineFacts } from './facts-precedence';
import { signInIdentityOf, type SignInIdentity } from './identity-claims';
import type { SsoStore } from './store';

export interface SignInParts {
  store: DirectoryStore;
  sso: SsoStore;
  adminUsers: AdminUsersAdapter;
  binding: AdminUserBinding;
  rules: MappingRules;
  /** Removes the registration link of an admin user created here (they sign in through the IdP). */
  clearRegistrationToken(adminUserId: number): Promise<void>;
}

export interface SignInOutcome {
  adminUserId: number;
  email: string | null;
  created: boolean;
  /** Facts worth a log line (groups overage, how the identity was linked). */
  notes: string[];
}

/**
 * What a verified sign-in says, protocol-neutral: OIDC builds it from the ID token (`oidcSignInInput`), SAML from
 * the verified assertion (saml-sign-in.ts).
 */
export interface SignInInput {
  /** Who the person is: the binding key (issuer + subject) and the profile of a new admin user. */
  identity: SignInIdentity;
  /** Flat claims the mapping rules read (claim/attribute name → value or values). */
  claims: Record<string, unknown>;
  /** Which claims carry groups, roles and the user type. */
  claimsOptions: ClaimsOptions;
}

/** The OIDC sign-in input from verified ID token claims. */
export function oidcSignInInput(connection: OidcConnection, claims: Record<string, unknown>): SignInInput {
  return {
    identity: signInIdentityOf(claims, providerKindOf(connection.issuer, connection.provider)),
    claims,
    claimsOptions: claimsOptionsOf(connection),
  };
}

export function claimsOptionsOf(connection: OidcConnection): ClaimsOptions {
  const kind = providerKindOf(connection.issuer, connection.provider);
  return {
    ...(connection.groupsClaim ? { groupsClaim: connection.groupsClaim } : {}),
    // Entra puts group object ids in `groups` (they equal SCIM groups' externalId); Okta puts group names.
    groupsClaimValues: connection.groupsClaimValues ?? (kind === 'entra' ? 'externalId' : 'displayName'),
    ...(connection.rolesClaim ? { rolesClaim: connection.rolesClaim } : {}),
    ...(connection.userTypeClaim ? { userTypeClaim: connection.userTypeClaim } : {}),
  };
}

export function createSignIn(parts: SignInParts) {
  const { store, sso, adminUsers, binding, rules } = parts;

  async function directoryIdOf(connection: Connection): Promise<number | null> {
    if (!connection.directory) return null;
    const directories = await store.directories.list();
    const directory = directories.find((candidate) => candidate.name === connection.directory);
    if (!directory) throw new SsoError('SSO_CONFIG_INVALID', `connection ${connection.id} names directory "${connection.directory}", which does not exist`);
    return directory.id;
  }

  return {
    async resolve(connection: Connection, input: SignInInput): Promise<SignInOutcome> {
      const { identity, claims } = input;
      const notes: string[] = [];
      const mapping = await rules.current();

      let link = await sso.identities.find(identity.issuer, identity.subject);
      let user = link ? await adminUsers.findById(link.adminUserId) : null;
      if (link && !user) {
        // The admin user was deleted since: the old binding means nothing any more.
        await sso.identities.delete(link.id);
        link = null;
      }

      if (!user) {
        if (!identity.email) throw new SsoError('SSO_EMAIL_MISSING', 'the sign-in carries no usable email (OIDC: email, or preferred_username for Entra; SAML: the email attribute or an email NameID)');
        const holder = await adminUsers.findByEmail(identity.email);
        if (holder) {
          const provisioned = await store.identities.findByAdminUserId(holder.id);
          const directoryId = await directoryIdOf(connection);
          // SCIM vouches only for its own directory: the connection must name the directory that provisions the
          // same people (`directory`). Without it, any IdP that can put a provisioned person's email in a token
          // (another connection, a test tenant) could take that account over.
          const scimVouches =
            provisioned !== null && directoryId !== null && provisioned.directoryId === directoryId && provisioned.emailLower === identity.email;
          const trusted = connection.trustEmail && identity.emailVerified !== false;
          if (!scimVouches && !trusted) {
            throw new SsoError(
              'SSO_EMAIL_IN_USE',
              `admin user #${holder.id} has email ${identity.email} but is not bound to ${identity.issuer} ${identity.subject}; ` +
                'not linked (the connection does not trust emails and SCIM did not provision that user)'
            );
          }
          notes.push(scimVouches ? `linked to the admin user SCIM provisioned in directory "${connection.directory}"` : 'linked by email (trustEmail)');
          user = holder;
        }
      }

      const provisioned = user ? await store.identities.findByAdminUserId(user.id) : null;
      const memberOf = provisioned ? (await store.groups.groupsOfIdentities([provisioned.id])).get(provisioned.id) ?? [] : [];
      const scimFacts = provisioned ? factsFromScim(provisioned.data ?? {}, memberOf, mapping.attributes) : null;
      const facts = combineFacts(scimFacts, factsFromClaims(claims, mapping.attributes, input.claimsOptions));
      if (identity.groupsOverage) {
        // Entra groups overage: the token lists no groups. Not a failure — SCIM memberships (when provisioned)
        // stand in; otherwise group rules see no groups at this sign-in.
        notes.push(provisioned ? 'groups overage in the token: SCIM group memberships used' : 'groups overage in the token and no SCIM identity: no groups known');
      }
      const result = evaluateMapping(facts, mapping.policy, mapping.attributes);

      if (user && !user.isActive) throw new SsoError('SSO_USER_INACTIVE', `admin user #${user.id} is deactivated`);
      if (provisioned && provisioned.data?.active === false) throw new SsoError('SSO_USER_INACTIVE', `SCIM identity ${provisioned.scimId} is inactive`);
      if (!result.active) throw new SsoError('SSO_RULES_DENY', `no mapping rule lets ${identity.email ?? identity.subject} in (${result.notes.join('; ')})`);

      const roles = mapping.managesRoles ? result.roles : undefined;
      let created = false;
      try {
        if (!user) {
          if (!connection.jit) throw new SsoError('SSO_NOT_PROVISIONED', `no admin user for ${identity.email} and JIT is off for ${connection.id}`);
          const adminUserId = await binding.bind(
            { email: identity.email as string, firstname: identity.firstname, lastname: identity.lastname, active: true },
            roles
          );
          await parts.clearRegistrationToken(adminUserId);
          created = true;
          notes.push('admin user created (JIT)');
          user = await adminUsers.findById(adminUserId);
          if (!user) throw new SsoError('SSO_SESSION_FAILED', `admin user #${adminUserId} vanished after creation`);
        } else if (provisioned) {
          // SCIM is the source of the profile; the sign-in re-syncs roles only.
          await binding.sync(user.id, { ...adminProfileOf(provisioned.data ?? {}), active: true }, roles);
        } else {
          await binding.sync(
            user.id,
            { email: identity.email ?? user.email, firstname: identity.firstname ?? user.firstname, lastname: identity.lastname ?? user.lastname, active: true },
            roles
          );
        }
      } catch (error) {
        if (error instanceof ScimError) throw new SsoError('SSO_EMAIL_IN_USE', `admin user update refused: ${error.message}`);
        throw error;
      }

      if (!link) {
        const bound = await sso.identities.bind({ connectionId: connection.id, issuer: identity.issuer, subject: identity.subject, adminUserId: user.id, email: identity.email });
        if (bound.adminUserId !== user.id) throw new SsoError('SSO_SESSION_FAILED', 'a concurrent sign-in bound this identity to another admin user');
      } else {
        await sso.identities.touch(link.id, identity.email);
      }
      return { adminUserId: user.id, email: identity.email, created, notes };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
