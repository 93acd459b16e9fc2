/** Field maps shaped like the ones the store will declare: what is indexed, and how. */
import { URN } from '../../../../server/src/scim/schema/urns';
import type { FieldMap } from '../../../../server/src/scim/filter';

export const EMPLOYEE_NUMBER_KEY = `${URN.enterpriseUser.toLowerCase()}:employeenumber`;

export const USER_FIELDS: FieldMap = {
  id: { kind: 'column', column: 'scimId', type: 'string', lowercased: false, caseExact: true },
  username: { kind: 'column', column: 'userNameLower', type: 'string', lowercased: true, caseExact: false },
  externalid: { kind: 'column', column: 'externalId', type: 'string', lowercased: false, caseExact: true },
  displayname: { kind: 'column', column: 'displayNameLower', type: 'string', lowercased: true, caseExact: false },
  active: { kind: 'column', column: 'active', type: 'boolean', lowercased: false, caseExact: false },
  'meta.lastmodified': { kind: 'column', column: 'updatedAt', type: 'dateTime', lowercased: false, caseExact: false },
  'emails.value': { kind: 'lookup', key: 'emails.value', lowercased: true },
  [EMPLOYEE_NUMBER_KEY]: {
    kind: 'column',
    column: 'employeeNumberLower',
    type: 'string',
    lowercased: true,
    caseExact: false,
  },
};

export const GROUP_FIELDS: FieldMap = {
  id: { kind: 'column', column: 'scimId', type: 'string', lowercased: false, caseExact: true },
  externalid: { kind: 'column', column: 'externalId', type: 'string', lowercased: false, caseExact: true },
  displayname: { kind: 'column', column: 'displayNameLower', type: 'string', lowercased: true, caseExact: false },
  // members.value is caseExact (ids), so its index keeps values as they are.
  'members.value': { kind: 'lookup', key: 'members.value', lowercased: false },
};
