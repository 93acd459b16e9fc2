/** Small helpers over Strapi's query engine shared by the repositories. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Strapi } from '../strapi/types';

/**
 * A `documentId` for rows the plugin writes on hot paths. Strapi fills a missing one with a cuid2, whose
 * SHA-3 hashing was 5 % of a SCIM create's CPU (bench/RESULTS.md); these rows are never addressed by
 * document id, so 24 random lower-case hex characters after a letter (cuid2's alphabet and length) do.
 */
export const newDocumentId = (): string => `d${randomBytes(12).toString('hex').slice(0, 23)}`;

/**
 * True for a unique-constraint violation on SQLite, PostgreSQL or MySQL. Two IdP requests racing to create
 * the same userName both pass the "does it exist" check; the unique index decides, and the loser gets 409.
 */
export function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: unknown; errno?: unknown; message?: unknown } | null;
  if (!candidate || typeof candidate !== 'object') return false;
  const code = String(candidate.code ?? '');
  if (code === '23505' /* postgres */ || code === 'ER_DUP_ENTRY' /* mysql */) return true;
  if (code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return typeof candidate.message === 'string' && /UNIQUE constraint failed|duplicate key value/i.test(candidate.message);
}

/** What the outermost of the plugin's transactions runs once it has really committed (see `inTransaction`). */
interface AfterCommit {
  callbacks: Array<() => void>;
  tasks: Array<() => Promise<unknown>>;
}
const afterCommit = new AsyncLocalStorage<AfterCommit>();

/**
 * Runs `work` in one database transaction; every `strapi.db.query` call inside joins it (Strapi keeps the
 * transaction in async-local storage), including Strapi's own admin-user service.
 */
export async function inTransaction<T>(strapi: Strapi, work: (transaction: TransactionHooks) => Promise<T>): Promise<T> {
  const outermost = !strapi.db.inTransaction();
  if (!outermost) {
    // Inside a transaction: the plugin's own outer one collects the callbacks; one Strapi started, Strapi does.
    return strapi.db.transaction(async ({ onCommit }: { onCommit: TransactionHooks['onCommit'] }) => {
      const outer = afterCommit.getStore();
      return work({
        onCommit: (callback) => (outer ? outer.callbacks.push(callback) : onCommit(callback)),
        whenCommitted: (task) => (outer ? outer.tasks.push(task) : onCommit(() => void runTask(strapi, task))),
      });
    }) as Promise<T>;
  }
  const hooks: AfterCommit = { callbacks: [], tasks: [] };
  let transactor: { executionPromise?: Promise<unknown> } | undefined;
  const result = await afterCommit.run(hooks, () =>
    strapi.db.transaction(async ({ trx }: { trx: typeof transactor }) => {
      transactor = trx;
      return work({ onCommit: (callback) => hooks.callbacks.push(callback), whenCommitted: (task) => hooks.tasks.push(task) });
    }) as Promise<T>
  );
  // Strapi 5.54 awaits knex's `trx.commit()`, which resolves even when the COMMIT itself fails (the database
  // went away at that moment): knex reports that only through the transaction's `executionPromise`. Without
  // this await, a write that never committed would be acknowledged (seen as a lost 201 in
  // test/integration/database-outage.test.ts) and its after-commit effects (invitation emails) would run;
  // with it, the request fails (503), the IdP retries, and nothing announces the write.
  if (transactor?.executionPromise) await transactor.executionPromise;
  for (const callback of hooks.callbacks) callback();
  for (const task of hooks.tasks) await runTask(strapi, task);
  return result;
}

/** An after-commit task that fails does not undo the committed write: it is logged (its caller has a way back). */
async function runTask(strapi: Strapi, task: () => Promise<unknown>): Promise<void> {
  try {
    await task();
  } catch (error) {
    strapi.log.warn(`[identity-bridge] work after a committed write failed: ${(error as Error)?.message ?? error}`);
  }
}

export interface TransactionHooks {
  /**
   * Runs `callback` once the outermost transaction has committed (never if it rolls back), outside any
   * transaction: for side effects such as emails that must not announce a write that did not happen.
   */
  onCommit(callback: () => void): void;
  /**
   * Awaits `task` once the outermost transaction has committed, before that transaction's caller goes on (a
   * SCIM request answers after it): for follow-up work that must not hold the write's row locks, such as
   * re-mapping the members of a group. A failure is logged, not thrown: the write stands.
   */
  whenCommitted(task: () => Promise<unknown>): void;
}

/** Strapi's `$in` with a very long list hits driver parameter limits; chunk look-ups instead. */
export async function findInChunks<Row>(
  ids: readonly (string | number)[],
  chunkSize: number,
  find: (chunk: (string | number)[]) => Promise<Row[]>
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; offset < ids.length; offset += chunkSize) {
    rows.push(...(await find(ids.slice(offset, offset + chunkSize))));
  }
  return rows;
}

export { insertRows } from '../strapi/insert-rows';

/**
 * Locks rows of `uid` for the rest of the current transaction (`SELECT … ORDER BY id FOR UPDATE`), in id order
 * so that two transactions locking overlapping sets cannot deadlock each other. Two instances writing one
 * resource then take turns: the second reads what the first committed, so a stale If-Match answers 412 and a
 * read-modify-write never loses the other's change. SQLite runs one write transaction at a time: nothing to do.
 * Call inside `inTransaction`.
 */
export async function lockRows(strapi: Strapi, uid: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0 || strapi.db.dialect.client === 'sqlite') return;
  const { tableName } = strapi.db.metadata.get(uid);
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  await strapi.db.transaction(async ({ trx }: { trx: any }) => {
    for (let offset = 0; offset < sorted.length; offset += 500) {
      await trx(tableName).select('id').whereIn('id', sorted.slice(offset, offset + 500)).orderBy('id').forUpdate();
    }
  });
}
