/** Pieces shared by the User and Group serialisers (RFC 7643 §3.1 common attributes). */
import { weakEtag } from '../etag';
import { cloneJson, isPlainObject, type JsonObject } from './json';

export interface StoredResource {
  id: string;
  data: JsonObject;
  created: Date | string;
  lastModified: Date | string;
  version: number;
}

const toIsoString = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

/** `schemas`: the core URN, then every extension the data holds (known or custom), as stored. */
export function schemasOf(coreUrn: string, data: JsonObject): string[] {
  const extensions = Object.keys(data).filter((key) => key.toLowerCase().startsWith('urn:') && isPlainObject(data[key]));
  return [coreUrn, ...extensions];
}

/** `schemas`, `id`, then the stored attributes (copied, so callers may change the result freely). */
export function resourceBody(coreUrn: string, record: StoredResource): JsonObject {
  const attributes = (cloneJson(record.data) ?? {}) as JsonObject;
  delete attributes.id; // never in stored data; guards the response if a caller stored one anyway
  return { schemas: schemasOf(coreUrn, record.data), id: record.id, ...attributes };
}

export function resourceMeta(resourceType: string, record: StoredResource, location: string): JsonObject {
  return {
    resourceType,
    created: toIsoString(record.created),
    lastModified: toIsoString(record.lastModified),
    location,
    version: weakEtag(record.version),
  };
}
