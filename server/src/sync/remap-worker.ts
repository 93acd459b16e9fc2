/**
 * Re-maps people whose inputs changed without a SCIM write of their own: the rules changed, or a group
 * they are in was renamed, emptied or deleted. Work is a flag on each identity (`mappingStale`), so it
 * survives restarts and is shared by every Strapi instance: any instance may pick up any stale person,
 * and reconciling twice gives the same result.
 */
import { inTransaction, type DirectoryStore } from '../directory';
import type { Strapi } from '../strapi/types';
import type { MappingRules } from './mapping-rules';
import type { Reconciler } from './reconcile';

const BATCH_SIZE = 100;
const SWEEP_MS = 15_000;
/** Up to this many people are re-mapped before the SCIM request that changed their group answers. */
export const SYNCHRONOUS_REMAP_LIMIT = 200;

export function createRemapWorker(strapi: Strapi, store: DirectoryStore, rules: MappingRules, reconciler: Reconciler) {
  let draining: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function remapOne(identityId: number): Promise<void> {
    try {
      await inTransaction(strapi, async () => {
        // Locked first, as every SCIM write locks a person before their admin user: the same order everywhere.
        const identity = await store.identities.findByIdForUpdate(identityId);
        if (identity) await reconciler.reconcile(identity, await rules.current());
      });
    } catch (error) {
      // A person the rules cannot be applied to (e.g. they would deactivate a Super Admin) must not block the
      // queue: record why, and leave them as they are until their data or the rules change again.
      await store.identities.setBookkeeping(identityId, { mappingStale: false });
      await store.events.record({
        directoryId: null, tokenId: null, tokenName: null, method: 'REMAP', resourceType: 'User', resourceId: null,
        resourceName: `identity #${identityId}`, operation: 'remap', outcome: 'failure', status: 400, scimType: null,
        changed: null, detail: (error as Error).message.slice(0, 1000),
      });
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const batch = await store.identities.nextStale(BATCH_SIZE);
        if (batch.length === 0) break;
        for (const identity of batch) await remapOne(identity.id);
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
