/** The record of deactivations and deletions, and the queue of those held for approval. */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';

export type DeprovisionKind = 'deactivate' | 'delete';
export type DeprovisionStatus = 'applied' | 'staged' | 'approved' | 'rejected';

export interface DeprovisionRecord {
  id: number;
  directoryId: number;
  identityId: number;
  userName: string | null;
  kind: DeprovisionKind;
  status: DeprovisionStatus;
  tokenName: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

const FIELDS = ['id', 'directoryId', 'identityId', 'userName', 'kind', 'status', 'tokenName', 'decidedBy', 'decidedAt', 'createdAt'];

export function createDeprovisionRepository(strapi: Strapi) {
  const rows = () => strapi.db.query(UID.deprovision);

  return {
    record: (entry: Pick<DeprovisionRecord, 'directoryId' | 'identityId' | 'userName' | 'kind' | 'status' | 'tokenName'>) =>
      rows().create({ data: entry, select: FIELDS }) as Promise<DeprovisionRecord>,

    /** Deprovisionings applied in a directory since `since` (what the safety threshold counts). */
    appliedSince: (directoryId: number, since: Date) =>
      rows().count({ where: { directoryId, status: { $in: ['applied', 'approved'] }, createdAt: { $gte: since } } }) as Promise<number>,

    stagedFor: (identityId: number, kind: DeprovisionKind) =>
      rows().findOne({ where: { identityId, kind, status: 'staged' }, select: FIELDS }) as Promise<DeprovisionRecord | null>,

    findById: (id: number) => rows().findOne({ where: { id }, select: FIELDS }) as Promise<DeprovisionRecord | null>,

    list: (where: { status?: DeprovisionStatus; directoryId?: number }, page: number, pageSize: number) =>
      Promise.all([
        rows().findMany({ where, select: FIELDS, orderBy: { id: 'desc' }, offset: (page - 1) * pageSize, limit: pageSize }) as Promise<DeprovisionRecord[]>,
        rows().count({ where }) as Promise<number>,
      ]),

    /** Moves a staged entry to a decision; false when it was not staged any more (decided meanwhile). */
    async decide(id: number, status: 'approved' | 'rejected', decidedBy: string): Promise<boolean> {
      const result = (await rows().updateMany({
        where: { id, status: 'staged' },
        data: { status, decidedBy, decidedAt: new Date() },
      })) as { count: number };
      return result.count === 1;
    },
  };
}

export type DeprovisionRepository = ReturnType<typeof createDeprovisionRepository>;
