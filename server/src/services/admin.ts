/** What the admin API (and the demo app) does with directories, tokens and the provisioning log. */
import type { Strapi } from '../strapi/types';
import { pluginContext } from '../plugin-context';
import { UID } from '../content-types';
import type { EventQuery } from '../directory';
import { csvLine } from '../export/csv';
import { previewMapping } from '../sync/preview';
import { MappingValidationError, validateMappingSettings, type MappingSettings } from '../sync/mapping-rules';

const OUTCOMES = ['success', 'failure', 'staged'] as const;
const LAST_EVENT_FIELDS = ['id', 'directoryId', 'tokenId', 'tokenName', 'method', 'resourceType', 'resourceName', 'operation', 'outcome', 'status', 'createdAt'];

/** At most this many rows per CSV export (a clear cap instead of an unbounded download); narrow by time for more. */
export const EVENT_EXPORT_LIMIT = 50_000;
const EVENT_CSV_COLUMNS = [
  'createdAt', 'directoryId', 'tokenName', 'method', 'operation', 'resourceType', 'resourceName', 'resourceId', 'outcome',
  'status', 'scimType', 'changed', 'detail',
] as const;

/** The roles Strapi's admin creates on a new database (codes are stable across versions). */
const STRAPI_BUILT_IN_ROLES = ['strapi-super-admin', 'strapi-editor', 'strapi-author'];

export default ({ strapi }: { strapi: Strapi }) => {
  const context = () => pluginContext(strapi);

  return {
    scimBasePath: () => context().config.scim.basePath,
    defaultDirectory: () => context().store.directories.ensureDefault(),

    listDirectories: () => context().store.directories.list(),
    createDirectory: (data: { name: string; description?: string | null }) => context().store.directories.create(data),
    updateDirectory: (id: number, data: { name?: string; description?: string | null }) => context().store.directories.update(id, data),
    async deleteDirectory(id: number) {
      const { store } = context();
      const directory = await store.directories.findById(id);
      if (!directory) return { deleted: false, reason: 'not found' as const };
      if (directory.isDefault) return { deleted: false, reason: 'default' as const };
      const [identities, groups] = await Promise.all([
        store.identities.count({ directoryId: id }),
        store.groups.count({ directoryId: id }),
      ]);
      if (identities + groups > 0) return { deleted: false, reason: 'not empty' as const };
      for (const token of await store.tokens.list({ directoryId: id })) await store.tokens.revoke(token.id);
      await store.directories.delete(id);
      return { deleted: true as const };
    },

    async listTokens(query: { directoryId?: number; revoked?: boolean; page: number; pageSize: number }) {
      const { rows, total } = await context().store.tokens.page(
        { ...(query.directoryId !== undefined ? { directoryId: query.directoryId } : {}), ...(query.revoked !== undefined ? { revoked: query.revoked } : {}) },
        (query.page - 1) * query.pageSize,
        query.pageSize
      );
      return { data: rows, pagination: { page: query.page, pageSize: query.pageSize, total, pageCount: Math.ceil(total / query.pageSize) } };
    },
    createToken: (data: { name: string; description?: string | null; directoryId: number }) => context().store.tokens.create(data),
    revokeToken: (id: number) => context().store.tokens.revoke(id),

    queryEvents: (query: EventQuery) => context().store.events.query(query),

    /**
     * The provisioning log as CSV, newest first, with the list's filters: `rows` streams it 500 at a time, never
     * more than EVENT_EXPORT_LIMIT rows (`total` says how many matched, so the caller can say it was cut).
     */
    async exportEvents(query: Omit<EventQuery, 'page' | 'pageSize'>) {
      const { store } = context();
      const total = await store.events.count(query);
      async function* rows(): AsyncGenerator<string> {
        yield csvLine(EVENT_CSV_COLUMNS);
        for await (const batch of store.events.batches(query, 500, EVENT_EXPORT_LIMIT)) {
          yield batch
            .map((event) =>
              csvLine(EVENT_CSV_COLUMNS.map((column) => (column === 'changed' && Array.isArray(event.changed) ? event.changed.join('; ') : event[column])))
            )
            .join('');
        }
      }
      return { total, limit: EVENT_EXPORT_LIMIT, truncated: total > EVENT_EXPORT_LIMIT, rows: rows() };
    },

    /**
     * SCIM activity since `hours` ago: logged requests (every write and every failure; successful reads are not
     * logged) counted by outcome, the last logged one, and the last use of a token (reads included: `lastUsedAt`).
     * Every query is bounded by `createdAt >= since` (index ib_events_created_idx) — no scan of the whole log.
     * SSO sign-in entries and admin decisions, which share the log, are left out.
     */
    async provisioningStatus(hours: number, directoryId?: number, now = Date.now()) {
      const since = new Date(now - hours * 60 * 60 * 1000);
      const events = strapi.db.query(UID.event);
      const scim: Record<string, unknown>[] = [
        { createdAt: { $gte: since } },
        ...(directoryId !== undefined ? [{ directoryId }] : []),
        { method: { $ne: 'ADMIN' } },
        { $or: [{ resourceType: { $null: true } }, { resourceType: { $ne: 'SsoSignIn' } }] },
      ];
      const [counts, last, used] = await Promise.all([
        Promise.all(OUTCOMES.map((outcome) => events.count({ where: { $and: [...scim, { outcome }] } }) as Promise<number>)),
        events.findMany({ where: { $and: scim }, select: LAST_EVENT_FIELDS, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: 1 }) as Promise<Record<string, unknown>[]>,
        context().store.tokens.lastUsedSince(since, directoryId !== undefined ? { directoryId } : {}),
      ]);
      const byOutcome = Object.fromEntries(OUTCOMES.map((outcome, index) => [outcome, Number(counts[index] ?? 0)])) as Record<(typeof OUTCOMES)[number], number>;
      return {
        hours,
        since: since.toISOString(),
        counts: byOutcome,
        total: byOutcome.success + byOutcome.failure + byOutcome.staged,
        lastEvent: last[0] ?? null,
        lastTokenUse: used ? { tokenId: used.id, tokenName: used.name, lastUsedAt: new Date(used.lastUsedAt as string).toISOString() } : null,
      };
    },

    /** The rules in force, where they come from, and how far re-mapping has got. */
    async getMapping() {
      const { rules, remapWorker } = context();
      const mapping = await rules.current();
      return { ...mapping, readOnly: mapping.source === 'config', progress: await remapWorker.progress() };
    },

    /** Validates proposed rules against the roles that exist; throws MappingValidationError. */
    async validateMapping(input: { attributes?: unknown; policy?: unknown; content?: unknown }): Promise<MappingSettings> {
      const roles = (await strapi.db.query('admin::role').findMany({ select: ['code'] })) as { code: string }[];
      // On a new database the plugin starts before Strapi's admin creates its three built-in roles.
      const known = new Set([...STRAPI_BUILT_IN_ROLES, ...roles.map((role) => role.code)]);
      const settings = validateMappingSettings(input, [...known]);
      const problems = settings.content.flatMap((binding, index) => {
        const contentType = strapi.contentTypes[binding.uid as keyof typeof strapi.contentTypes] as { attributes?: Record<string, unknown> } | undefined;
        if (!contentType) return [`content.${index}: there is no content type ${binding.uid}`];
        return contentType.attributes?.[binding.field] ? [] : [`content.${index}: ${binding.uid} has no field "${binding.field}"`];
      });
      if (problems.length > 0) throw new MappingValidationError(problems);
      return settings;
    },

    previewMapping: (settings: MappingSettings, limit?: number) => previewMapping(context().store, settings, limit),

    /** Saves the rules (optimistically: `expectedVersion`) and starts re-mapping everyone in the background. */
    async saveMapping(settings: MappingSettings, expectedVersion: number) {
      const { rules, remapWorker } = context();
      const saved = await rules.save(settings, expectedVersion);
      void remapWorker.kick();
      return saved;
    },

    /** Re-sends the invitation of an identity's admin user; null when there is no such identity. */
    async inviteIdentity(identityId: number) {
      const { store, invitations } = context();
      const identity = await store.identities.findById(identityId);
      if (!identity) return null;
      if (!identity.adminUserId) return { sent: false as const, reason: 'not-found' as const };
      return invitations.inviteAdminUser(identity.adminUserId);
    },

    /** Which rule gave which role to one person, with the rules in force. */
    async explainIdentity(identityId: number) {
      const { store, rules, reconciler } = context();
      const identity = await store.identities.findById(identityId);
      if (!identity) return null;
      const mapping = await rules.current();
      const result = await reconciler.evaluate(identity, mapping);
      return { identityId, userName: identity.userName, rulesVersion: mapping.version, source: mapping.source, lastApplied: identity.mapping, result };
    },

    async listDeprovisions(query: { status?: 'applied' | 'staged' | 'approved' | 'rejected'; directoryId?: number; page: number; pageSize: number }) {
      const { status, directoryId, page, pageSize } = query;
      const where = { ...(status ? { status } : {}), ...(directoryId ? { directoryId } : {}) };
      const [results, total] = await context().store.deprovisions.list(where, page, pageSize);
      return { results, pagination: { page, pageSize, total } };
    },

    /** Approves (applies) or rejects a staged deactivation or deletion; every decision is logged. */
    async decideDeprovision(id: number, decision: 'approved' | 'rejected', decidedBy: string) {
      const { store, users } = context();
      const entry = await store.deprovisions.findById(id);
      if (!entry) return 'not found' as const;
      if (!(await store.deprovisions.decide(id, decision, decidedBy))) return 'already decided' as const;
      const applied = decision === 'approved' ? await users.applyApproved(entry.identityId, entry.kind, entry.cause) : false;
      await store.events.record({
        directoryId: entry.directoryId, tokenId: null, tokenName: null, method: 'ADMIN', resourceType: 'User', resourceId: null,
        resourceName: entry.userName, operation: `${decision === 'approved' ? 'approve' : 'reject'}-${entry.kind}`,
        outcome: 'success', status: 200, scimType: null, changed: null, detail: `decided by ${decidedBy}`,
      });
      return { ...entry, status: decision, decidedBy, applied };
    },

    /** Deletes provisioning-log entries older than `provisioningLog.retentionDays`; returns how many. */
    async pruneProvisioningLog(now = Date.now()): Promise<number> {
      const { config, store } = context();
      return store.events.prune(new Date(now - config.provisioningLog.retentionDays * 24 * 60 * 60 * 1000));
    },
  };
};
