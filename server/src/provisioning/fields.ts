/**
 * Which SCIM attributes are answered by an indexed column (or index table) — the part of a filter that
 * becomes a database query. Keys are `pathKey()` spellings: lower-case, core attributes without URN.
 */
import type { FieldMap } from '../scim/filter';

export const USER_FIELDS: FieldMap = {
  id: { kind: 'column', column: 'scimId', type: 'string', lowercased: false, caseExact: true },
  username: { kind: 'column', column: 'userNameLower', type: 'string', lowercased: true, caseExact: false },
  externalid: { kind: 'column', column: 'externalId', type: 'string', lowercased: false, caseExact: true },
  displayname: { kind: 'column', column: 'displayNameLower', type: 'string', lowercased: true, caseExact: false },
  active: { kind: 'column', column: 'active', type: 'boolean', lowercased: false, caseExact: false },
  'meta.created': { kind: 'column', column: 'createdAt', type: 'dateTime', lowercased: false, caseExact: false },
  'meta.lastmodified': { kind: 'column', column: 'updatedAt', type: 'dateTime', lowercased: false, caseExact: false },
  'emails.value': { kind: 'lookup', key: 'emails.value', lowercased: true },
};

export const GROUP_FIELDS: FieldMap = {
  id: { kind: 'column', column: 'scimId', type: 'string', lowercased: false, caseExact: true },
  displayname: { kind: 'column', column: 'displayNameLower', type: 'string', lowercased: true, caseExact: false },
  externalid: { kind: 'column', column: 'externalId', type: 'string', lowercased: false, caseExact: true },
  'meta.created': { kind: 'column', column: 'createdAt', type: 'dateTime', lowercased: false, caseExact: false },
  'meta.lastmodified': { kind: 'column', column: 'updatedAt', type: 'dateTime', lowercased: false, caseExact: false },
  'members.value': { kind: 'lookup', key: 'members.value', lowercased: false },
};

/** A look-up operator as a query-engine condition on a lower-cased (or exact) value column. */
export function lookupOperator(op: string, value: unknown, lowercased: boolean): Record<string, unknown> {
  const operand = typeof value === 'string' && lowercased ? value.toLowerCase() : value;
  switch (op) {
    case 'eq': return { $eq: operand };
    case 'ne': return { $ne: operand };
    case 'co': return { $contains: operand };
    case 'sw': return { $startsWith: operand };
    case 'ew': return { $endsWith: operand };
    case 'gt': return { $gt: operand };
    case 'ge': return { $gte: operand };
    case 'lt': return { $lt: operand };
    case 'le': return { $lte: operand };
    case 'pr': return { $notNull: true };
    default: throw new Error(`unknown look-up operator ${op}`);
  }
}
