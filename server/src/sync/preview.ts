/**
 * "What would change for whom" before new rules are saved: every identity is evaluated with the proposed
 * rules and compared with what the rules in force last gave it. Nothing is written.
 */
import { diffMappings, evaluateMapping, factsFromScim, isNoChange, type MappingChange, type MappingResult } from '../mapping';
import type { DirectoryStore, MappingSnapshot } from '../directory';
import type { MappingSettings } from './mapping-rules';

export interface PreviewEntry {
  identityId: number;
  directoryId: number;
  userName: string;
  change: MappingChange;
}

export interface MappingPreview {
  total: number;
  changed: number;
  deactivated: number;
  reactivated: number;
  /** How many people gain / lose each role. */
  rolesAdded: Record<string, number>;
  rolesRemoved: Record<string, number>;
  /** The first `limit` people who change. */
  changes: PreviewEntry[];
  truncated: boolean;
}

const asResult = (snapshot: MappingSnapshot): MappingResult => ({
  roles: snapshot.roles,
  folders: snapshot.folders,
  metadata: snapshot.metadata,
  active: snapshot.active,
  rules: [],
  notes: [],
});

const count = (tally: Record<string, number>, keys: string[]) => keys.forEach((key) => (tally[key] = (tally[key] ?? 0) + 1));

export async function previewMapping(store: DirectoryStore, proposed: MappingSettings, limit = 200): Promise<MappingPreview> {
  const preview: MappingPreview = { total: 0, changed: 0, deactivated: 0, reactivated: 0, rolesAdded: {}, rolesRemoved: {}, changes: [], truncated: false };
  for await (const batch of store.identities.batches(500)) {
    const memberships = await store.groups.groupsOfIdentities(batch.map((identity) => identity.id));
    for (const identity of batch) {
      preview.total += 1;
      const facts = factsFromScim(identity.data ?? {}, memberships.get(identity.id) ?? [], proposed.attributes);
      const after = evaluateMapping(facts, proposed.policy, proposed.attributes);
      const change = diffMappings(identity.mapping ? asResult(identity.mapping) : null, after);
      if (isNoChange(change)) continue;
      preview.changed += 1;
      count(preview.rolesAdded, change.rolesAdded);
      count(preview.rolesRemoved, change.rolesRemoved);
      if (change.activation === 'deactivated') preview.deactivated += 1;
      if (change.activation === 'reactivated') preview.reactivated += 1;
      if (preview.changes.length < limit) {
        preview.changes.push({ identityId: identity.id, directoryId: identity.directoryId, userName: identity.userName, change });
      } else {
        preview.truncated = true;
      }
    }
  }
  return preview;
}
