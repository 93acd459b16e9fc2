import { GROUP_SCHEMAS, USER_SCHEMAS } from '../../../../server/src/scim/schema/attributes';
import { URN } from '../../../../server/src/scim/schema/urns';
import {
  compileElementFilter,
  evaluateElementFilter,
  evaluateFilter,
  parseFilter,
  parsePatchPath,
  type ScimResource,
} from '../../../../server/src/scim/filter';
import { path, scimErrorOf } from './helpers';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

/** RFC 7643 §8.2's full user, trimmed, plus extension data shaped as Entra sends it. */
const bjensen: ScimResource = {
  schemas: [URN.user, URN.enterpriseUser],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen-EXT',
  userName: 'bjensen@example.com',
  name: { familyName: "O'Malley", givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff591"',
  },
  [URN.enterpriseUser]: { employeeNumber: '701984', manager: { value: '26118915-6090' } },
  [CUSTOM.toLowerCase()]: { folders: ['Inbox', 'Archive'] },
  [METADATA]: { team: [{ value: 'Platform' }], level: 3, remote: false },
};

/** A sparse user: most attributes unassigned in the different ways a store may leave them. */
const sparse: ScimResource = {
  schemas: [URN.user],
  id: 'sparse-1',
  userName: 'sparse',
  title: '',
  nickName: null,
  emails: [],
  active: 'False', // stored as Entra sent it
};

const matches = (filter: string, resource: ScimResource) => evaluateFilter(parseFilter(filter), resource, USER_SCHEMAS);

describe('evaluateFilter: RFC 7644 §3.4.2.2 examples against RFC 7643 §8.2 bjensen', () => {
  it.each<[string, boolean]>([
    ['userName eq "bjensen@example.com"', true],
    [`name.familyName co "O'Malley"`, true],
    ['userName sw "J"', false],
    ['userName sw "B"', true],
    [`${URN.user}:userName sw "b"`, true],
    ['title pr', true],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', true],
    ['title pr and userType eq "Employee"', true],
    ['title pr or userType eq "Intern"', true],
    [`schemas eq "${URN.enterpriseUser}"`, true],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter, bjensen)).toBe(expected);
  });
});

describe('evaluateFilter: truth tables', () => {
  it.each<[string, string, ScimResource, boolean]>([
    // Case: RFC 7643 §2.2 caseExact decides; userName is case-insensitive, id and externalId are not.
    ['case-insensitive string', 'userName eq "BJENSEN@EXAMPLE.COM"', bjensen, true],
    ['case-insensitive co', 'displayName co "JENSEN"', bjensen, true],
    ['caseExact externalId, other case', 'externalId eq "bjensen-ext"', bjensen, false],
    ['caseExact externalId, same case', 'externalId eq "bjensen-EXT"', bjensen, true],
    ['caseExact id, other case', 'id eq "2819C223-7F76-453A-919D-413861904646"', bjensen, false],
    ['caseExact meta.version', 'meta.version eq "w/\\"3694e05e9dff591\\""', bjensen, false],
    ['attribute names are case-insensitive', 'USERNAME eq "bjensen@example.com"', bjensen, true],
    ['URNs are case-insensitive', `${URN.enterpriseUser.toUpperCase()}:EMPLOYEENUMBER eq "701984"`, bjensen, true],
    // Multi-valued: any value may match (RFC 7644 §3.4.2.2).
    ['multi-valued, second value', 'emails.value eq "babs@jensen.org"', bjensen, true],
    ['complex multi-valued compares value', 'emails eq "BABS@jensen.org"', bjensen, true],
    ['multi-valued ne: some value differs', 'emails.value ne "babs@jensen.org"', bjensen, true],
    ['value path needs one element for both', 'emails[type eq "home" and value co "example.com"]', bjensen, false],
    ['Entra form, same element', 'emails[type eq "work"].value eq "bjensen@example.com"', bjensen, true],
    ['Entra form, other element', 'emails[type eq "work"].value eq "babs@jensen.org"', bjensen, false],
    ['value path boolean sub-attribute', 'emails[primary eq true].value ew "example.com"', bjensen, true],
    ['not of a value path', 'not (emails[type eq "other"])', bjensen, true],
    // Missing attributes: pr false, ne and not true (RFC 7644 §3.4.2.2; RFC 7643 §2.5 unassigned).
    ['missing: eq', 'nickName eq "x"', bjensen, false],
    ['missing: ne', 'nickName ne "x"', bjensen, true],
    ['missing: not eq', 'not (nickName eq "x")', bjensen, true],
    ['missing: gt', 'nickName gt "a"', bjensen, false],
    ['missing: pr', 'nickName pr', bjensen, false],
    ['null: pr', 'nickName pr', sparse, false],
    ['empty string: pr', 'title pr', sparse, false],
    ['empty string: ne', 'title ne "x"', sparse, true],
    ['empty string: eq ""', 'title eq ""', sparse, false],
    ['empty array: pr', 'emails pr', sparse, false],
    ['empty array: ne', 'emails.value ne "x"', sparse, true],
    ['empty array: value path', 'emails[type eq "work"]', sparse, false],
    ['eq null means not present', 'title eq null', sparse, true],
    ['ne null means present', 'userName ne null', sparse, true],
    ['complex present when a sub-attribute is', 'name pr', bjensen, true],
    ['complex absent', 'name pr', sparse, false],
    // Booleans: Entra sends and stores "True"/"False" strings.
    ['boolean true', 'active eq true', bjensen, true],
    ['boolean vs "TRUE"', 'active eq "TRUE"', bjensen, true],
    ['boolean vs "False"', 'active eq "False"', bjensen, false],
    ['stored "False" vs false', 'active eq false', sparse, true],
    ['boolean ne', 'active ne false', bjensen, true],
    ['missing boolean ne', 'active ne true', { id: 'x' }, true],
    // dateTime: instants, not text.
    ['dateTime with offset', 'meta.lastModified eq "2011-05-13T06:42:34+02:00"', bjensen, true],
    ['dateTime with milliseconds', 'meta.lastModified lt "2011-05-13T04:42:34.001Z"', bjensen, true],
    ['dateTime date only', 'meta.created gt "2010-01-23"', bjensen, true],
    ['dateTime co looks at the text', 'meta.created co "2010-01"', bjensen, true],
    // Strings order by code units, case-folded when not caseExact.
    ['string gt, case-insensitive', 'userName gt "BJ"', bjensen, true],
    ['string lt, case-insensitive', 'userName lt "BJ"', bjensen, false],
    ['string ge on caseExact externalId', 'externalId ge "bjensen-ext"', bjensen, false],
    // Extensions: defined (enterprise) and free-form (custom), arrays of strings or of { value }.
    ['enterprise attribute', `${URN.enterpriseUser}:employeeNumber eq "701984"`, bjensen, true],
    ['enterprise complex via value', `${URN.enterpriseUser}:manager eq "26118915-6090"`, bjensen, true],
    ['enterprise sub-attribute', `${URN.enterpriseUser}:manager.value sw "2611"`, bjensen, true],
    ['custom array of strings', `${CUSTOM}:folders eq "archive"`, bjensen, true],
    ['custom array of strings, value path', `${CUSTOM}:folders[value eq "INBOX"]`, bjensen, true],
    ['custom array of { value }', `${METADATA}:team eq "platform"`, bjensen, true],
    ['custom array of { value }, .value', `${METADATA}:team.value co "form"`, bjensen, true],
    ['custom number', `${METADATA}:level gt 2`, bjensen, true],
    ['custom number vs string', `${METADATA}:level eq "3"`, bjensen, false],
    ['custom boolean vs Entra string', `${METADATA}:remote eq "False"`, bjensen, true],
    ['custom missing extension', `${METADATA}:team pr`, sparse, false],
    ['custom missing ne', `${METADATA}:team ne "x"`, sparse, true],
  ])('%s: %s → %s', (_name, filter, resource, expected) => {
    expect(matches(filter, resource)).toBe(expected);
  });

  it('evaluates group filters (Entra: displayName eq "Group1"; members[value eq …])', () => {
    const group: ScimResource = { id: 'g1', displayName: 'Group1', members: [{ value: 'u1' }, { value: 'u2' }] };
    const groupMatches = (filter: string) => evaluateFilter(parseFilter(filter), group, GROUP_SCHEMAS);
    expect(groupMatches('displayName eq "group1"')).toBe(true);
    expect(groupMatches('members[value eq "u2"]')).toBe(true);
    expect(groupMatches('members.value eq "u3"')).toBe(false);
    expect(scimErrorOf(() => groupMatches('userName eq "x"')).message).toMatch(
      /Unknown attribute "userName" for Group resources/
    );
  });

  it('does not read inherited properties', () => {
    expect(matches('urn:a:b:c:constructor pr', {})).toBe(false);
    expect(matches('urn:a:b:c:toString pr', { 'urn:a:b:c': {} })).toBe(false);
  });
});

describe('evaluateFilter: invalid filters fail before looking at data', () => {
  it.each<[string, RegExp]>([
    ['foo eq "x"', /Unknown attribute "foo" for User resources/],
    ['name.foo eq "x"', /Unknown attribute "name\.foo"/],
    ['userName.foo eq "x"', /Unknown attribute "userName\.foo"/],
    [`${URN.enterpriseUser}:foo eq "x"`, /Unknown attribute/],
    [`${URN.group}:displayName eq "x"`, /Unknown attribute/],
    ['emails[foo eq "x"]', /Unknown attribute "foo" in "emails\[…\]"/],
    ['userName[value eq "x"]', /"userName" has no sub-attributes/],
    ['active gt true', /"gt" cannot order booleans/],
    ['active gt "true"', /"active" is a boolean; only eq and ne apply/],
    ['active co "t"', /"active" is a boolean; only eq and ne apply/],
    ['active eq "yes"', /compare it with true or false/],
    ['active eq 1', /compare it with true or false/],
    ['meta.lastModified gt "yesterday"', /"yesterday" is not an ISO 8601 date-time/],
    ['meta.lastModified gt "2011-02-30T00:00:00Z"', /not an ISO 8601 date-time/],
    ['meta.lastModified gt 5', /is a dateTime; compare it with an ISO 8601 string/],
    ['userName eq 5', /"userName" is a string; compare it with a "string"/],
    ['userName co 5', /"co" needs a string operand/],
    ['userName gt null', /"gt" cannot compare "userName" with null/],
    ['name eq "x"', /"name" is complex; compare one of its sub-attributes/],
    [`${METADATA}:team gt true`, /cannot order booleans/],
  ])('%s', (filter, detail) => {
    const error = scimErrorOf(() => evaluateFilter(parseFilter(filter), {}, USER_SCHEMAS));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(detail);
  });
});

describe('evaluateElementFilter (PATCH value filters, RFC 7644 §3.5.2)', () => {
  it('selects the elements a PATCH path names', () => {
    const patchPath = parsePatchPath('emails[type eq "work"]');
    const emails = bjensen.emails as unknown[];
    const isTarget = compileElementFilter(patchPath.filter!, patchPath.path, USER_SCHEMAS);
    expect(emails.filter(isTarget)).toEqual([emails[0]]);
  });

  it('matches group members by value, case-exactly (members.value is an id)', () => {
    const { filter, path: attribute } = parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]');
    const member = (value: string) => evaluateElementFilter(filter!, { value }, attribute, GROUP_SCHEMAS);
    expect(member('2819c223-7f76-453a-919d-413861904646')).toBe(true);
    expect(member('2819C223-7F76-453A-919D-413861904646')).toBe(false);
    expect(member('other')).toBe(false);
  });

  it('treats plain values of free-form extensions as their own value', () => {
    const filter = parseFilter('value sw "in"');
    expect(evaluateElementFilter(filter, 'Inbox', path('folders', undefined, CUSTOM), USER_SCHEMAS)).toBe(true);
  });

  it('reports bad element filters as invalidPath', () => {
    const { filter, path: attribute } = parsePatchPath('emails[foo eq "x"]');
    expect(scimErrorOf(() => evaluateElementFilter(filter!, {}, attribute, USER_SCHEMAS)).scimType).toBe('invalidPath');
    const error = scimErrorOf(() =>
      evaluateElementFilter(parseFilter('value eq "x"'), {}, path('userName'), USER_SCHEMAS)
    );
    expect(error.message).toMatch(/"userName" has no sub-attributes/);
  });
});
