/**
 * Every SSO connection: those declared in the plugin config (read-only) and those stored in the database
 * (managed through the admin API, client secret encrypted). A declared id wins over a stored one and cannot be
 * created, changed or deleted through the API (409).
 */
import { z } from 'zod';
import { SsoError } from '../errors';
import type { SecretBox } from '../secret-box';
import type { SsoStore, StoredConnection } from '../store';
import type { DeclaredConnection } from './declared';
import { oidcConnectionSchema, oidcConnectionUpdateSchema, type Connection, type OidcConnection } from './schema';

const secretPurpose = (connectionId: string) => `sso-connection:${connectionId}:clientSecret`;

/** What the admin API shows: never the secret, only whether one is set. */
export type ConnectionView = Omit<Connection, 'clientSecret'> & { clientSecretSet: boolean; readOnly: boolean };

export const viewOf = (connection: Connection): ConnectionView => {
  const { clientSecret, ...rest } = connection;
  return { ...rest, clientSecretSet: clientSecret !== '', readOnly: connection.source === 'config' };
};

export class ConnectionValidationError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid connection: ${errors.join('; ')}`);
  }
}

const issuesOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);

export function createConnectionRegistry(options: { declared: DeclaredConnection[]; store: SsoStore; box: SecretBox }) {
  const declared = new Map(options.declared.map((connection) => [connection.id, { ...connection, source: 'config' as const }]));

  /** A stored row back to a connection; a row that no longer validates is reported, not used. */
  function fromRow(row: StoredConnection): Connection {
    const parsed = oidcConnectionSchema.safeParse({
      ...row.settings,
      id: row.connectionId,
      type: row.type,
      name: row.name,
      enabled: row.enabled,
      clientSecret: row.secret ? options.box.open(row.secret, secretPurpose(row.connectionId)) : '',
    });
    if (!parsed.success) throw new SsoError('SSO_CONFIG_INVALID', `stored connection ${row.connectionId} is invalid: ${issuesOf(parsed.error).join('; ')}`);
    return { ...parsed.data, source: 'database' };
  }

  const rowOf = (connection: OidcConnection): Omit<StoredConnection, 'id'> => {
    const { id, type, name, enabled, clientSecret, ...settings } = connection;
    return { connectionId: id, type, name, enabled, settings, secret: options.box.seal(clientSecret, secretPurpose(id)) };
  };

  async function find(id: string): Promise<Connection | null> {
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

    /** Every connection; one whose stored secret cannot be read is listed without it (and cannot sign in). */
    async list(): Promise<ConnectionView[]> {
      const views: ConnectionView[] = [...declared.values()].map(viewOf);
      for (const row of await options.store.connections.list()) {
        if (declared.has(row.connectionId)) continue;
        try {
          views.push(viewOf(fromRow(row)));
        } catch (error) {
          views.push({
            ...(row.settings as Omit<OidcConnection, 'id' | 'type' | 'name' | 'enabled' | 'clientSecret'>),
            id: row.connectionId,
            type: 'oidc',
            name: row.name,
            enabled: row.enabled,
            source: 'database',
            readOnly: false,
            clientSecretSet: false,
            ...({ problem: (error as Error).message } as object),
          });
        }
      }
      return views;
    },

    async create(input: unknown): Promise<ConnectionView> {
      const parsed = oidcConnectionSchema.safeParse(input);
      if (!parsed.success) throw new ConnectionValidationError(issuesOf(parsed.error));
      refuseDeclared(parsed.data.id);
      const outcome = await options.store.connections.create(rowOf(parsed.data));
      if (outcome === 'exists') throw new ConnectionValidationError([`id: a connection "${parsed.data.id}" already exists`]);
      return viewOf({ ...parsed.data, source: 'database' });
    },

    /** Full update; `clientSecret` may be left out to keep the stored one. Returns null when unknown. */
    async update(id: string, input: unknown): Promise<ConnectionView | null> {
      refuseDeclared(id);
      const current = await find(id);
      if (!current) return null;
      const shape = oidcConnectionUpdateSchema.safeParse(input);
      if (!shape.success) throw new ConnectionValidationError(issuesOf(shape.error));
      const parsed = oidcConnectionSchema.safeParse({ ...shape.data, id, clientSecret: shape.data.clientSecret ?? current.clientSecret });
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
