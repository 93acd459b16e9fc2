/**
 * Every SSO connection: those declared in the plugin config (read-only) and those stored in the database
 * (managed through the admin API, secrets encrypted). A declared id wins over a stored one and cannot be
 * created, changed or deleted through the API (409).
 *
 * Two protocols share the table: `type: 'oidc'` (secret: clientSecret) and `type: 'saml'` (secret: the optional
 * SP signing key `spPrivateKey`). A SAML row may also carry the IdP metadata fetched from `idpMetadataUrl`
 * (`settings._idpMetadata`: the parsed result and when it was fetched), which is not part of the connection.
 */
import { z } from 'zod';
import { SsoError } from '../errors';
import type { SecretBox } from '../secret-box';
import type { SsoStore, StoredConnection } from '../store';
import type { DeclaredConnection } from './declared';
import {
  CONNECTION_ID_PATTERN,
  oidcConnectionSchema,
  oidcConnectionUpdateSchema,
  samlConnectionSchema,
  samlConnectionUpdateSchema,
  type Connection,
  type OidcConnection,
  type SamlConnection,
} from './schema';

/** Where fetched IdP metadata is cached on a stored SAML connection's `settings`. */
export const METADATA_CACHE_KEY = '_idpMetadata';

const SECRET_KEY = { oidc: 'clientSecret', saml: 'spPrivateKey' } as const;
const secretPurpose = (connectionId: string, type: 'oidc' | 'saml') => `sso-connection:${connectionId}:${SECRET_KEY[type]}`;

/** What the admin API shows: never a secret, only whether one is set. */
export type ConnectionView =
  | (Omit<OidcConnection, 'clientSecret'> & { source: Connection['source']; clientSecretSet: boolean; readOnly: boolean })
  | (Omit<SamlConnection, 'spPrivateKey'> & { source: Connection['source']; spPrivateKeySet: boolean; readOnly: boolean });

export const viewOf = (connection: Connection): ConnectionView => {
  if (connection.type === 'saml') {
    const { spPrivateKey, ...rest } = connection;
    return { ...rest, spPrivateKeySet: spPrivateKey !== undefined && spPrivateKey !== '', readOnly: connection.source === 'config' };
  }
  const { clientSecret, ...rest } = connection;
  return { ...rest, clientSecretSet: clientSecret !== '', readOnly: connection.source === 'config' };
};

export class ConnectionValidationError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid connection: ${errors.join('; ')}`);
  }
}

const issuesOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);

type ConnectionType = 'oidc' | 'saml';
const typeOf = (input: unknown): ConnectionType | null => {
  const type = (input as { type?: unknown } | null)?.type;
  return type === 'oidc' || type === 'saml' ? type : null;
};

function parseConnection(input: unknown): z.SafeParseReturnType<unknown, OidcConnection | SamlConnection> {
  return typeOf(input) === 'saml' ? samlConnectionSchema.safeParse(input) : oidcConnectionSchema.safeParse(input);
}

export function createConnectionRegistry(options: { declared: DeclaredConnection[]; store: SsoStore; box: SecretBox }) {
  const declared = new Map<string, Connection>(options.declared.map((connection) => [connection.id, { ...connection, source: 'config' as const }]));

  const settingsOf = (row: StoredConnection): Record<string, unknown> => {
    const { [METADATA_CACHE_KEY]: _cache, ...settings } = row.settings ?? {};
    return settings;
  };

  /** A stored row back to a connection; a row that no longer validates is reported, not used. */
  function fromRow(row: StoredConnection): Connection {
    const type: ConnectionType = row.type === 'saml' ? 'saml' : 'oidc';
    const secret = row.secret ? options.box.open(row.secret, secretPurpose(row.connectionId, type)) : '';
    const parsed = parseConnection({
      ...settingsOf(row),
      id: row.connectionId,
      type: row.type,
      name: row.name,
      enabled: row.enabled,
      ...(type === 'oidc' ? { clientSecret: secret } : secret !== '' ? { spPrivateKey: secret } : {}),
    });
    if (!parsed.success) throw new SsoError('SSO_CONFIG_INVALID', `stored connection ${row.connectionId} is invalid: ${issuesOf(parsed.error).join('; ')}`);
    return { ...parsed.data, source: 'database' };
  }

  const rowOf = (connection: OidcConnection | SamlConnection): Omit<StoredConnection, 'id'> => {
    if (connection.type === 'saml') {
      const { id, type, name, enabled, spPrivateKey, ...settings } = connection;
      return { connectionId: id, type, name, enabled, settings, secret: spPrivateKey ? options.box.seal(spPrivateKey, secretPurpose(id, 'saml')) : null };
    }
    const { id, type, name, enabled, clientSecret, ...settings } = connection;
    return { connectionId: id, type, name, enabled, settings, secret: options.box.seal(clientSecret, secretPurpose(id, 'oidc')) };
  };

  async function find(id: string): Promise<Connection | null> {
    // No connection can have an id outside the pattern; such a text (`%00` in a URL…) never reaches the database.
    if (!CONNECTION_ID_PATTERN.test(id)) return null;
    const fromConfig = declared.get(id);
    if (fromConfig) return fromConfig;
    const row = await options.store.connections.find(id);
    return row ? fromRow(row) : null;
  }

  const refuseDeclared = (id: string) => {
    if (declared.has(id)) throw new SsoError('SSO_CONNECTION_READ_ONLY', `connection ${id} is declared in the plugin configuration`);
  };

  return {
    find,

    /** The enabled connection for a sign-in, or a coded refusal. */
    async require(id: string): Promise<Connection> {
      const connection = await find(id);
      if (!connection) throw new SsoError('SSO_CONNECTION_UNKNOWN', `no connection ${id}`);
      if (!connection.enabled) throw new SsoError('SSO_CONNECTION_DISABLED', `connection ${id} is disabled`);
      return connection;
    },

    /** Whether `id` is declared in the plugin config (its fetched metadata cannot be kept on a row). */
    isDeclared: (id: string) => declared.has(id),

    /** Every connection; one whose stored secret cannot be read is listed without it (and cannot sign in). */
    async list(): Promise<ConnectionView[]> {
      const views: ConnectionView[] = [...declared.values()].map(viewOf);
      for (const row of await options.store.connections.list()) {
        if (declared.has(row.connectionId)) continue;
        try {
          views.push(viewOf(fromRow(row)));
        } catch (error) {
          const { clientSecret: _secret, spPrivateKey: _key, ...settings } = settingsOf(row);
          views.push({
            ...(settings as Omit<OidcConnection, 'id' | 'type' | 'name' | 'enabled' | 'clientSecret'>),
            id: row.connectionId,
            type: 'oidc',
            name: row.name,
            enabled: row.enabled,
            source: 'database',
            readOnly: false,
            clientSecretSet: false,
            ...({ type: row.type === 'saml' ? 'saml' : 'oidc', problem: (error as Error).message } as object),
          });
        }
      }
      return views;
    },

    /** One connection's view, or null. */
    async view(id: string): Promise<ConnectionView | null> {
      const connection = await find(id);
      return connection ? viewOf(connection) : null;
    },

    async create(input: unknown): Promise<ConnectionView> {
      if (!typeOf(input)) throw new ConnectionValidationError(['type: must be one of: "oidc", "saml"']);
      const parsed = parseConnection(input);
      if (!parsed.success) throw new ConnectionValidationError(issuesOf(parsed.error));
      refuseDeclared(parsed.data.id);
      const outcome = await options.store.connections.create(rowOf(parsed.data));
      if (outcome === 'exists') throw new ConnectionValidationError([`id: a connection "${parsed.data.id}" already exists`]);
      return viewOf({ ...parsed.data, source: 'database' });
    },

    /**
     * Full update; the secret (`clientSecret`, `spPrivateKey`) may be left out to keep the stored one. The type
     * cannot change. Returns null when unknown.
     */
    async update(id: string, input: unknown): Promise<ConnectionView | null> {
      refuseDeclared(id);
      const current = await find(id);
      if (!current) return null;
      const type = typeOf(input) ?? current.type;
      if (type !== current.type) throw new ConnectionValidationError([`type: connection ${id} is ${current.type}; create a new connection to change the protocol`]);
      let parsed: z.SafeParseReturnType<unknown, OidcConnection | SamlConnection>;
      if (current.type === 'saml') {
        const shape = samlConnectionUpdateSchema.safeParse({ type: 'saml', ...(input as object) });
        if (!shape.success) throw new ConnectionValidationError(issuesOf(shape.error));
        const key = shape.data.spPrivateKey ?? current.spPrivateKey;
        parsed = samlConnectionSchema.safeParse({ ...shape.data, id, ...(key !== undefined && shape.data.spCertificate !== undefined ? { spPrivateKey: key } : {}) });
      } else {
        const shape = oidcConnectionUpdateSchema.safeParse(input);
        if (!shape.success) throw new ConnectionValidationError(issuesOf(shape.error));
        parsed = oidcConnectionSchema.safeParse({ ...shape.data, id, clientSecret: shape.data.clientSecret ?? current.clientSecret });
      }
      if (!parsed.success) throw new ConnectionValidationError(issuesOf(parsed.error));
      const { connectionId: _id, ...row } = rowOf(parsed.data);
      await options.store.connections.update(id, row);
      return viewOf({ ...parsed.data, source: 'database' });
    },

    async setEnabled(id: string, enabled: boolean): Promise<ConnectionView | null> {
      refuseDeclared(id);
      if (!(await options.store.connections.update(id, { enabled }))) return null;
      const updated = await find(id);
      return updated ? viewOf(updated) : null;
    },

    async delete(id: string): Promise<boolean> {
      refuseDeclared(id);
      return options.store.connections.delete(id);
    },
  };
}

export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;
