import { GROUP_SCHEMAS, USER_SCHEMAS } from '../../../../server/src/scim/schema/attributes';
import { URN } from '../../../../server/src/scim/schema/urns';
import { parseFilter, planFilter, type FieldMap, type FilterPlan } from '../../../../server/src/scim/filter';
import { EMPLOYEE_NUMBER_KEY, GROUP_FIELDS, USER_FIELDS } from './fields';
import { scimErrorOf } from './helpers';

const planUser = (filter: string, fields: FieldMap = USER_FIELDS) =>
  planFilter(parseFilter(filter), fields, USER_SCHEMAS);
const planGroup = (filter: string) => planFilter(parseFilter(filter), GROUP_FIELDS, GROUP_SCHEMAS);
const lookup = (key: string, op: string, value: unknown, negate = false) => ({ $lookup: { key, op, value, negate } });
const orNull = (column: string, where: object) => ({ $or: [where, { [column]: { $null: true } }] });

describe('planFilter: the common IdP filters are pure index queries', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['Entra test connection', 'userName eq "B0F4C3A6-5B2E-4A47"', { userNameLower: { $eq: 'b0f4c3a6-5b2e-4a47' } }],
    ['Okta user lookup', 'userName eq "Test.User@okta.local"', { userNameLower: { $eq: 'test.user@okta.local' } }],
    ['core-URN-qualified', `${URN.user}:userName eq "X"`, { userNameLower: { $eq: 'x' } }],
    ['id is caseExact and stored as-is', 'id eq "2819C223"', { scimId: { $eq: '2819C223' } }],
    ['Entra externalId (caseExact)', 'externalId eq "Alice-OID"', { externalId: { $eq: 'Alice-OID' } }],
    ['displayName', 'displayName eq "Babs"', { displayNameLower: { $eq: 'babs' } }],
    ['emails.value', 'emails.value eq "X@Y.com"', lookup('emails.value', 'eq', 'x@y.com')],
    ['emails without sub-attribute', 'emails eq "X@Y.com"', lookup('emails.value', 'eq', 'x@y.com')],
    ['value path on the value only', 'emails[value eq "X@Y.com"]', lookup('emails.value', 'eq', 'x@y.com')],
    [
      'value path, or of values',
      'emails[value eq "a@x" or value sw "b@"]',
      { $or: [lookup('emails.value', 'eq', 'a@x'), lookup('emails.value', 'sw', 'b@')] },
    ],
    ['active eq true', 'active eq true', { active: { $eq: true } }],
    ['Entra active eq "False"', 'active eq "False"', { active: { $eq: false } }],
    ['active ne true also matches NULL', 'active ne true', orNull('active', { active: { $ne: true } })],
    [
      'meta.lastModified gt',
      'meta.lastModified gt "2024-01-02T03:04:05Z"',
      { updatedAt: { $gt: '2024-01-02T03:04:05.000Z' } },
    ],
    [
      'meta.lastModified ge',
      'meta.lastModified ge "2024-01-02T05:04:05+02:00"',
      { updatedAt: { $gte: '2024-01-02T03:04:05.000Z' } },
    ],
    ['meta.lastModified lt', 'meta.lastModified lt "2024-01-02"', { updatedAt: { $lt: '2024-01-02T00:00:00.000Z' } }],
    [
      'meta.lastModified le',
      'meta.lastModified le "2024-01-02T03:04:05.678Z"',
      { updatedAt: { $lte: '2024-01-02T03:04:05.678Z' } },
    ],
    [
      'enterprise employeeNumber',
      `${URN.enterpriseUser}:employeeNumber eq "A1"`,
      { employeeNumberLower: { $eq: 'a1' } },
    ],
    ['userName co', 'userName co "Jen"', { userNameLower: { $contains: 'jen' } }],
    ['userName sw', 'userName sw "B"', { userNameLower: { $startsWith: 'b' } }],
    ['userName ew', 'userName ew "@Example.com"', { userNameLower: { $endsWith: '@example.com' } }],
    ['userName pr', 'userName pr', { $and: [{ userNameLower: { $notNull: true } }, { userNameLower: { $ne: '' } }] }],
    ['active pr', 'active pr', { active: { $notNull: true } }],
    ['emails.value pr', 'emails.value pr', lookup('emails.value', 'pr', null)],
    [
      'eq null is not present',
      'userName eq null',
      { $or: [{ userNameLower: { $null: true } }, { userNameLower: { $eq: '' } }] },
    ],
    [
      'and of index queries',
      'userName eq "a" and active eq true and meta.lastModified gt "2024-01-01T00:00:00Z"',
      {
        $and: [
          { userNameLower: { $eq: 'a' } },
          { active: { $eq: true } },
          { updatedAt: { $gt: '2024-01-01T00:00:00.000Z' } },
        ],
      },
    ],
    [
      'or of index queries',
      'userName eq "a" or externalId eq "b" or emails.value eq "c"',
      { $or: [{ userNameLower: { $eq: 'a' } }, { externalId: { $eq: 'b' } }, lookup('emails.value', 'eq', 'c')] },
    ],
    [
      'Entra externalId or userName',
      '(externalId eq "x" or userName eq "y") and active eq "True"',
      { $and: [{ $or: [{ externalId: { $eq: 'x' } }, { userNameLower: { $eq: 'y' } }] }, { active: { $eq: true } }] },
    ],
  ])('%s: %s', (_name, filter, where) => {
    expect(planUser(filter)).toEqual<FilterPlan>({ where, residual: undefined });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['Entra group matching', 'displayName eq "Group1"', { displayNameLower: { $eq: 'group1' } }],
    ['members.value (caseExact)', 'members.value eq "2819C223"', lookup('members.value', 'eq', '2819C223')],
    ['Entra membership check', 'members[value eq "2819c223"]', lookup('members.value', 'eq', '2819c223')],
    [
      'id and member',
      'id eq "g1" and members[value eq "u1"]',
      { $and: [{ scimId: { $eq: 'g1' } }, lookup('members.value', 'eq', 'u1')] },
    ],
  ])('groups, %s: %s', (_name, filter, where) => {
    expect(planGroup(filter)).toEqual<FilterPlan>({ where, residual: undefined });
  });
});

describe('planFilter: negation is pushed to the leaves, and negated leaves match NULL', () => {
  it.each<[string, Record<string, unknown>]>([
    ['userName ne "A"', orNull('userNameLower', { userNameLower: { $ne: 'a' } })],
    ['not (userName eq "A")', orNull('userNameLower', { userNameLower: { $ne: 'a' } })],
    ['not (userName ne "A")', { userNameLower: { $eq: 'a' } }],
    ['not (not (userName eq "A"))', { userNameLower: { $eq: 'a' } }],
    ['not (userName co "a")', orNull('userNameLower', { userNameLower: { $notContains: 'a' } })],
    ['not (userName sw "a")', orNull('userNameLower', { $not: { userNameLower: { $startsWith: 'a' } } })],
    ['not (userName ew "a")', orNull('userNameLower', { $not: { userNameLower: { $endsWith: 'a' } } })],
    ['not (userName pr)', { $or: [{ userNameLower: { $null: true } }, { userNameLower: { $eq: '' } }] }],
    ['not (active pr)', { active: { $null: true } }],
    [
      'not (meta.lastModified gt "2024-01-01T00:00:00Z")',
      orNull('updatedAt', { updatedAt: { $lte: '2024-01-01T00:00:00.000Z' } }),
    ],
    [
      'not (meta.lastModified ge "2024-01-01T00:00:00Z")',
      orNull('updatedAt', { updatedAt: { $lt: '2024-01-01T00:00:00.000Z' } }),
    ],
    [
      'not (meta.lastModified lt "2024-01-01T00:00:00Z")',
      orNull('updatedAt', { updatedAt: { $gte: '2024-01-01T00:00:00.000Z' } }),
    ],
    [
      'not (meta.lastModified le "2024-01-01T00:00:00Z")',
      orNull('updatedAt', { updatedAt: { $gt: '2024-01-01T00:00:00.000Z' } }),
    ],
    ['not (active eq false)', orNull('active', { active: { $ne: false } })],
    ['id ne "x"', orNull('scimId', { scimId: { $ne: 'x' } })],
    [
      'not (userName eq "a" and active eq true)',
      // nested $or flattened
      {
        $or: [
          { userNameLower: { $ne: 'a' } },
          { userNameLower: { $null: true } },
          { active: { $ne: true } },
          { active: { $null: true } },
        ],
      },
    ],
    [
      'not (userName eq "a" or active eq true)',
      { $and: [orNull('userNameLower', { userNameLower: { $ne: 'a' } }), orNull('active', { active: { $ne: true } })] },
    ],
    ['not (emails.value eq "X")', lookup('emails.value', 'eq', 'x', true)],
    ['not (emails[value eq "X"])', lookup('emails.value', 'eq', 'x', true)],
    ['not (emails.value pr)', lookup('emails.value', 'pr', null, true)],
    // Multi-valued "not equal": some value differs, or none at all.
    ['emails.value ne "X"', { $or: [lookup('emails.value', 'ne', 'x'), lookup('emails.value', 'pr', null, true)] }],
    [
      'not (emails.value ne "X")',
      { $and: [lookup('emails.value', 'ne', 'x', true), lookup('emails.value', 'pr', null)] },
    ],
  ])('%s', (filter, where) => {
    expect(planUser(filter)).toEqual<FilterPlan>({ where, residual: undefined });
  });
});

describe('planFilter: what stays residual, and why', () => {
  it('keeps the type part of Entra\'s emails[type eq "work"].value eq "x" residual, narrowed by the value lookup', () => {
    const filter = parseFilter('emails[type eq "work"].value eq "X@Y.com"');
    expect(planFilter(filter, USER_FIELDS, USER_SCHEMAS)).toEqual<FilterPlan>({
      where: lookup('emails.value', 'eq', 'x@y.com'),
      residual: filter,
    });
  });

  it('keeps only the inexact side of an and residual', () => {
    const plan = planUser('userName eq "a" and title eq "Boss"');
    expect(plan).toEqual<FilterPlan>({
      where: { userNameLower: { $eq: 'a' } },
      residual: parseFilter('title eq "Boss"'),
    });
  });

  it('keeps an or residual as a whole, unrestricted when a side has no index', () => {
    const filter = parseFilter('userName eq "a" or title eq "Boss"');
    expect(planFilter(filter, USER_FIELDS, USER_SCHEMAS)).toEqual<FilterPlan>({ where: undefined, residual: filter });
  });

  it('keeps the negation with a negated residual', () => {
    const plan = planUser('not (userName eq "a" or title eq "Boss")');
    expect(plan).toEqual<FilterPlan>({
      where: orNull('userNameLower', { userNameLower: { $ne: 'a' } }),
      residual: parseFilter('not (title eq "Boss")'),
    });
  });

  it.each<[string, string, Record<string, unknown> | undefined]>([
    ['LIKE wildcard %', 'userName co "50%"', undefined],
    ['LIKE wildcard _', 'userName sw "a_b"', undefined],
    ['LIKE escape \\', 'userName ew "a\\\\b"', undefined],
    ['LIKE wildcard in a lookup', 'emails.value co "%"', undefined],
    [
      'co on a caseExact column narrows (SQLite LIKE ignores case)',
      'externalId co "Ab"',
      { externalId: { $contains: 'Ab' } },
    ],
    ['negated co on a caseExact column', 'not (externalId co "Ab")', undefined],
    ['string ordering follows the collation', 'userName gt "m"', undefined],
    ['empty string operand', 'userName eq ""', undefined],
    ['attribute without a field', 'title eq "Boss"', undefined],
    ['free-form extension attribute', 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team eq "x"', undefined],
    ['schemas', `schemas eq "${URN.enterpriseUser}"`, undefined],
    ['presence of a complex attribute', 'emails pr', undefined],
    ['dateTime co', 'meta.lastModified co "2024"', undefined],
    ['value path with ne', 'emails[type ne "work"]', undefined],
    [
      'value path with a non-value part',
      'emails[type eq "work" and value co "@x.org"]',
      lookup('emails.value', 'co', '@x.org'),
    ],
    ['negated value path that is not exact', 'not (emails[type eq "work" and value co "@x.org"])', undefined],
  ])('%s: %s', (_name, filter, where) => {
    const plan = planUser(filter);
    expect(plan.where).toEqual(where);
    expect(plan.residual).toEqual(parseFilter(filter));
  });

  it('narrows only, on a lower-cased column of a caseExact attribute', () => {
    const fields: FieldMap = {
      ...USER_FIELDS,
      externalid: { kind: 'column', column: 'externalIdLower', type: 'string', lowercased: true, caseExact: true },
    };
    expect(planUser('externalId eq "AbC"', fields)).toEqual<FilterPlan>({
      where: { externalIdLower: { $eq: 'abc' } },
      residual: parseFilter('externalId eq "AbC"'),
    });
    expect(planUser('externalId ne "AbC"', fields)).toEqual<FilterPlan>({
      where: undefined,
      residual: parseFilter('externalId ne "AbC"'),
    });
  });

  it('cannot use an as-is column of a case-insensitive attribute', () => {
    const fields: FieldMap = {
      ...USER_FIELDS,
      username: { kind: 'column', column: 'userName', type: 'string', lowercased: false, caseExact: false },
    };
    expect(planUser('userName eq "a"', fields).where).toBeUndefined();
  });

  it('distrusts a field whose caseExact contradicts the schema', () => {
    const fields: FieldMap = {
      ...USER_FIELDS,
      username: { kind: 'column', column: 'userName', type: 'string', lowercased: false, caseExact: true },
    };
    expect(planUser('userName eq "a"', fields)).toEqual<FilterPlan>({
      where: undefined,
      residual: parseFilter('userName eq "a"'),
    });
  });

  it('ignores a column mapped to a multi-valued attribute', () => {
    const fields: FieldMap = {
      ...USER_FIELDS,
      'emails.value': { kind: 'column', column: 'primaryEmail', type: 'string', lowercased: true, caseExact: false },
    };
    expect(planUser('emails.value eq "a"', fields).where).toBeUndefined();
  });

  it('only narrows string comparisons under case-insensitive collations (MySQL)', () => {
    const plan = planFilter(parseFilter('userName eq "A" and not (displayName eq "B")'), USER_FIELDS, USER_SCHEMAS, {
      stringComparison: 'insensitive',
    });
    expect(plan).toEqual<FilterPlan>({
      where: { userNameLower: { $eq: 'a' } },
      residual: parseFilter('userName eq "A" and not (displayName eq "B")'),
    });
  });
});

describe('planFilter: errors', () => {
  it.each<[string, RegExp]>([
    ['foo eq "x"', /Unknown attribute "foo" for User resources/],
    ['manager eq "x"', /Unknown attribute "manager"/], // the enterprise manager must be URN-qualified
    ['emails[foo eq "x"]', /Unknown attribute "foo" in "emails\[…\]"/],
    [`${URN.enterpriseUser}:bogus pr`, /Unknown attribute/],
    ['active gt true', /cannot order booleans/],
    ['active eq "maybe"', /compare it with true or false/],
    ['meta.lastModified gt "last week"', /not an ISO 8601 date-time/],
    ['title pr or emails[type gt false]', /cannot order booleans/],
  ])('%s', (filter, detail) => {
    const error = scimErrorOf(() => planUser(filter));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toMatch(detail);
  });

  it('rejects user attributes in group filters', () => {
    expect(scimErrorOf(() => planGroup('userName eq "x"')).message).toMatch(
      /Unknown attribute "userName" for Group resources/
    );
  });

  it('accepts the key format of pathKey for extension fields', () => {
    expect(EMPLOYEE_NUMBER_KEY).toBe('urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber');
  });
});
