/** Types of entra-sync.js (plain CommonJS so that bench/cluster-sync.mjs can load it too). */
export interface SyncOptions {
  users: number;
  groups: number;
  token: string;
  /** The SCIM base URL the next ordinary request goes to (a proxy, or round robin). */
  balanced(): string;
  /** SCIM base URLs of two instances, for the two-instance races. */
  instances?: string[];
  workers?: number;
  batchSize?: number;
  raceEvery?: number;
  etagRaces?: number;
  races?: boolean;
  retries?: number;
  retryDelayMs?: number;
  domain?: string;
}

export interface SyncStats {
  requests: number;
  acknowledged: number;
  byStatus: Record<string, number>;
  transportFailures: number;
  serverErrors: number;
  /** 429 answers waited out (Retry-After) and sent again. */
  throttled: number;
  retried: number;
  recoveredCreates: number;
  failed: number;
  phases: Record<string, { tasks: number; requests: number; seconds: number }>;
}

export interface SyncPerson {
  index: number;
  userName: string;
  externalId: string;
  premium: boolean;
  team: string;
  deactivate: boolean;
  race: boolean;
}

export interface SyncLedger {
  population: { people: SyncPerson[]; teams: { index: number; displayName: string; externalId: string; prunes: boolean }[]; membersOf: number[][] };
  users: Map<number, string>;
  groups: Map<number, string>;
  members: Map<string, boolean>;
  deactivated: Set<number>;
  races: {
    users: { userName: string; statuses: number[]; scimTypes: (string | null)[] }[];
    members: { group: string; user: number; statuses: number[]; texts: string[] }[];
    etag: { kind: string; statuses: number[]; expected: string | null; stored: string | null }[];
  };
  stats: SyncStats;
  errors: string[];
}

export interface ConsistencyReport {
  problems: string[];
  facts: {
    identities: number;
    groups: number;
    memberships: number;
    deactivated: number;
    mappingStale: number;
    races: { users: number; members: number; etag: number };
    events: { operation: string; outcome: string; n: number }[];
  };
}

export function runEntraSync(options: SyncOptions): Promise<SyncLedger>;
export function checkConsistency(query: (sql: string, params?: unknown[]) => Promise<any[]>, ledger: SyncLedger, options?: { domain?: string }): Promise<ConsistencyReport>;
export function userBody(person: SyncPerson): Record<string, unknown>;
export const SYNC_MAPPING: Record<string, unknown>;
export const PATCH_OP: string;
