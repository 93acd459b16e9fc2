/**
 * The two pieces of state SAML needs, as interfaces the SSO core backs with its database so that several
 * Strapi instances share them (a login may start on one instance and land on another).
 *
 * Both operations that decide acceptance are single atomic steps on purpose: node-saml's own cache does
 * get-then-remove, which lets two concurrent copies of one response both pass.
 */

/** AuthnRequest ids this SP issued and that are still waiting for their response. */
export interface SamlRequestStore {
  /** Remember an issued request id until `expiresAt`. */
  save(entry: { scope: string; requestId: string; expiresAt: Date }): Promise<void>;
  /**
   * Consume-once: atomically remove the entry and report whether it existed and had not expired at `now`.
   * Must return true to at most one caller per saved entry, even under concurrency. In SQL:
   * `DELETE FROM saml_requests WHERE scope = ? AND request_id = ? AND expires_at > ?` and test the row count.
   */
  take(entry: { scope: string; requestId: string; now: Date }): Promise<boolean>;
}

/** Assertion ids already accepted, kept until they could no longer be replayed anyway. */
export interface SamlReplayStore {
  /**
   * Atomic set-if-absent: record the id and return true, or return false when it is already recorded (and not
   * yet expired). In SQL: `INSERT … ON CONFLICT (scope, assertion_id) DO NOTHING` (purging rows whose
   * `expires_at` has passed beforehand or by a periodic job) and test the row count.
   */
  setIfAbsent(entry: { scope: string; assertionId: string; expiresAt: Date }): Promise<boolean>;
}

type Clock = () => number;

/**
 * Process-local request store for TESTS AND SINGLE-PROCESS DEVELOPMENT ONLY: with several instances a
 * response landing on another process would be refused. Atomic within one process because `take` checks and
 * deletes without yielding to the event loop.
 */
export class InMemoryDevRequestStore implements SamlRequestStore {
  private readonly entries = new Map<string, number>();

  constructor(private readonly clock: Clock = Date.now) {}

  async save(entry: { scope: string; requestId: string; expiresAt: Date }): Promise<void> {
    this.purgeExpired();
    this.entries.set(key(entry.scope, entry.requestId), entry.expiresAt.getTime());
  }

  async take(entry: { scope: string; requestId: string; now: Date }): Promise<boolean> {
    const entryKey = key(entry.scope, entry.requestId);
    const expiresAt = this.entries.get(entryKey);
    this.entries.delete(entryKey);
    return expiresAt !== undefined && expiresAt > entry.now.getTime();
  }

  get size(): number {
    this.purgeExpired();
    return this.entries.size;
  }

  private purgeExpired(): void {
    const now = this.clock();
    for (const [entryKey, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(entryKey);
  }
}

/** Process-local replay store for TESTS AND SINGLE-PROCESS DEVELOPMENT ONLY (see `InMemoryDevRequestStore`). */
export class InMemoryDevReplayStore implements SamlReplayStore {
  private readonly entries = new Map<string, number>();

  constructor(private readonly clock: Clock = Date.now) {}

  async setIfAbsent(entry: { scope: string; assertionId: string; expiresAt: Date }): Promise<boolean> {
    const now = this.clock();
    for (const [entryKey, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(entryKey);
    const entryKey = key(entry.scope, entry.assertionId);
    if (this.entries.has(entryKey)) return false;
    this.entries.set(entryKey, entry.expiresAt.getTime());
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}

// JSON encoding keeps (scope, id) pairs unambiguous whatever characters either contains.
const key = (scope: string, id: string): string => JSON.stringify([scope, id]);
