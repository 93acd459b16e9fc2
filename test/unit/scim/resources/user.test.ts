import { parseUserInput, serializeUser, primaryEmail, displayNameParts } from '../../../../server/src/scim/resources/user';
import { expectScimError } from '../misc/expect-scim-error';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

describe('parseUserInput', () => {
  it('Entra: Create User (tutorial request body)', () => {
    const body = {
      schemas: [CORE, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
    const { data, password, ignored } = parseUserInput(body);
    expect(data).toEqual({
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    });
    expect(password).toBeUndefined();
    expect(ignored).toEqual([]);
  });

  it('Okta SCIM 2.0 reference: Create the User (password returned apart, never in data)', () => {
    const body = {
      schemas: [CORE],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    const { data, password } = parseUserInput(body);
    expect(password).toBe('1mz050nq');
    expect(data).not.toHaveProperty('password');
    expect(data).not.toHaveProperty('groups');
    expect(data.locale).toBe('en-US');
  });

  it('Okta: PUT echoes id, meta and groups; they are ignored silently', () => {
    const { data, ignored } = parseUserInput({
      schemas: [CORE],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
      meta: { resourceType: 'User', created: '2019-01-01T00:00:00Z' },
      groups: [{ value: 'g1', display: 'G' }],
      active: true,
    });
    expect(data).toEqual({ userName: 'test.user@okta.local', active: true });
    expect(ignored).toEqual([]);
  });

  it('canonicalises attribute names case-insensitively and the enterprise URN', () => {
    const { data } = parseUserInput({
      USERNAME: 'a@example.com',
      Name: { GIVENNAME: 'Ada', familyname: 'Lovelace' },
      'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER': { Department: 'R&D', MANAGER: { Value: 'm1' } },
    });
    expect(data).toEqual({
      userName: 'a@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } },
    });
  });

  it('Entra: custom extension attributes are nested under the URN before the last colon, not listed in schemas', () => {
    const { data } = parseUserInput({
      schemas: [CORE],
      userName: 'u',
      [METADATA]: { team: 'platform', folders: ['a', { value: 'b' }] },
      [CUSTOM]: { CustomAttribute: 'x' },
    });
    expect(data[METADATA]).toEqual({ team: 'platform', folders: ['a', { value: 'b' }] });
    expect(data[CUSTOM]).toEqual({ CustomAttribute: 'x' });
  });

  it('accepts flat URN-qualified keys', () => {
    const { data } = parseUserInput({
      userName: 'u',
      [`${METADATA}:team`]: 'x',
      [`${ENTERPRISE}:employeeNumber`]: '701984',
      [`${ENTERPRISE}:manager.value`]: 'boss',
    });
    expect(data).toEqual({ userName: 'u', [METADATA]: { team: 'x' }, [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'boss' } } });
  });

  it('Entra: a manager given as the bare id is stored as { value }', () => {
    const { data } = parseUserInput({ userName: 'u', [ENTERPRISE]: { manager: 'boss-id' } });
    expect(data[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
  });

  it('never rejects unknown schema URNs', () => {
    expect(() => parseUserInput({ schemas: [CORE, 'urn:example:unknown'], userName: 'u' })).not.toThrow();
  });

  it.each([
    ['True', true],
    ['False', false],
    ['TRUE', true],
    ['false', false],
    [true, true],
    [false, false],
  ])('Entra (without aadOptscim062020): active %p → %p', (given, expected) => {
    expect(parseUserInput({ userName: 'u', active: given }).data.active).toBe(expected);
  });

  it.each([['yes'], [1], [{}], [['true']]])('active %p → invalidValue', (given) => {
    expectScimError(() => parseUserInput({ userName: 'u', active: given }), 400, 'invalidValue');
  });

  it('coerces numbers given for string attributes to strings (numeric directory attributes)', () => {
    const { data } = parseUserInput({ userName: 'u', [ENTERPRISE]: { employeeNumber: 701984 } });
    expect(data[ENTERPRISE]).toEqual({ employeeNumber: '701984' });
  });

  it.each([
    ['a boolean for a string', { userName: 'u', displayName: true }],
    ['an object for a string', { userName: 'u', title: { a: 1 } }],
    ['a single object for a multi-valued attribute', { userName: 'u', emails: { value: 'a@b.c' } }],
    ['a string for a complex attribute without value', { userName: 'u', name: 'Ada' }],
  ])('rejects %s with invalidValue', (_label, body) => {
    expectScimError(() => parseUserInput(body), 400, 'invalidValue');
  });

  it.each([[undefined], [null], [''], ['   '], [true], [['a']]])('userName %p → invalidValue', (userName) => {
    expectScimError(() => parseUserInput({ userName }), 400, 'invalidValue');
  });

  it('a numeric userName is stored as a string, like any string attribute', () => {
    expect(parseUserInput({ userName: 42 }).data.userName).toBe('42');
  });

  it.each([[null], ['x'], [[]], [42]])('body %p → invalidSyntax', (body) => {
    expectScimError(() => parseUserInput(body), 400, 'invalidSyntax');
  });

  it('explicit null unassigns; empty arrays and objects are pruned', () => {
    const { data } = parseUserInput({
      userName: 'u',
      displayName: null,
      name: { givenName: null },
      emails: [],
      phoneNumbers: [null],
      [ENTERPRISE]: { department: null },
      [METADATA]: { team: null },
    });
    expect(data).toEqual({ userName: 'u' });
  });

  it('lists unknown attributes as ignored and does not store them', () => {
    const { data, ignored } = parseUserInput({
      userName: 'u',
      favouriteColour: 'blue',
      name: { givenName: 'A', nickname: 'x' },
      'name.familyName': 'B',
      'urn:example:other:thing': 'x',
    });
    expect(data).toEqual({ userName: 'u', name: { givenName: 'A' } });
    expect(ignored.sort()).toEqual(['favouriteColour', 'name.familyName', 'name.nickname', 'urn:example:other:thing'].sort());
  });

  it('drops readOnly sub-attributes (manager.displayName)', () => {
    const { data } = parseUserInput({ userName: 'u', [ENTERPRISE]: { manager: { value: 'm', displayName: 'Boss' } } });
    expect(data[ENTERPRISE]).toEqual({ manager: { value: 'm' } });
  });

  it('ignores prototype keys and never pollutes Object.prototype', () => {
    const body = JSON.parse(
      `{"userName":"u","__proto__":{"polluted":1},"name":{"__proto__":{"polluted":2}},"${METADATA}":{"__proto__":{"polluted":3},"constructor":{"prototype":{"polluted":4}}}}`
    );
    const { data, ignored } = parseUserInput(body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data).toEqual({ userName: 'u' });
    expect(ignored).toContain('__proto__');
  });

  it('rejects a password that is not a string', () => {
    expectScimError(() => parseUserInput({ userName: 'u', password: 12 }), 400, 'invalidValue');
  });
});

describe('serializeUser', () => {
  const record = {
    id: '2819c223-7f76-453a-919d-413861904646',
    data: {
      userName: 'bjensen@example.com',
      active: true,
      [METADATA]: { team: 'x', folders: ['a', { value: 'b' }] },
      [ENTERPRISE]: { department: 'Tour Operations' },
    },
    created: new Date('2024-01-02T03:04:05.000Z'),
    lastModified: '2024-02-03T04:05:06.000Z',
    version: 3,
  };

  it('lists the core URN and every extension present, and builds meta', () => {
    const user = serializeUser(record, { location: 'https://h/scim/v2/Users/2819c223-7f76-453a-919d-413861904646' });
    expect(user).toEqual({
      schemas: [CORE, METADATA, ENTERPRISE],
      id: '2819c223-7f76-453a-919d-413861904646',
      userName: 'bjensen@example.com',
      active: true,
      [METADATA]: { team: 'x', folders: ['a', { value: 'b' }] },
      [ENTERPRISE]: { department: 'Tour Operations' },
      meta: {
        resourceType: 'User',
        created: '2024-01-02T03:04:05.000Z',
        lastModified: '2024-02-03T04:05:06.000Z',
        location: 'https://h/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
        version: 'W/"3"',
      },
    });
  });

  it('adds groups when given, as direct memberships with optional $ref', () => {
    const user = serializeUser(
      { ...record, groups: [{ value: 'g1', display: 'Admins' }, { value: 'g2' }] },
      { location: 'l', groupLocation: (id) => `https://h/Groups/${id}` }
    );
    expect(user.groups).toEqual([
      { value: 'g1', $ref: 'https://h/Groups/g1', display: 'Admins', type: 'direct' },
      { value: 'g2', $ref: 'https://h/Groups/g2', type: 'direct' },
    ]);
    expect(serializeUser(record, { location: 'l' })).not.toHaveProperty('groups');
  });

  it('does not share objects with the stored data', () => {
    const user = serializeUser(record, { location: 'l' });
    (user[METADATA] as Record<string, unknown>).team = 'changed';
    expect(record.data[METADATA].team).toBe('x');
  });

  it('round-trips: POST body with nested Metadata/folders → stored → serialised → same JSON', () => {
    const body = {
      schemas: [CORE, ENTERPRISE],
      userName: 'rt@example.com',
      name: { givenName: 'R', familyName: 'T' },
      emails: [{ value: 'rt@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: '7', manager: { value: 'm1' } },
      [METADATA]: { team: 'core', folders: ['inbox', { value: 'archive' }] },
    };
    const { data } = parseUserInput(body);
    const user = serializeUser({ ...record, data }, { location: 'l' });
    const { id: _id, meta: _meta, schemas, ...rest } = user;
    const { schemas: sentSchemas, ...sent } = body;
    expect(rest).toEqual(sent);
    expect(new Set(schemas as string[])).toEqual(new Set([...sentSchemas, METADATA]));
    expect(parseUserInput(JSON.parse(JSON.stringify(user))).data).toEqual(data);
  });
});

describe('primaryEmail', () => {
  it.each([
    ['the primary one', { emails: [{ value: 'w@x.io', type: 'work' }, { value: 'p@x.io', primary: true }] }, 'p@x.io'],
    ['else the work one', { emails: [{ value: 'h@x.io', type: 'home' }, { value: 'w@x.io', type: 'Work' }] }, 'w@x.io'],
    ['else the first', { emails: [{ value: 'h@x.io', type: 'home' }, { value: 'o@x.io' }] }, 'h@x.io'],
    ['else an email userName', { userName: 'u@x.io' }, 'u@x.io'],
    ['never a non-email userName', { userName: 'Test_User_ab6490ee' }, undefined],
    ['skips empty values', { emails: [{ value: '' }], userName: 'u@x.io' }, 'u@x.io'],
  ])('%s', (_label, data, expected) => {
    expect(primaryEmail(data)).toBe(expected);
  });
});

describe('displayNameParts', () => {
  it.each([
    ['given and family', { name: { givenName: 'Ada', familyName: 'Lovelace' } }, { firstname: 'Ada', lastname: 'Lovelace' }],
    ['displayName split', { displayName: 'Barbara Jane Jensen' }, { firstname: 'Barbara', lastname: 'Jane Jensen' }],
    ['formatted split', { name: { formatted: 'Ms. Barbara' } }, { firstname: 'Ms.', lastname: 'Barbara' }],
    ['single word', { displayName: 'Cher' }, { firstname: 'Cher' }],
    ['userName local part', { userName: 'jdoe@example.com' }, { firstname: 'jdoe' }],
  ])('%s', (_label, data, expected) => {
    expect(displayNameParts(data)).toEqual(expected);
  });
});
