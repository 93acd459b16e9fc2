/**
 * Deprovision safety. A wrong scoping filter or an emptied group in the IdP can deactivate hundreds of
 * people in one provisioning cycle; no IdP guards against it on the receiving side. Each deactivation and
 * deletion is counted per directory; above the configured count or share within the window, further ones
 * are held as `staged` for an admin to approve or reject, and nothing is changed for those people meanwhile.
 *
 * Call inside the write's transaction, so the count and the write commit together.
 */
import type { PluginConfig } from '../config';
import type { DeprovisionCause, DeprovisionKind, DirectoryStore } from '../directory';

export type DeprovisionDecision = 'apply' | 'stage';

export function createDeprovisionGuard(store: DirectoryStore, safety: PluginConfig['deprovisionSafety']) {
  async function wouldExceed(directoryId: number, now: number): Promise<boolean> {
    const since = new Date(now - safety.windowMinutes * 60_000);
    const applied = (await store.deprovisions.appliedSince(directoryId, since)) + 1;
    if (applied > safety.maxCount) return true;
    const population = await store.identities.count({ directoryId });
    return population >= safety.minDirectorySize && applied / population > safety.maxShare;
  }

  return {
    /**
     * Withdraws a staged entry its cause has since contradicted: the IdP wants the person active again, or
     * the rules let them in again.
     */
    async withdraw(identityId: number, kind: DeprovisionKind, cause: DeprovisionCause = 'identity-provider'): Promise<void> {
      const staged = await store.deprovisions.stagedFor(identityId, kind, cause);
      if (staged) {
        await store.deprovisions.decide(staged.id, 'rejected', cause === 'mapping-rules' ? 'mapping rules (superseded)' : 'identity provider (superseded)');
      }
    },

    async decide(
      request: { directoryId: number; identityId: number; userName: string; tokenName: string | null; cause?: DeprovisionCause },
      kind: DeprovisionKind,
      now = Date.now()
    ): Promise<DeprovisionDecision> {
      const cause = request.cause ?? 'identity-provider';
      const entry = { ...request, cause, kind };
      if (!safety.enabled) {
        await store.deprovisions.record({ ...entry, status: 'applied' });
        return 'apply';
      }
      // Already waiting: the IdP retries every cycle; one staged entry per person is enough.
      if (await store.deprovisions.stagedFor(request.identityId, kind, cause)) return 'stage';
      const stage = await wouldExceed(request.directoryId, now);
      await store.deprovisions.record({ ...entry, status: stage ? 'staged' : 'applied' });
      return stage ? 'stage' : 'apply';
    },
  };
}

export type DeprovisionGuard = ReturnType<typeof createDeprovisionGuard>;
