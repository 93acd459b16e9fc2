/**
 * Proof that requests are answered through indexes: every SELECT a request sends to the plugin's tables is
 * captured and EXPLAINed by the database itself (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN with sequential
 * scans disabled, so a plan can only avoid one by using an index).
 */
import type { TestApp } from './app';

export interface CapturedQuery {
  sql: string;
  bindings: unknown[];
}

const isPostgres = () => process.env.DATABASE_CLIENT === 'postgres';

/** The SELECTs on tables matching `tables` that `action` sends. */
export async function captureQueries(app: TestApp, action: () => Promise<unknown>, tables = /ib_(identities|identity_values|groups|memberships)/): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) => {
    if (tables.test(query.sql) && /^\s*select/i.test(query.sql)) captured.push({ sql: query.sql, bindings: query.bindings ?? [] });
  };
  app.strapi.db.connection.on('query', listener);
  try {
    await action();
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
  return captured;
}

export async function explain(app: TestApp, query: CapturedQuery): Promise<string> {
  const knex = app.strapi.db.connection;
  if (isPostgres()) {
    return knex.transaction(async (trx: any) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      // The query event shows PostgreSQL's $n placeholders; knex.raw takes `?`.
      const result = await trx.raw(`EXPLAIN ${query.sql.replace(/\$\d+/g, '?')}`, query.bindings);
      return result.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
    });
  }
  const rows = await knex.raw(`EXPLAIN QUERY PLAN ${query.sql}`, query.bindings);
  return rows.map((row: { detail: string }) => row.detail).join('\n');
}

/** A plan line that walks a whole plugin table. */
export const tableScan = () => (isPostgres() ? /Seq Scan on ib_/ : /^SCAN ib_/m);

/** An index condition on `column`: the database seeks to the rows instead of filtering a walk over them. */
export const seeksOn = (column: string) =>
  isPostgres() ? new RegExp(`Index Cond: [^\\n]*\\b${column}\\b`) : new RegExp(`USING (COVERING )?INDEX \\w+ \\([^)]*\\b${column}\\b`);
