/**
 * Re-maps people whose inputs changed without a SCIM write of their own: the rules changed, or a group
 * they are in was renamed, emptied or deleted. Work is a flag on each identity (`mappingStale`), so it
 * survives restarts and is shared by every Strapi instance: any instance may pick up any stale person,
 * and reconciling twice gives the same result.
 */
import { inTransaction, isDatabaseUnavailable, isRetryableConflict, type DirectoryStore } from '../directory';
import type { Strapi } from '../strapi/types';
import type { MappingRules } from './mapping-rules';
import type { Reconciler } from './reconcile';

const BATCH_SIZE = 100;
const SWEEP_MS = 15_000;
/** Attempts at re-mapping one person when the database picks the transaction as a deadlock victim. */
const CONFLICT_ATTEMPTS = 4;
/** Up to this many people are re-mapped before the SCIM request that changed their group answers. */
export const SYNCHRONOUS_REMAP_LIMIT = 200;

export function createRemapWorker(strapi: Strapi, store: DirectoryStore, rules: MappingRules, reconciler: Reconciler) {
  let draining: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  /**
   * Re-maps one person. A deadlock victim (two instances re-mapping people who share a group, or a SCIM write
   * meanwhile) is run again at once; a database that is away or still deadlocking leaves the person marked, for
   * the next pass on any instance — it is not their data's fault. Only a failure of the rules themselves is
   * recorded and set aside.
   */
  async function remapOne(identityId: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await inTransaction(strapi, async () => {
          // Locked first, as every SCIM write locks a person before their admin user: the same order everywhere.
          const identity = await store.identities.findByIdForUpdate(identityId);
          if (identity) await reconciler.reconcile(identity, await rules.current());
        });
        return;
      } catch (error) {
        if (isRetryableConflict(error) && attempt < CONFLICT_ATTEMPTS) continue;
        if (isRetryableConflict(error) || isDatabaseUnavailable(error)) return;
        await setAside(identityId, error as Error);
        return;
      }
    }
  }

  /**
   * A person the rules cannot be applied to (e.g. they would deactivate a Super Admin) must not block the
   * queue: record why, and leave them as they are until their data or the rules change again.
   */
  async function setAside(identityId: number, error: Error): Promise<void> {
    await store.identities.setBookkeeping(identityId, { mappingStale: false });
    await store.events.record({
      directoryId: null, tokenId: null, tokenName: null, method: 'REMAP', resourceType: 'User', resourceId: null,
      resourceName: `identity #${identityId}`, operation: 'remap', outcome: 'failure', status: 400, scimType: null,
      changed: null, detail: error.message.slice(0, 1000),
    });
  }

  /**
   * Passes over every stale person once, in id order (someone left stale by a passing fault is visited again
   * by the next pass, not in a loop); another pass follows when `kick` asked for one meanwhile.
   */
  async function drain(): Promise<void> {
    do {
      again = false;
      let after = 0;
      for (;;) {
        const batch = await store.identities.nextStale(BATCH_SIZE, after);
        if (batch.length === 0) break;
        for (const identity of batch) await remapOne(identity.id);
        after = batch[batch.length - 1]!.id;
      }
    } while (again);
  }

  return {
    /** Processes these people now (they were marked stale in the caller's transaction). */
    async remapNow(identityIds: number[]): Promise<void> {
      for (const id of identityIds) await remapOne(id);
    },

    /** Starts (or extends) a background pass over every stale person. */
    kick(): Promise<void> {
      if (draining) {
        again = true;
        return draining;
      }
      const run = drain()
        .catch((error: Error) => {
          strapi.log.warn(`[identity-bridge] re-mapping paused: ${error.message}`);
        })
        .finally(() => {
          draining = undefined;
        });
      draining = run;
      return run;
    },

    async progress(): Promise<{ pending: number; total: number; running: boolean }> {
      const [pending, total] = await Promise.all([store.identities.count({ mappingStale: true }), store.identities.count({})]);
      return { pending, total, running: draining !== undefined };
    },

    start() {
      timer = setInterval(() => void this.kick(), SWEEP_MS);
      timer.unref();
      void this.kick();
    },

    async stop() {
      if (timer) clearInterval(timer);
      await draining;
    },
  };
}

export type RemapWorker = ReturnType<typeof createRemapWorker>;
