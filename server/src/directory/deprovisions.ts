/** The record of deactivations and deletions, and the queue of those held for approval. */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';

export type DeprovisionKind = 'deactivate' | 'delete';
export type DeprovisionStatus = 'applied' | 'staged' | 'approved' | 'rejected';
/** Who wants the person out: the IdP (SCIM `active: false` or DELETE), or the mapping rules (nothing matches). */
export type DeprovisionCause = 'identity-provider' | 'mapping-rules';

export interface DeprovisionRecord {
  id: number;
  directoryId: number;
  identityId: number;
  userName: string | null;
  kind: DeprovisionKind;
  status: DeprovisionStatus;
  tokenName: string | null;
  cause: DeprovisionCause;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

const FIELDS = ['id', 'directoryId', 'identityId', 'userName', 'kind', 'status', 'tokenName', 'cause', 'decidedBy', 'decidedAt', 'createdAt'];

/** Rows written before causes were recorded were all the IdP's. */
const withCause = <Row extends { cause?: DeprovisionCause | null } | null>(row: Row): Row =>
  (row ? { ...row, cause: row.cause ?? 'identity-provider' } : row) as Row;

/** The IdP's own entries predate the `cause` column, so "identity-provider" also matches rows without one. */
const causeIs = (cause: DeprovisionCause) =>
  cause === 'identity-provider' ? { $or: [{ cause }, { cause: { $null: true } }] } : { cause };

export function createDeprovisionRepository(strapi: Strapi) {
  const rows = () => strapi.db.query(UID.deprovision);

  return {
    record: async (entry: Pick<DeprovisionRecord, 'directoryId' | 'identityId' | 'userName' | 'kind' | 'status' | 'tokenName' | 'cause'>) =>
      withCause((await rows().create({ data: entry, select: FIELDS })) as DeprovisionRecord),

    /** Deprovisionings applied in a directory since `since` (what the safety threshold counts). */
    appliedSince: (directoryId: number, since: Date) =>
      rows().count({ where: { directoryId, status: { $in: ['applied', 'approved'] }, createdAt: { $gte: since } } }) as Promise<number>,

    stagedFor: async (identityId: number, kind: DeprovisionKind, cause: DeprovisionCause) =>
      withCause((await rows().findOne({ where: { identityId, kind, status: 'staged', ...causeIs(cause) }, select: FIELDS })) as DeprovisionRecord | null),

    findById: async (id: number) => withCause((await rows().findOne({ where: { id }, select: FIELDS })) as DeprovisionRecord | null),

    list: (where: { status?: DeprovisionStatus; directoryId?: number }, page: number, pageSize: number) =>
      Promise.all([
        (rows().findMany({ where, select: FIELDS, orderBy: { id: 'desc' }, offset: (page - 1) * pageSize, limit: pageSize }) as Promise<DeprovisionRecord[]>).then((list) => list.map(withCause)),
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
