/**
 * List and search: a SCIM filter becomes one indexed database query (plus, for multi-valued attributes,
 * a look-up in their index table). Only what the database cannot decide is evaluated in memory, over a
 * bounded candidate set — beyond that bound the request is refused with `tooMany` instead of scanning.
 */
import { evaluateFilter, parseFilter, planFilter, type FieldMap, type FilterNode, type LookupCondition } from '../scim/filter';
import { scimErrors } from '../scim/errors';
import type { ResourceSchemas } from '../scim/schema/attributes';

export interface SearchSource<Row> {
  schemas: ResourceSchemas;
  fields: FieldMap;
  knownUrns?: string[];
  count(where: Record<string, unknown>): Promise<number>;
  page(where: Record<string, unknown>, offset: number, limit: number): Promise<Row[]>;
  /** Ids of rows whose multi-valued attribute matches a look-up condition (at most `limit` + 1 of them). */
  lookup(condition: LookupCondition['$lookup'], limit: number): Promise<number[]>;
  /** The SCIM JSON of a row, for in-memory evaluation of what the database could not decide. */
  toResource(row: Row): Record<string, unknown>;
}

export interface SearchRequest {
  filter?: string;
  startIndex: number;
  count: number;
  scope: Record<string, unknown>;
  maxCandidates: number;
}

export interface SearchResult<Row> {
  rows: Row[];
  total: number;
}

const isLookup = (value: unknown): value is LookupCondition =>
  typeof value === 'object' && value !== null && '$lookup' in value;

/** Replaces each `$lookup` placeholder of a plan by an `id $in / $notIn` condition. */
async function resolveLookups<Row>(where: unknown, source: SearchSource<Row>, limit: number): Promise<unknown> {
  if (Array.isArray(where)) return Promise.all(where.map((item) => resolveLookups(item, source, limit)));
  if (isLookup(where)) {
    const ids = await source.lookup(where.$lookup, limit);
    if (ids.length > limit) {
      throw scimErrors.tooMany(`the filter matches more than ${limit} values of ${where.$lookup.key}; narrow it down`);
    }
    return { id: where.$lookup.negate ? { $notIn: ids } : { $in: ids } };
  }
  if (typeof where === 'object' && where !== null) {
    const entries = await Promise.all(
      Object.entries(where).map(async ([key, value]) => [key, await resolveLookups(value, source, limit)] as const)
    );
    return Object.fromEntries(entries);
  }
  return where;
}

/**
 * Restricts a filter's condition to the caller's directory. The directory condition is copied into each
 * branch of a top-level `$or`, so that `(dir AND userName) OR (dir AND externalId)` reaches the databases
 * as two index seeks; written as `dir AND (userName OR externalId)` they walk the whole directory instead.
 */
export function withinScope(scope: Record<string, unknown>, where: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(where);
  if (keys.length === 1 && keys[0] === '$or' && Array.isArray(where.$or)) {
    return { $or: where.$or.map((branch: unknown) => withinScope(scope, branch as Record<string, unknown>)) };
  }
  return { $and: [scope, where] };
}

export async function search<Row>(source: SearchSource<Row>, request: SearchRequest): Promise<SearchResult<Row>> {
  const offset = request.startIndex - 1;
  let where: Record<string, unknown> = request.scope;
  let residual: FilterNode | undefined;

  if (request.filter !== undefined && request.filter.trim() !== '') {
    const ast = parseFilter(request.filter, source.knownUrns ? { knownUrns: source.knownUrns } : undefined);
    const plan = planFilter(ast, source.fields, source.schemas);
    residual = plan.residual;
    if (plan.where) {
      const resolved = (await resolveLookups(plan.where, source, request.maxCandidates)) as Record<string, unknown>;
      where = withinScope(request.scope, resolved);
    }
  }

  if (!residual) {
    // A first page that is not full is the whole result: its length is the total, no count needed (the
    // common case of an IdP matching one user by userName or externalId).
    if (offset === 0 && request.count > 0) {
      const rows = await source.page(where, 0, request.count);
      if (rows.length < request.count) return { rows, total: rows.length };
      return { rows, total: await source.count(where) };
    }
    const total = await source.count(where);
    const rows = request.count > 0 && offset < total ? await source.page(where, offset, request.count) : [];
    return { rows, total };
  }

  const candidates = await source.count(where);
  if (candidates > request.maxCandidates) {
    throw scimErrors.tooMany(
      `the filter needs ${candidates} resources examined one by one (limit ${request.maxCandidates}); ` +
        'filter on id, userName, externalId, displayName, emails.value, active or meta.lastModified'
    );
  }
  const rows = await source.page(where, 0, request.maxCandidates);
  const filter = residual;
  const matches = rows.filter((row) => evaluateFilter(filter, source.toResource(row), source.schemas));
  return { rows: matches.slice(offset, offset + request.count), total: matches.length };
}
