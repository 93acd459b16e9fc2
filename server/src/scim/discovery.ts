/**
 * Discovery endpoints (RFC 7644 §4; formats RFC 7643 §5 ServiceProviderConfig, §6 ResourceType, §7 Schema).
 *
 * Built from the same attribute definitions the protocol uses, so what we advertise is what we do. Entra's
 * custom (non-gallery) apps never read these; Okta and validators do.
 */
import { scimErrors } from './errors';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  type AttributeDefinition,
  type SchemaDefinition,
} from './schema/attributes';
import { URN } from './schema/urns';

const trimSlash = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

export interface ServiceProviderConfigOptions {
  documentationUri?: string;
  /** PATCH operations accepted per request; advertised under `patch` as a non-standard hint. */
  maxOperations?: number;
  /** Largest request body in bytes; RFC 7643 §5 only has a place for it under `bulk`. */
  maxPayloadSize: number;
  /** Most resources a filter may return (`filter.maxResults`). */
  maxResults: number;
  etag: boolean;
  sort: boolean;
  filter: boolean;
  bulk: boolean;
  changePassword: boolean;
  /** The absolute URL of this document, for `meta.location`. */
  location: string;
}

export function serviceProviderConfig(options: ServiceProviderConfigOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { schemas: [URN.serviceProviderConfig] };
  if (options.documentationUri) config.documentationUri = options.documentationUri;
  Object.assign(config, {
    patch: { supported: true },
    // Bulk is not offered: Entra and Okta never use it. The numbers are still required by the schema.
    bulk: { supported: options.bulk, maxOperations: options.bulk ? (options.maxOperations ?? 0) : 0, maxPayloadSize: options.maxPayloadSize },
    filter: { supported: options.filter, maxResults: options.maxResults },
    changePassword: { supported: options.changePassword },
    sort: { supported: options.sort },
    etag: { supported: options.etag },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token (the secret token of the provisioning connection).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: options.location },
  });
  return config;
}

interface ResourceTypeEntry {
  id: string;
  endpoint: string;
  description: string;
  schema: SchemaDefinition;
  extensions: SchemaDefinition[];
}

const RESOURCE_TYPES: ResourceTypeEntry[] = [
  { id: 'User', endpoint: '/Users', description: 'User account', schema: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA] },
  { id: 'Group', endpoint: '/Groups', description: 'Group', schema: GROUP_SCHEMA, extensions: [] },
];

const SCHEMAS: SchemaDefinition[] = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA];

function resourceTypeDocument(baseUrl: string, entry: ResourceTypeEntry): Record<string, unknown> {
  return {
    schemas: [URN.resourceType],
    id: entry.id,
    name: entry.id,
    endpoint: entry.endpoint,
    description: entry.description,
    schema: entry.schema.id,
    schemaExtensions: entry.extensions.map((extension) => ({ schema: extension.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${trimSlash(baseUrl)}/ResourceTypes/${entry.id}` },
  };
}

/** The body of `GET /ResourceTypes` is a ListResponse of these (RFC 7644 §4): wrap with `listResponse`. */
export const resourceTypes = (baseUrl: string): Record<string, unknown>[] =>
  RESOURCE_TYPES.map((entry) => resourceTypeDocument(baseUrl, entry));

/** `GET /ResourceTypes/{id}`; the id is matched case-insensitively. */
export function resourceType(baseUrl: string, id: string): Record<string, unknown> {
  const entry = RESOURCE_TYPES.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!entry) throw scimErrors.notFound(`Resource type ${id} not found`);
  return resourceTypeDocument(baseUrl, entry);
}

/** RFC 7643 §7 attribute format: every characteristic spelled out, no internal fields. */
function attributeDocument(attribute: AttributeDefinition): Record<string, unknown> {
  const document: Record<string, unknown> = {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
  };
  if (attribute.canonicalValues && attribute.canonicalValues.length > 0) document.canonicalValues = [...attribute.canonicalValues];
  if (attribute.referenceTypes) document.referenceTypes = [...attribute.referenceTypes];
  if (attribute.subAttributes) document.subAttributes = attribute.subAttributes.map(attributeDocument);
  return document;
}

function schemaDocumentOf(baseUrl: string, schema: SchemaDefinition): Record<string, unknown> {
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${trimSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** The body of `GET /Schemas` is a ListResponse of these: wrap with `listResponse`. */
export const schemaDocuments = (baseUrl: string): Record<string, unknown>[] =>
  SCHEMAS.map((schema) => schemaDocumentOf(baseUrl, schema));

/** `GET /Schemas/{urn}`; the URN is matched case-insensitively (RFC 7643 §2.1). */
export function schemaDocument(baseUrl: string, id: string): Record<string, unknown> {
  const schema = SCHEMAS.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!schema) throw scimErrors.notFound(`Schema ${id} not found`);
  return schemaDocumentOf(baseUrl, schema);
}
