import { URN } from '../../../../server/src/scim/schema/urns';
import { GROUP_SCHEMAS, USER_SCHEMAS } from '../../../../server/src/scim/schema/attributes';
import {
  MAX_NESTING_DEPTH,
  MAX_TEXT_LENGTH,
  formatAttributePath,
  formatFilter,
  parseAttributePath,
  parseFilter,
  parsePatchPath,
  pathKey,
  type FilterNode,
  type PatchPath,
} from '../../../../server/src/scim/filter';
import { and, cmp, not, or, path, pr, scimErrorOf, valuePath } from './helpers';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

describe('parseFilter: RFC 7644 §3.4.2.2 examples', () => {
  const examples: Array<[string, FilterNode]> = [
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    [`name.familyName co "O'Malley"`, cmp('name.familyName', 'co', "O'Malley")],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    [`${URN.user}:userName sw "J"`, cmp(path('userName', undefined, URN.user), 'sw', 'J')],
    ['title pr', pr('title')],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z')],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z')],
    ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
    [`schemas eq "${URN.enterpriseUser}"`, cmp('schemas', 'eq', URN.enterpriseUser)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(
        cmp('userType', 'eq', 'Employee'),
        or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))
      ),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(
        cmp('userType', 'ne', 'Employee'),
        not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')))
      ),
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work')),
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(
        cmp('userType', 'eq', 'Employee'),
        valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')))
      ),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(
        valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        valuePath('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com')))
      ),
    ],
  ];

  it.each(examples)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: what Microsoft Entra ID and Okta send', () => {
  const examples: Array<[string, string, FilterNode]> = [
    // Entra "Test Connection" queries a random GUID as userName and expects an empty list.
    [
      'Entra test connection',
      'userName eq "b0f4c3a6-5b2e-4a47-9a55-0bde7e7c1c88"',
      cmp('userName', 'eq', 'b0f4c3a6-5b2e-4a47-9a55-0bde7e7c1c88'),
    ],
    ['Entra matching on externalId', 'externalId eq "alice-objectid"', cmp('externalId', 'eq', 'alice-objectid')],
    ['Entra group matching', 'displayName eq "Group1"', cmp('displayName', 'eq', 'Group1')],
    // Entra's non-standard value-path-then-comparison; the same element must be the work email and have the value.
    [
      'Entra emails[type eq "work"].value eq',
      'emails[type eq "work"].value eq "x@y.com"',
      valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x@y.com'))),
    ],
    [
      'Entra-style value path with trailing pr',
      'emails[type eq "work"].value pr',
      valuePath('emails', and(cmp('type', 'eq', 'work'), pr('value'))),
    ],
    ['Entra boolean as a string', 'active eq "False"', cmp('active', 'eq', 'False')],
    [
      'Entra enterprise extension attribute',
      `${URN.enterpriseUser}:employeeNumber eq "1"`,
      cmp(path('employeeNumber', undefined, URN.enterpriseUser), 'eq', '1'),
    ],
    [
      'Entra custom extension attribute',
      `${CUSTOM}:folders eq "x"`,
      cmp(path('folders', undefined, CUSTOM), 'eq', 'x'),
    ],
    [
      'Entra custom extension in the documented long form',
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute eq "v"',
      cmp(
        path('CustomAttribute', undefined, 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'),
        'eq',
        'v'
      ),
    ],
    ['extension named Metadata', `${METADATA}:team eq "x"`, cmp(path('team', undefined, METADATA), 'eq', 'x')],
    [
      'enterprise manager sub-attribute',
      `${URN.enterpriseUser}:manager.value eq "26118915"`,
      cmp(path('manager', 'value', URN.enterpriseUser), 'eq', '26118915'),
    ],
    ['Okta user lookup', 'userName eq "test.user@okta.local"', cmp('userName', 'eq', 'test.user@okta.local')],
    [
      'Entra group membership check',
      'members[value eq "2819c223"]',
      valuePath('members', cmp('value', 'eq', '2819c223')),
    ],
  ];

  it.each(examples)('%s: %s', (_source, text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('parseFilter: lexical details', () => {
  it.each<[string, string, FilterNode]>([
    ['escaped quotes', 'displayName eq "A \\"quoted\\" name"', cmp('displayName', 'eq', 'A "quoted" name')],
    ['escaped backslash', 'displayName eq "back\\\\slash"', cmp('displayName', 'eq', 'back\\slash')],
    ['\\u escape', 'name.givenName eq "Ren\\u00e9"', cmp('name.givenName', 'eq', 'René')],
    ['surrogate pair escapes', 'displayName eq "\\ud83d\\ude00"', cmp('displayName', 'eq', '😀')],
    ['all JSON escapes', 'displayName eq "\\/\\b\\f\\n\\r\\t"', cmp('displayName', 'eq', '/\b\f\n\r\t')],
    ['raw non-ASCII', 'displayName eq "Zoë 😀"', cmp('displayName', 'eq', 'Zoë 😀')],
    ['integer', 'x eq 42', cmp('x', 'eq', 42)],
    ['negative decimal with exponent', 'x gt -1.5e3', cmp('x', 'gt', -1500)],
    ['true', 'active eq true', cmp('active', 'eq', true)],
    ['FALSE in capitals', 'active eq FALSE', cmp('active', 'eq', false)],
    ['null', 'title eq null', cmp('title', 'eq', null)],
    ['upper-case operator', 'userName EQ "x"', cmp('userName', 'eq', 'x')],
    ['mixed-case operator', 'userName Eq "x"', cmp('userName', 'eq', 'x')],
    ['upper-case PR', 'title PR', pr('title')],
    ['upper-case AND/OR/NOT', 'NOT (a Pr) AND b pr OR c pr', or(and(not(pr('a')), pr('b')), pr('c'))],
    ['not without space', 'not(title pr)', not(pr('title'))],
    ['names keep their spelling', 'USERNAME eq "x"', cmp('USERNAME', 'eq', 'x')],
    ['extra whitespace', '  userName   eq\t"x"  ', cmp('userName', 'eq', 'x')],
    ['$ref sub-attribute', 'members.$ref eq "x"', cmp('members.$ref', 'eq', 'x')],
    [
      'core URN in lower case',
      `${URN.user.toLowerCase()}:userName eq "x"`,
      cmp(path('userName', undefined, URN.user.toLowerCase()), 'eq', 'x'),
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it('binds and tighter than or, both left-associative (RFC 7644 §3.4.2.2 precedence)', () => {
    expect(parseFilter('a pr or b pr and c pr or d pr')).toEqual(or(or(pr('a'), and(pr('b'), pr('c'))), pr('d')));
    expect(parseFilter('a pr and b pr and c pr')).toEqual(and(and(pr('a'), pr('b')), pr('c')));
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual(and(or(pr('a'), pr('b')), pr('c')));
  });

  it('uses the longest known URN and splits unknown ones at the last colon', () => {
    const longer = `${CUSTOM}:Sub`;
    expect(parseFilter(`${longer}:attr eq "x"`, { knownUrns: [CUSTOM, longer] })).toEqual(
      cmp(path('attr', undefined, longer), 'eq', 'x')
    );
    // Known CUSTOM and an attribute with a colon in it: the colon makes the name invalid.
    expect(scimErrorOf(() => parseFilter(`${longer}:attr eq "x"`, { knownUrns: [CUSTOM] })).message).toMatch(
      /not an attribute name/
    );
    expect(parseFilter(`${longer}:attr eq "x"`)).toEqual(cmp(path('attr', undefined, longer), 'eq', 'x'));
  });
});

describe('parseFilter: errors are invalidFilter with what and where', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /The filter is empty/],
    ['   ', /The filter is empty/],
    ['userName', /Expected an operator .* after "userName", found the end of the filter/],
    ['userName xx "a"', /Unknown operator "xx" at character 10/],
    ['userName eq', /Expected a value .* after "eq", found the end of the filter/],
    ['meta.lastModified gt', /Expected a value .* after "gt"/],
    ['userName eq x', /Expected a value .* found "x" at character 13/],
    ['userName eq "abc', /Unterminated string starting at character 13/],
    ['userName eq "a\\qb"', /Invalid escape sequence "\\q" .* at character 15/],
    ['userName eq "\\u00g1"', /Invalid escape sequence "\\u00g1"/],
    ['userName eq "a\nb"', /Unescaped control character U\+000A .* at character 15/],
    ['userName eq 01', /Malformed number "01" at character 13/],
    ['userName eq 1.', /Malformed number "1\." at character 13/],
    ['userName eq -', /Malformed number "-" at character 13/],
    ['userName eq 1e999', /out of range/],
    ['userName eq "x" foo', /Unexpected "foo" at character 17; expected "and", "or" or the end of the filter/],
    ['userName eq "x")', /Unbalanced "\)" at character 16/],
    ['(userName eq "x"', /Expected "and", "or" or "\)" closing the "\(" at character 1, found the end of the filter/],
    ['not userName eq "x"', /Expected "\(" after "not", found "userName" at character 5/],
    ['userName eq "x" and', /Expected an attribute name, "not" or "\(", found the end of the filter/],
    ['userName eq "x" or or b pr', /Unknown operator "b" at character 23/],
    ['# eq "x"', /Unexpected character "#" at character 1/],
    ['userName pr pr', /Unexpected "pr" at character 13/],
    ['emails[type eq "work"', /closing the "\[" at character 7, found the end of the filter/],
    ['emails[]', /Empty value filter "\[\]" at character 7/],
    ['emails[type[value eq "x"] eq "y"]', /Value filters cannot nest: "\[" at character 12/],
    ['name.givenName[value eq "x"]', /"\[" at character 15 must follow an attribute name, not a sub-attribute/],
    ['emails[type eq "work"] .value eq "x"', /Unexpected space before "\." at character 24/],
    ['emails[type eq "work"].value', /Expected an operator .* after "value", found the end of the filter/],
    ['emails[type eq "work"].a.b eq "x"', /Expected a sub-attribute name right after "\]\."/],
    [
      'emails[name.givenName eq "x"]',
      /Expected a sub-attribute name inside "\[…\]", found "name\.givenName" at character 8/,
    ],
    ['a.b.c eq "x"', /Invalid attribute name "a\.b\.c" at character 1: only one level of sub-attribute/],
    ['name. eq "x"', /an empty name is not an attribute name/],
    ['urn:foo eq "x"', /Invalid attribute name "urn:foo" .* "urn:<namespace>:<schema>:<attribute>"/],
    [`${URN.enterpriseUser} eq "x"`, /names a schema, not an attribute/],
    ['1abc eq "x"', /Malformed number "1abc" at character 1/],
    ['"userName" eq "x"', /Expected an attribute name, "not" or "\(", found "userName" at character 1/],
    ['eq "x"', /Unknown operator "x"|Expected an operator/],
    ['()', /Expected an attribute name, "not" or "\(", found "\)" at character 2/],
  ];

  it.each(cases)('%j', (text, detail) => {
    const error = scimErrorOf(() => parseFilter(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toMatch(detail);
  });

  it(`refuses texts longer than ${MAX_TEXT_LENGTH} characters`, () => {
    const text = `userName eq "${'x'.repeat(MAX_TEXT_LENGTH)}"`;
    expect(scimErrorOf(() => parseFilter(text)).message).toMatch(/at most 8192 are accepted/);
    expect(() => parseFilter(`userName eq "${'x'.repeat(MAX_TEXT_LENGTH - 15)}"`)).not.toThrow();
  });

  it(`accepts ${MAX_NESTING_DEPTH} levels of nesting and refuses one more, without recursing deeply`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}title pr${')'.repeat(depth)}`;
    expect(parseFilter(nested(MAX_NESTING_DEPTH))).toEqual(pr('title'));
    expect(scimErrorOf(() => parseFilter(nested(MAX_NESTING_DEPTH + 1))).message).toMatch(
      /nests deeper than 64 levels at character 65/
    );
    expect(scimErrorOf(() => parseFilter('not ('.repeat(1600))).scimType).toBe('invalidFilter');
    expect(scimErrorOf(() => parseFilter('('.repeat(MAX_TEXT_LENGTH))).scimType).toBe('invalidFilter');
  });

  it('handles long flat chains without recursion limits', () => {
    const text = Array.from({ length: 600 }, (_, index) => `a${index} pr`).join(' or ');
    const node = parseFilter(text);
    expect(node.kind).toBe('or');
    expect(formatFilter(node)).toBe(text);
  });

  it('refuses non-string input from JavaScript callers', () => {
    expect(scimErrorOf(() => parseFilter(42 as unknown as string)).scimType).toBe('invalidFilter');
  });
});

describe('parsePatchPath (RFC 7644 §3.5.2)', () => {
  const examples: Array<[string, PatchPath]> = [
    ['members', { path: path('members') }],
    ['name.givenName', { path: path('name', 'givenName') }],
    [
      'emails[type eq "work"].value',
      { path: path('emails'), filter: cmp('type', 'eq', 'work'), subAttribute: 'value' },
    ],
    // RFC 7644 §3.5.2.2 example: removing one member.
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      { path: path('members'), filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646') },
    ],
    // RFC 7644 §3.5.2.3 example.
    [
      'addresses[type eq "work"].streetAddress',
      { path: path('addresses'), filter: cmp('type', 'eq', 'work'), subAttribute: 'streetAddress' },
    ],
    [`${URN.enterpriseUser}:employeeNumber`, { path: path('employeeNumber', undefined, URN.enterpriseUser) }],
    // Entra sends the manager as `…:manager` with a value, Okta and others as `…:manager.value`.
    [`${URN.enterpriseUser}:manager.value`, { path: path('manager', 'value', URN.enterpriseUser) }],
    [`${METADATA}:team`, { path: path('team', undefined, METADATA) }],
    [`${CUSTOM}:folders`, { path: path('folders', undefined, CUSTOM) }],
    [
      'emails[type eq "work" and primary eq true]',
      {
        path: path('emails'),
        filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('primary', 'eq', true) },
      },
    ],
    [
      `${URN.user}:emails[type EQ "work"]`,
      { path: path('emails', undefined, URN.user), filter: cmp('type', 'eq', 'work') },
    ],
  ];

  it.each(examples)('%s', (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['', /The path is empty/],
    ['emails[type eq "work"', /closing the "\["/],
    ['emails[type eq "work"].', /Expected a sub-attribute name right after "\]\."/],
    ['emails[type eq "work"] value', /Unexpected "value" at character 24; expected "\." or the end of the path/],
    ['name.givenName[value eq "x"]', /must follow an attribute name/],
    ['members value', /Unexpected "value" .* expected "\[" or the end of the path/],
    ['a.b.c', /only one level of sub-attribute/],
    ['"members"', /Expected an attribute name, found "members" at character 1/],
    ['emails[type eq "work"][value eq "x"]', /Unexpected "\[" at character 23/],
  ])('%j is invalidPath', (text, detail) => {
    const error = scimErrorOf(() => parsePatchPath(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidPath');
    expect(error.message).toMatch(detail);
  });
});

describe('parseAttributePath (attributes=, excludedAttributes=, sortBy; RFC 7644 §3.10)', () => {
  it.each<[string, ReturnType<typeof path>]>([
    ['userName', path('userName')],
    [' name.givenName ', path('name', 'givenName')],
    ['emails.value', path('emails', 'value')],
    [`${URN.enterpriseUser}:manager.displayName`, path('manager', 'displayName', URN.enterpriseUser)],
    [`${URN.user}:meta.lastModified`, path('meta', 'lastModified', URN.user)],
  ])('%j', (text, expected) => {
    expect(parseAttributePath(text)).toEqual(expected);
  });

  it.each([[''], ['userName eq "x"'], ['emails[type eq "work"]'], ['a.b.c'], [URN.enterpriseUser]])(
    '%j is invalidPath',
    (text) => {
      expect(scimErrorOf(() => parseAttributePath(text)).scimType).toBe('invalidPath');
    }
  );
});

describe('formatAttributePath and pathKey', () => {
  it.each<[ReturnType<typeof path>, string, string]>([
    [path('userName'), 'userName', 'username'],
    [path('userName', undefined, URN.user), `${URN.user}:userName`, 'username'],
    [path('name', 'givenName'), 'name.givenName', 'name.givenname'],
    [path('emails', 'value'), 'emails.value', 'emails.value'],
    [path('meta', 'lastModified'), 'meta.lastModified', 'meta.lastmodified'],
    [path('id'), 'id', 'id'],
    [
      path('employeeNumber', undefined, URN.enterpriseUser),
      `${URN.enterpriseUser}:employeeNumber`,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber',
    ],
    [
      path('manager', 'value', URN.enterpriseUser.toUpperCase()),
      `${URN.enterpriseUser.toUpperCase()}:manager.value`,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value',
    ],
    [path('team', undefined, METADATA), `${METADATA}:team`, `${METADATA.toLowerCase()}:team`],
  ])('%j', (attributePath, formatted, key) => {
    expect(formatAttributePath(attributePath)).toBe(formatted);
    expect(pathKey(attributePath, USER_SCHEMAS)).toBe(key);
    expect(parseAttributePath(formatted)).toEqual(attributePath);
  });

  it('keys by the core schema of the resource type', () => {
    expect(pathKey(path('displayName', undefined, URN.group), GROUP_SCHEMAS)).toBe('displayname');
    expect(pathKey(path('displayName', undefined, URN.group), USER_SCHEMAS)).toBe(
      'urn:ietf:params:scim:schemas:core:2.0:group:displayname'
    );
  });
});

describe('formatFilter', () => {
  it.each<[string, string]>([
    ['userName Eq "x"', 'userName eq "x"'],
    ['emails[type eq "work"].value eq "x@y.com"', 'emails[type eq "work" and value eq "x@y.com"]'],
    ['a pr and (b pr or c pr)', 'a pr and (b pr or c pr)'],
    ['(a pr and b pr) or c pr', 'a pr and b pr or c pr'],
    ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
    ['NOT(a pr)', 'not (a pr)'],
    ['displayName eq "A \\"quoted\\" name"', 'displayName eq "A \\"quoted\\" name"'],
    ['x eq -0', 'x eq -0'],
    ['title eq NULL', 'title eq null'],
  ])('%s → %s', (text, formatted) => {
    expect(formatFilter(parseFilter(text))).toBe(formatted);
    expect(parseFilter(formatted)).toEqual(parseFilter(text));
  });
});
