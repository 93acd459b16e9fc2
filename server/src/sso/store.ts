/** The SSO tables, over Strapi's query engine only (no SQL strings: the same code runs on SQLite and PostgreSQL). */
import { UID } from '../content-types';
import { isUniqueViolation, newDocumentId } from '../directory/database';
import type { Strapi } from '../strapi/types';
import type { SamlReplayStore, SamlRequestStore } from './saml';

export interface StoredConnection {
  id: number;
  connectionId: string;
  type: string;
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  secret: string | null;
}

export interface SsoIdentityRecord {
  id: number;
  connectionId: string;
  issuer: string;
  subject: string;
  adminUserId: number;
  email: string | null;
}

export interface LoginStateRecord {
  stateDigest: string;
  connectionId: string;
  browserDigest: string;
  payload: string;
  expiresAt: string | Date;
}

const CONNECTION_FIELDS = ['id', 'connectionId', 'type', 'name', 'enabled', 'settings', 'secret'];
const IDENTITY_FIELDS = ['id', 'connectionId', 'issuer', 'subject', 'adminUserId', 'email'];

export function createSsoStore(strapi: Strapi) {
  const connections = () => strapi.db.query(UID.ssoConnection);
  const identities = () => strapi.db.query(UID.ssoIdentity);
  const states = () => strapi.db.query(UID.ssoLoginState);
  const samlRequests = () => strapi.db.query(UID.ssoSamlRequest);
  const samlAssertions = () => strapi.db.query(UID.ssoSamlAssertion);
  const samlSubjects = () => strapi.db.query(UID.ssoSamlSubject);

  /** InResponseTo cache: consume-once is ONE delete of the unexpired row; only the caller that removed it wins. */
  const samlRequestStore: SamlRequestStore = {
    async save({ scope, requestId, expiresAt }) {
      await samlRequests().createMany({ data: [{ scope, requestId, expiresAt, documentId: newDocumentId() }] });
    },
    async take({ scope, requestId, now }) {
      const result = (await samlRequests().deleteMany({ where: { scope, requestId, expiresAt: { $gt: now } } })) as { count: number };
      return result.count === 1;
    },
  };

  /**
   * Assertion ids: set-if-absent is an insert the unique (scope, assertion_id) index decides. A conflict means
   * the assertion was seen before — refused even if that row expired and awaits pruning (the assertion is then
   * past its NotOnOrAfter anyway). Never check-then-insert: two concurrent copies would both pass.
   */
  const samlReplayStore: SamlReplayStore = {
    async setIfAbsent({ scope, assertionId, expiresAt }) {
      try {
        await samlAssertions().createMany({ data: [{ scope, assertionId, expiresAt, documentId: newDocumentId() }] });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
  };

  return {
    connections: {
      list: () => connections().findMany({ select: CONNECTION_FIELDS, orderBy: { connectionId: 'asc' } }) as Promise<StoredConnection[]>,
      find: (connectionId: string) =>
        connections().findOne({ where: { connectionId }, select: CONNECTION_FIELDS }) as Promise<StoredConnection | null>,
      async create(row: Omit<StoredConnection, 'id'>): Promise<'created' | 'exists'> {
        try {
          await connections().create({ data: row });
          return 'created';
        } catch (error) {
          if (isUniqueViolation(error)) return 'exists';
          throw error;
        }
      },
      async update(connectionId: string, data: Partial<Omit<StoredConnection, 'id' | 'connectionId'>>): Promise<boolean> {
        const result = (await connections().updateMany({ where: { connectionId }, data })) as { count: number };
        return result.count > 0;
      },
      async delete(connectionId: string): Promise<boolean> {
        const result = (await connections().deleteMany({ where: { connectionId } })) as { count: number };
        return result.count > 0;
      },
      /** Merges one key into a stored connection's settings (fetched SAML metadata); false when the row is gone. */
      async putSetting(connectionId: string, key: string, value: unknown): Promise<boolean> {
        const row = (await connections().findOne({ where: { connectionId }, select: ['id', 'settings'] })) as { id: number; settings: Record<string, unknown> | null } | null;
        if (!row) return false;
        await connections().update({ where: { id: row.id }, data: { settings: { ...(row.settings ?? {}), [key]: value } } });
        return true;
      },
    },

    saml: { requests: samlRequestStore, replays: samlReplayStore },

    /** NameID (digest) → admin user, per SAML sign-in: how an IdP's LogoutRequest finds whom to sign out. */
    samlSubjects: {
      async remember(row: { connectionId: string; nameIdDigest: string; adminUserId: number; expiresAt: Date }) {
        await samlSubjects().createMany({ data: [{ ...row, documentId: newDocumentId() }] });
      },
      /** The admin users signed in under this NameID (unexpired rows), removing every row of it. */
      async takeAll(connectionId: string, nameIdDigest: string, now = new Date()): Promise<number[]> {
        const rows = (await samlSubjects().findMany({ where: { connectionId, nameIdDigest, expiresAt: { $gt: now } }, select: ['adminUserId'] })) as { adminUserId: number }[];
        await samlSubjects().deleteMany({ where: { connectionId, nameIdDigest } });
        return [...new Set(rows.map((row) => Number(row.adminUserId)))];
      },
    },

    identities: {
      find: (issuer: string, subject: string) =>
        identities().findOne({ where: { issuer, subject }, select: IDENTITY_FIELDS }) as Promise<SsoIdentityRecord | null>,
      findByAdminUserId: (adminUserId: number) =>
        identities().findMany({ where: { adminUserId }, select: IDENTITY_FIELDS }) as Promise<SsoIdentityRecord[]>,
      /** Binds; if a racing sign-in bound the same issuer + subject first, returns that binding instead. */
      async bind(row: Omit<SsoIdentityRecord, 'id'>): Promise<SsoIdentityRecord> {
        try {
          await identities().createMany({ data: [{ ...row, lastSignInAt: new Date(), documentId: newDocumentId() }] });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        const bound = await identities().findOne({ where: { issuer: row.issuer, subject: row.subject }, select: IDENTITY_FIELDS });
        return bound as SsoIdentityRecord;
      },
      async touch(id: number, email: string | null) {
        await identities().updateMany({ where: { id }, data: { lastSignInAt: new Date(), email } });
      },
      async delete(id: number) {
        await identities().deleteMany({ where: { id } });
      },
    },

    loginStates: {
      async save(row: LoginStateRecord) {
        await states().createMany({ data: [{ ...row, documentId: newDocumentId() }] });
      },
      /**
       * Takes a sign-in in progress out of the store, once. Two callbacks with the same state may both read the
       * row; only the one whose delete removed it (count 1) proceeds — the database decides, on any instance.
       */
      async consume(stateDigest: string): Promise<LoginStateRecord | null> {
        const row = (await states().findOne({
          where: { stateDigest },
          select: ['stateDigest', 'connectionId', 'browserDigest', 'payload', 'expiresAt'],
        })) as LoginStateRecord | null;
        if (!row) return null;
        const deleted = (await states().deleteMany({ where: { stateDigest } })) as { count: number };
        return deleted.count === 1 ? row : null;
      },
      /** Expired sign-ins in progress, SAML request and assertion ids, and signed-in NameIDs (the state-pruning sweep). */
      async prune(now = new Date()): Promise<number> {
        let removed = 0;
        for (const table of [states(), samlRequests(), samlAssertions(), samlSubjects()]) {
          const result = (await table.deleteMany({ where: { expiresAt: { $lt: now } } })) as { count: number };
          removed += result.count;
        }
        return removed;
      },
    },
  };
}

export type SsoStore = ReturnType<typeof createSsoStore>;
