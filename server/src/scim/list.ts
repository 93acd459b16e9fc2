/**
 * Query parameters of list and search requests (RFC 7644 §3.4.2, §3.4.3) and the ListResponse envelope.
 */
import { scimErrors } from './errors';
import { parseAttributeList } from './projection';
import { isPlainObject } from './resources/json';
import { URN } from './schema/urns';

export interface ListLimits {
  /** `count` when the client sends none. */
  defaultCount: number;
  /** Larger `count`s are lowered to this (RFC 7644 §3.4.2.4: the provider may return fewer). */
  maxCount: number;
}

export interface ListQuery {
  filter?: string;
  /** 1-based (RFC 7644 §3.4.2.4); values below 1 are read as 1. */
  startIndex: number;
  /** 0 asks for `totalResults` only. */
  count: number;
  attributes: string[];
  excludedAttributes: string[];
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
}

/** Looks a member up case-insensitively (parameter names are attribute-like, RFC 7643 §2.1). */
function member(source: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  const key = Object.keys(source).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : source[key];
}

/** A scalar parameter; a repeated query parameter (array) contributes its first value. */
function parameter(source: Record<string, unknown>, name: string): unknown {
  const value = member(source, name);
  return Array.isArray(value) ? value[0] : value;
}

/** An integer parameter; absent or blank → undefined, anything but an integer → 400 invalidValue. */
function integerParameter(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw scimErrors.invalidValue(`"${name}" must be an integer`);
    return value;
  }
  if (typeof value !== 'string') throw scimErrors.invalidValue(`"${name}" must be an integer`);
  const text = value.trim();
  if (text === '') return undefined;
  if (!/^[+-]?\d+$/.test(text)) throw scimErrors.invalidValue(`"${name}" must be an integer, not "${value}"`);
  const parsed = Number(text);
  return Math.max(Math.min(parsed, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

function stringParameter(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw scimErrors.invalidValue(`"${name}" must be a string`);
  return value.trim() === '' ? undefined : value;
}

function sortOrderParameter(value: unknown): 'ascending' | 'descending' | undefined {
  const text = stringParameter(value, 'sortOrder');
  if (text === undefined) return undefined;
  const lower = text.trim().toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw scimErrors.invalidValue('"sortOrder" must be "ascending" or "descending"');
}

function attributeListParameter(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return parseAttributeList(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return parseAttributeList(value);
  throw scimErrors.invalidValue(`"${name}" must be a list of attribute names`);
}

function buildQuery(source: Record<string, unknown>, limits: ListLimits): ListQuery {
  const startIndex = integerParameter(parameter(source, 'startIndex'), 'startIndex') ?? 1;
  const count = integerParameter(parameter(source, 'count'), 'count') ?? limits.defaultCount;
  const query: ListQuery = {
    // RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1"; a negative count "as 0".
    startIndex: Math.max(1, startIndex),
    count: Math.min(Math.max(0, count), limits.maxCount),
    attributes: attributeListParameter(member(source, 'attributes'), 'attributes'),
    excludedAttributes: attributeListParameter(member(source, 'excludedAttributes'), 'excludedAttributes'),
  };
  const filter = stringParameter(parameter(source, 'filter'), 'filter');
  if (filter !== undefined) query.filter = filter;
  const sortBy = stringParameter(parameter(source, 'sortBy'), 'sortBy');
  const sortOrder = sortOrderParameter(parameter(source, 'sortOrder'));
  if (sortBy !== undefined) {
    query.sortBy = sortBy.trim();
    query.sortOrder = sortOrder ?? 'ascending'; // RFC 7644 §3.4.2.3 default
  }
  return query;
}

/** `GET /Users?filter=…&startIndex=…&count=…` (values as the HTTP layer parsed them: strings or arrays). */
export function parseListQuery(query: Record<string, unknown>, limits: ListLimits): ListQuery {
  return buildQuery(query, limits);
}

/**
 * `POST /Users/.search` (RFC 7644 §3.4.3): the same parameters in a SearchRequest body, `attributes` as
 * arrays. A missing SearchRequest URN in `schemas` is tolerated: the endpoint already says what the body is.
 */
export function parseSearchRequest(body: unknown, limits: ListLimits): ListQuery {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('The search request must be a JSON object');
  const schemas = member(body, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.every((urn) => typeof urn === 'string'))) {
    throw scimErrors.invalidSyntax('"schemas" must be an array of strings');
  }
  if (Array.isArray(schemas) && schemas.length > 0 && !schemas.some((urn) => String(urn).toLowerCase() === URN.searchRequest.toLowerCase())) {
    throw scimErrors.invalidSyntax(`A search request's "schemas" must include ${URN.searchRequest}`);
  }
  return buildQuery(body, limits);
}

export interface ListResponse<T> {
  schemas: [typeof URN.listResponse];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/** The ListResponse envelope (RFC 7644 §3.4.2); every number is a JSON integer, as Okta requires. */
export function listResponse<T>(resources: T[], totalResults: number, startIndex: number): ListResponse<T> {
  return {
    schemas: [URN.listResponse],
    totalResults: Math.trunc(totalResults),
    startIndex: Math.trunc(startIndex),
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
