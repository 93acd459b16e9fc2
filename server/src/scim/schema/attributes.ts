/**
 * Attribute definitions of the schemas we serve (RFC 7643 §7 format), and look-ups over them.
 *
 * One source of truth for: `/Schemas` discovery, case-sensitivity in filters (`caseExact`), PATCH mutability
 * checks, multi-valued handling and `returned` rules in projections.
 */
import { URN } from './urns';

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

const attribute = (name: string, type: AttributeType, options: AttributeOptions = {}): AttributeDefinition => ({
  name,
  type,
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
});

const text = (name: string, description: string, options: AttributeOptions = {}) =>
  attribute(name, 'string', { description, ...options });

/** The `value`/`display`/`type`/`primary` shape shared by emails, phoneNumbers, roles, … (RFC 7643 §2.4). */
const multiValuedComplex = (
  name: string,
  description: string,
  canonicalTypes: string[],
  valueOptions: AttributeOptions = {},
  extra: AttributeDefinition[] = []
): AttributeDefinition =>
  attribute(name, 'complex', {
    multiValued: true,
    description,
    subAttributes: [
      text('value', `The ${name} value.`, valueOptions),
      text('display', 'A human-readable name, primarily used for display purposes.'),
      text('type', 'A label indicating the function of the value.', { canonicalValues: canonicalTypes }),
      attribute('primary', 'boolean', { description: 'Marks the preferred value.' }),
      ...extra,
    ],
  });

const readOnlyMembership = (name: string, description: string): AttributeDefinition =>
  attribute(name, 'complex', {
    multiValued: true,
    description,
    mutability: 'readOnly',
    subAttributes: [
      text('value', 'The identifier of the group.', { mutability: 'readOnly', caseExact: true }),
      attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
      text('display', 'The group displayName.', { mutability: 'readOnly' }),
      text('type', 'direct or indirect.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
    ],
  });

export const USER_SCHEMA: SchemaDefinition = {
  id: URN.user,
  name: 'User',
  description: 'User account',
  attributes: [
    text('userName', 'Unique identifier for the user, typically used to sign in.', {
      required: true,
      uniqueness: 'server',
    }),
    attribute('name', 'complex', {
      description: "The components of the user's name.",
      subAttributes: [
        text('formatted', 'The full name, formatted for display.'),
        text('familyName', 'The family name.'),
        text('givenName', 'The given name.'),
        text('middleName', 'The middle name(s).'),
        text('honorificPrefix', 'The honorific prefix(es).'),
        text('honorificSuffix', 'The honorific suffix(es).'),
      ],
    }),
    text('displayName', 'The name of the user, suitable for display.'),
    text('nickName', 'The casual way to address the user.'),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
    text('title', "The user's title, such as 'Vice President'."),
    text('userType', 'The relationship between the organization and the user, e.g. Employee or Premium.'),
    text('preferredLanguage', 'Preferred written or spoken language (RFC 7231 language tag).'),
    text('locale', 'Default location for localisation (e.g. en-US).'),
    text('timezone', 'Time zone in the IANA format, e.g. Europe/Paris.'),
    attribute('active', 'boolean', { description: "The user's administrative status." }),
    text('password', 'Never returned and never stored in plain text.', {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedComplex('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
    multiValuedComplex('phoneNumbers', 'Phone numbers for the user.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValuedComplex('ims', 'Instant messaging addresses.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValuedComplex('photos', 'URLs of photos of the user.', ['photo', 'thumbnail']),
    attribute('addresses', 'complex', {
      multiValued: true,
      description: 'Physical mailing addresses.',
      subAttributes: [
        text('formatted', 'The full mailing address.'),
        text('streetAddress', 'The street address.'),
        text('locality', 'The city or locality.'),
        text('region', 'The state or region.'),
        text('postalCode', 'The zip or postal code.'),
        text('country', 'The country (ISO 3166-1 alpha-2).'),
        text('type', 'work, home or other.', { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean', { description: 'Marks the preferred address.' }),
      ],
    }),
    readOnlyMembership('groups', 'Groups the user belongs to, managed through the Group resource.'),
    multiValuedComplex('entitlements', 'Entitlements of the user.', []),
    multiValuedComplex('roles', 'Roles of the user, such as Entra app roles.', []),
    multiValuedComplex('x509Certificates', 'Certificates of the user.', [], {}, []),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    text('employeeNumber', 'Numeric or alphanumeric identifier assigned by the organization.'),
    text('costCenter', 'Name of a cost center.'),
    text('organization', 'Name of an organization.'),
    text('division', 'Name of a division.'),
    text('department', 'Name of a department.'),
    attribute('manager', 'complex', {
      description: "The user's manager.",
      subAttributes: [
        text('value', 'The id of the SCIM resource representing the manager.'),
        attribute('$ref', 'reference', { referenceTypes: ['User'] }),
        text('displayName', 'The displayName of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const GROUP_SCHEMA: SchemaDefinition = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    text('displayName', 'A human-readable name for the group.', { required: true, uniqueness: 'server' }),
    attribute('members', 'complex', {
      multiValued: true,
      description: 'A list of members of the group.',
      subAttributes: [
        text('value', 'Identifier of the member.', { mutability: 'immutable', caseExact: true }),
        attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        text('display', 'The member displayName.', { mutability: 'readOnly' }),
        text('type', 'User or Group.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
    }),
  ],
};

/** Common attributes every resource carries (RFC 7643 §3.1); not part of any schema's `attributes`. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  text('id', 'Unique identifier assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  text('externalId', 'Identifier assigned by the provisioning client.', { caseExact: true }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [
      text('resourceType', 'The resource type.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('location', 'reference', { mutability: 'readOnly', referenceTypes: ['uri'] }),
      text('version', 'The weak ETag of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export interface ResourceSchemas {
  /** The core schema of the resource type. */
  core: SchemaDefinition;
  /** Extensions with definitions; other `urn:…:extension:…` attributes are stored as they come. */
  extensions: SchemaDefinition[];
}

export const USER_SCHEMAS: ResourceSchemas = { core: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA] };
export const GROUP_SCHEMAS: ResourceSchemas = { core: GROUP_SCHEMA, extensions: [] };

const findIn = (list: AttributeDefinition[] | undefined, name: string) =>
  list?.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());

/**
 * Looks up an attribute by schema URN (or undefined for the core/common attributes) and a dotted name.
 * Names are case-insensitive (RFC 7643 §2.1). Returns undefined for attributes we have no definition of —
 * callers treat those as free-form extension data (multi-valued when given an array, not case-exact).
 */
export function findAttribute(
  schemas: ResourceSchemas,
  schemaUrn: string | undefined,
  dottedName: string
): AttributeDefinition | undefined {
  const [head, ...rest] = dottedName.split('.');
  if (!head) return undefined;
  let current: AttributeDefinition | undefined;
  if (!schemaUrn || schemaUrn.toLowerCase() === schemas.core.id.toLowerCase()) {
    current = findIn(schemas.core.attributes, head) ?? findIn(COMMON_ATTRIBUTES, head);
  } else {
    const extension = schemas.extensions.find((schema) => schema.id.toLowerCase() === schemaUrn.toLowerCase());
    current = findIn(extension?.attributes, head);
  }
  for (const part of rest) current = findIn(current?.subAttributes, part);
  return current;
}

/** The URNs of extensions with definitions, longest first, so prefix matching picks the most specific. */
export const knownExtensionUrns = (schemas: ResourceSchemas): string[] =>
  schemas.extensions.map((schema) => schema.id).sort((a, b) => b.length - a.length);
