/**
 * SCIM bearer tokens. The secret is random (256 bits), shown once, and stored only as a SHA-256 digest:
 * a digest of a high-entropy secret needs no salt or slow hash, and lets authentication be one indexed
 * look-up. The digest found is compared again in constant time before it is trusted.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';

export const TOKEN_PREFIX = 'ibscim_';

export interface TokenRecord {
  id: number;
  name: string;
  description: string | null;
  directoryId: number;
  secretHint: string | null;
  source: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const PUBLIC_FIELDS = ['id', 'name', 'description', 'directoryId', 'secretHint', 'source', 'lastUsedAt', 'revokedAt', 'createdAt'];

export const digestSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');
export const generateSecret = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');
const hintOf = (secret: string) => `…${secret.slice(-4)}`;

/** Writing `lastUsedAt` on every request would turn each read into a write; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Authenticated tokens are remembered for a few seconds, so a busy provisioning cycle does not read the
 * token table on every request. A revocation takes effect at once on the instance that revoked the token
 * and within this delay on the others.
 */
export const TOKEN_CACHE_MS = 5_000;

export function createTokenRepository(strapi: Strapi) {
  const query = () => strapi.db.query(UID.token);
  const lastUsedWritten = new Map<number, number>();
  const recentlyAuthenticated = new Map<string, { token: TokenRecord; until: number }>();

  async function insert(data: { name: string; description?: string | null; directoryId: number; secret: string; source: string }) {
    const record = (await query().create({
      data: {
        name: data.name,
        description: data.description ?? null,
        directoryId: data.directoryId,
        secretDigest: digestSecret(data.secret),
        secretHint: hintOf(data.secret),
        source: data.source,
      },
      select: PUBLIC_FIELDS,
    })) as TokenRecord;
    return record;
  }

  return {
    /** Creates a token and returns its secret; the secret cannot be read again. */
    async create(data: { name: string; description?: string | null; directoryId: number }) {
      const secret = generateSecret();
      const token = await insert({ ...data, secret, source: 'admin' });
      return { token, secret };
    },

    /**
     * Registers a secret chosen outside Strapi (config file, IDENTITY_BRIDGE_SCIM_TOKEN) idempotently:
     * restarting with the same secret keeps the same token row.
     */
    async registerSecret(data: { name: string; description?: string | null; directoryId: number; secret: string; source: string }) {
      const existing = (await query().findOne({
        where: { secretDigest: digestSecret(data.secret) },
        select: PUBLIC_FIELDS,
      })) as TokenRecord | null;
      if (existing) {
        if (existing.revokedAt) {
          return (await query().update({
            where: { id: existing.id },
            data: { revokedAt: null, name: data.name, directoryId: data.directoryId },
            select: PUBLIC_FIELDS,
          })) as TokenRecord;
        }
        return existing;
      }
      return insert(data);
    },

    /** Returns the live token for a presented secret, or null. */
    async authenticate(secret: string, now = Date.now()): Promise<TokenRecord | null> {
      const digest = digestSecret(secret);
      const remembered = recentlyAuthenticated.get(digest);
      if (remembered && remembered.until > now) return remembered.token;
      const row = (await query().findOne({
        where: { secretDigest: digest },
        select: [...PUBLIC_FIELDS, 'secretDigest'],
      })) as (TokenRecord & { secretDigest: string }) | null;
      if (!row || row.revokedAt) return null;
      if (!timingSafeEqual(Buffer.from(row.secretDigest, 'hex'), Buffer.from(digest, 'hex'))) return null;
      const { secretDigest: _digest, ...token } = row;
      if (recentlyAuthenticated.size > 1000) recentlyAuthenticated.clear(); // bounded: tokens are few
      recentlyAuthenticated.set(digest, { token, until: now + TOKEN_CACHE_MS });
      return token;
    },

    async touch(tokenId: number, now = Date.now()): Promise<void> {
      const last = lastUsedWritten.get(tokenId) ?? 0;
      if (now - last < LAST_USED_RESOLUTION_MS) return;
      lastUsedWritten.set(tokenId, now);
      await query().update({ where: { id: tokenId }, data: { lastUsedAt: new Date(now) } });
    },

    list: (where: { directoryId?: number } = {}) =>
      query().findMany({ where, select: PUBLIC_FIELDS, orderBy: { id: 'asc' } }) as Promise<TokenRecord[]>,

    /**
     * One page of tokens, newest first: live ones (`revoked: false`), revoked ones (`true`) or both. Revoked
     * tokens pile up with every rotation, so the admin pages ask for them apart and a page at a time.
     */
    async page(filter: { directoryId?: number; revoked?: boolean }, offset: number, limit: number): Promise<{ rows: TokenRecord[]; total: number }> {
      const where: Record<string, unknown> = {
        ...(filter.directoryId !== undefined ? { directoryId: filter.directoryId } : {}),
        ...(filter.revoked !== undefined ? { revokedAt: filter.revoked ? { $notNull: true } : { $null: true } } : {}),
      };
      const [rows, total] = await Promise.all([
        query().findMany({ where, select: PUBLIC_FIELDS, orderBy: { id: 'desc' }, offset, limit }) as Promise<TokenRecord[]>,
        query().count({ where }) as Promise<number>,
      ]);
      return { rows, total: Number(total) };
    },

    /** The token used last at or after `since`, or null (one indexed read, however many tokens there are). */
    lastUsedSince: async (since: Date, where: { directoryId?: number } = {}): Promise<TokenRecord | null> =>
      ((await query().findMany({
        where: { ...where, lastUsedAt: { $gte: since } },
        select: PUBLIC_FIELDS,
        orderBy: [{ lastUsedAt: 'desc' }, { id: 'desc' }],
        limit: 1,
      })) as TokenRecord[])[0] ?? null,
    findById: (id: number) => query().findOne({ where: { id }, select: PUBLIC_FIELDS }) as Promise<TokenRecord | null>,
    async revoke(id: number): Promise<TokenRecord | null> {
      for (const [digest, entry] of recentlyAuthenticated) if (entry.token.id === id) recentlyAuthenticated.delete(digest);
      return (await query().update({ where: { id }, data: { revokedAt: new Date() }, select: PUBLIC_FIELDS })) as TokenRecord | null;
    },
  };
}

export type TokenRepository = ReturnType<typeof createTokenRepository>;
