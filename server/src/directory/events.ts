/**
 * The provisioning log. Rows carry what happened and which attributes changed — names only, never values,
 * so secrets and personal data in attribute values never reach it.
 */
import { UID } from '../content-types';
import { insertRows, newDocumentId } from './database';
import type { Strapi } from '../strapi/types';

export interface ProvisioningEvent {
  directoryId: number | null;
  tokenId: number | null;
  tokenName: string | null;
  method: string;
  resourceType: string | null;
  resourceId: string | null;
  resourceName: string | null;
  operation: string;
  /** `staged`: deprovision safety held the deactivation or deletion for an admin's approval. */
  outcome: 'success' | 'failure' | 'staged';
  status: number;
  scimType: string | null;
  changed: string[] | null;
  detail: string | null;
}

export interface EventQuery {
  directoryId?: number;
  /** The SCIM token that made the request. */
  tokenId?: number;
  /** The SSO connection of a sign-in entry (its `resourceId`). */
  connectionId?: string;
  /** Part of the user or group name (`resourceName`), any case. */
  search?: string;
  outcome?: 'success' | 'failure' | 'staged';
  resourceType?: string;
  resourceId?: string;
  operation?: string;
  since?: Date;
  until?: Date;
  page: number;
  pageSize: number;
}

const FIELDS = [
  'id', 'directoryId', 'tokenId', 'tokenName', 'method', 'resourceType', 'resourceId', 'resourceName', 'operation',
  'outcome', 'status', 'scimType', 'changed', 'detail', 'createdAt',
];

export function createEventRepository(strapi: Strapi) {
  const events = () => strapi.db.query(UID.event);

  const whereOf = (query: Omit<EventQuery, 'page' | 'pageSize'>) => {
    const where: Record<string, unknown>[] = [];
    if (query.directoryId !== undefined) where.push({ directoryId: query.directoryId });
    if (query.tokenId !== undefined) where.push({ tokenId: query.tokenId });
    if (query.connectionId) where.push({ resourceType: 'SsoSignIn' }, { resourceId: query.connectionId });
    // The name, or the message of a refused request (which names no resource: "userName … already exists").
    // A substring match cannot use an index; the list walks ib_events_created_idx newest first and stops at
    // the page, so it stays cheap — narrow long logs with since/until for the total to be cheap too.
    if (query.search) where.push({ $or: [{ resourceName: { $containsi: query.search } }, { detail: { $containsi: query.search } }] });
    if (query.outcome) where.push({ outcome: query.outcome });
    if (query.resourceType) where.push({ resourceType: query.resourceType });
    if (query.resourceId) where.push({ resourceId: query.resourceId });
    if (query.operation) where.push({ operation: query.operation });
    if (query.since) where.push({ createdAt: { $gte: query.since } });
    if (query.until) where.push({ createdAt: { $lt: query.until } });
    return where.length > 0 ? { $and: where } : {};
  };

  return {
    /** Written on every SCIM write, inside its transaction: a plain insert, nothing read back (see `insertRows`). */
    async record(event: ProvisioningEvent): Promise<void> {
      await insertRows(strapi, UID.event, [{ ...event, documentId: newDocumentId() }]);
    },

    async query(query: EventQuery) {
      const where = whereOf(query);
      const [results, total] = await Promise.all([
        events().findMany({
          where,
          select: FIELDS,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          offset: (query.page - 1) * query.pageSize,
          limit: query.pageSize,
        }),
        events().count({ where }),
      ]);
      return { results, pagination: { page: query.page, pageSize: query.pageSize, total } };
    },

    /**
     * The events a query matches, newest first, `size` at a time, at most `limit` in all: for exports, which
     * must never hold the whole log in memory. Pages by id (keyset), so rows logged meanwhile are not repeated.
     */
    async *batches(query: Omit<EventQuery, 'page' | 'pageSize'>, size: number, limit: number): AsyncGenerator<Record<string, unknown>[]> {
      const base = whereOf(query);
      let before: number | undefined;
      let left = limit;
      while (left > 0) {
        const where = before === undefined ? base : { $and: [base, { id: { $lt: before } }] };
        const rows = (await events().findMany({ where, select: FIELDS, orderBy: { id: 'desc' }, limit: Math.min(size, left) })) as Record<string, unknown>[];
        if (rows.length === 0) return;
        yield rows;
        left -= rows.length;
        before = rows[rows.length - 1]!.id as number;
      }
    },

    count: (query: Omit<EventQuery, 'page' | 'pageSize'>) => events().count({ where: whereOf(query) }) as Promise<number>,

    /** Deletes events older than the retention window; returns how many. */
    async prune(olderThan: Date): Promise<number> {
      const result = (await events().deleteMany({ where: { createdAt: { $lt: olderThan } } })) as { count: number };
      return result.count;
    },
  };
}

export type EventRepository = ReturnType<typeof createEventRepository>;
