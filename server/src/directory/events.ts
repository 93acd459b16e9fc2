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

    /** Deletes events older than the retention window; returns how many. */
    async prune(olderThan: Date): Promise<number> {
      const result = (await events().deleteMany({ where: { createdAt: { $lt: olderThan } } })) as { count: number };
      return result.count;
    },
  };
}

export type EventRepository = ReturnType<typeof createEventRepository>;
