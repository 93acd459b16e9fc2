import { applyUserPatch, parsePatchRequest } from '../../../../server/src/scim/patch';
import type { ScimUserData } from '../../../../server/src/scim/resources/types';
import { expectScimError } from '../misc/expect-scim-error';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const ID = '2819c223-7f76-453a-919d-413861904646';

const patch = (data: ScimUserData, operations: unknown[], id: string = ID) =>
  applyUserPatch(data, parsePatchRequest({ schemas: [PATCH_OP], Operations: operations }), { id });

const base = (): ScimUserData => ({
  userName: 'bjensen@example.com',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'Tour Operations', employeeNumber: '701984' },
});

describe('applyUserPatch — documented Entra requests', () => {
  it('Entra: Update User [Multi-valued properties] (Replace emails[type eq "work"].value, name.familyName)', () => {
    const { data, changed } = patch(base(), [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ]);
    expect(data.emails).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(data.name).toEqual({ givenName: 'Barbara', familyName: 'updatedFamilyName' });
    expect(changed.sort()).toEqual(['emails.value', 'name.familyName']);
  });

  it('Entra: Update User [Single-valued properties] (Replace userName)', () => {
    const { data } = patch(base(), [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }]);
    expect(data.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('Entra: Disable User (Replace active false)', () => {
    const { data, changed } = patch(base(), [{ op: 'Replace', path: 'active', value: false }]);
    expect(data.active).toBe(false);
    expect(changed).toEqual(['active']);
  });

  it('Entra (without aadOptscim062020): Replace active "False" as a string', () => {
    expect(patch(base(), [{ op: 'Replace', path: 'active', value: 'False' }]).data.active).toBe(false);
    expect(patch({ ...base(), active: false }, [{ op: 'replace', path: 'active', value: 'True' }]).data.active).toBe(true);
  });

  it('Entra: Add emails[type eq "work"].value on a user without a work email creates the element', () => {
    const { data } = patch({ userName: 'u', emails: [{ value: 'h@x.io', type: 'home' }] }, [
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@x.io' },
    ]);
    expect(data.emails).toEqual([
      { value: 'h@x.io', type: 'home' },
      { type: 'work', value: 'w@x.io' },
    ]);
    expect(patch({ userName: 'u' }, [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'w@x.io' }]).data.emails).toEqual([
      { type: 'work', value: 'w@x.io' },
    ]);
  });

  it('Entra: Add is used to change an existing value (emails[type eq "work"].value)', () => {
    const { data } = patch(base(), [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'new@x.io' }]);
    expect((data.emails as { value: string }[])[0]?.value).toBe('new@x.io');
    expect((data.emails as unknown[]).length).toBe(2);
  });

  it('Entra (known issues, with aadOptscim062020): path-less replace whose value keys are attribute paths', () => {
    const { data, changed } = patch(base(), [
      {
        op: 'replace',
        value: {
          displayName: 'Pvlo',
          'emails[type eq "work"].value': 'TestBcwqnm@contoso.com',
          'name.givenName': 'Gtfd',
          'name.familyName': 'Pkqf',
          externalId: 'Eqpj',
          [`${ENTERPRISE}:employeeNumber`]: 'Eqpj',
          [`${METADATA}:team`]: 'platform',
        },
      },
    ]);
    expect(data).toEqual({
      userName: 'bjensen@example.com',
      active: true,
      displayName: 'Pvlo',
      externalId: 'Eqpj',
      name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      emails: [
        { value: 'TestBcwqnm@contoso.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      [ENTERPRISE]: { department: 'Tour Operations', employeeNumber: 'Eqpj' },
      [METADATA]: { team: 'platform' },
    });
    // Never stored as literal keys.
    expect(Object.keys(data).some((key) => key.includes('.') && !key.startsWith('urn:'))).toBe(false);
    expect(Object.keys(data).some((key) => key.endsWith(':team') || key.endsWith(':employeeNumber'))).toBe(false);
    expect(changed).toEqual(
      expect.arrayContaining(['displayName', 'emails.value', 'name.givenName', 'externalId', `${ENTERPRISE}:employeeNumber`, `${METADATA}:team`])
    );
  });

  it('Entra (known issues, without aadOptscim062020): Add nickName with a path; with the flag: path-less', () => {
    expect(patch(base(), [{ op: 'Add', path: 'nickName', value: 'Babs' }]).data.nickName).toBe('Babs');
    expect(patch(base(), [{ op: 'add', value: { nickName: 'Babs' } }]).data.nickName).toBe('Babs');
  });

  it('Entra: PATCH a custom extension attribute by its full URN path', () => {
    const { data } = patch(base(), [{ op: 'Add', path: `${METADATA}:team`, value: 'platform' }]);
    expect(data[METADATA]).toEqual({ team: 'platform' });
    expect(patch(data, [{ op: 'Remove', path: `${METADATA}:team` }]).data).not.toHaveProperty(METADATA);
  });

  it('Entra: enterprise manager sent as the bare id', () => {
    const { data } = patch(base(), [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-id' }]);
    expect((data[ENTERPRISE] as Record<string, unknown>).manager).toEqual({ value: 'boss-id' });
  });

  it('Entra: multi-valued custom attribute (Split()) sent as Add with the full list → union without duplicates', () => {
    const start = { userName: 'u', [METADATA]: { folders: [{ value: 'a' }, { value: 'b' }] } };
    const { data } = patch(start, [{ op: 'Add', path: `${METADATA}:folders`, value: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] }]);
    expect((data[METADATA] as Record<string, unknown>).folders).toEqual([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const removed = patch(data, [{ op: 'Remove', path: `${METADATA}:folders`, value: [{ value: 'b' }] }]);
    expect((removed.data[METADATA] as Record<string, unknown>).folders).toEqual([{ value: 'a' }, { value: 'c' }]);
  });

  it('Entra: Remove roles with a value list removes only the listed roles', () => {
    const start = { userName: 'u', roles: [{ value: 'Reader' }, { value: 'Writer', primary: true }] };
    const { data } = patch(start, [{ op: 'Remove', path: 'roles', value: [{ value: 'reader' }] }]);
    expect(data.roles).toEqual([{ value: 'Writer', primary: true }]);
  });
});

describe('applyUserPatch — documented Okta requests', () => {
  it('Okta SCIM 2.0 reference: Update a specific User (PATCH) deactivate — path-less replace {active:false}', () => {
    const { data, changed } = patch(base(), [{ op: 'replace', value: { active: false } }]);
    expect(data.active).toBe(false);
    expect(changed).toEqual(['active']);
  });

  it('Okta: reactivate', () => {
    expect(patch({ ...base(), active: false }, [{ op: 'replace', value: { active: true } }]).data.active).toBe(true);
  });

  it('Okta: an echo of the own id is not a change; a different id is a mutability error', () => {
    const { changed } = patch(base(), [{ op: 'replace', value: { id: ID, active: true } }]);
    expect(changed).toEqual([]);
    expectScimError(() => patch(base(), [{ op: 'replace', value: { id: 'someone-else' } }]), 400, 'mutability');
    expectScimError(() => patch(base(), [{ op: 'replace', path: 'id', value: 'other' }]), 400, 'mutability');
  });
});

describe('applyUserPatch — RFC 7644 §3.5.2 examples', () => {
  it('§3.5.2.1 add emails (append, and merge into an equal value instead of duplicating)', () => {
    const { data } = patch(base(), [
      { op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home', display: 'Home' }, { value: 'b@other.org', type: 'other' }] },
    ]);
    expect(data.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home', display: 'Home' },
      { value: 'b@other.org', type: 'other' },
    ]);
  });

  it('§3.5.2.1 path-less add of several attributes, nested objects merge', () => {
    const { data } = patch(base(), [
      { op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickName: 'Babs', name: { middleName: 'J' } } },
    ]);
    expect(data.nickName).toBe('Babs');
    expect(data.name).toEqual({ givenName: 'Barbara', familyName: 'Jensen', middleName: 'J' });
    expect((data.emails as unknown[]).length).toBe(2);
  });

  it('§3.5.2.3 replace of a complex attribute leaves unnamed sub-attributes unchanged', () => {
    const { data } = patch(base(), [{ op: 'replace', value: { name: { givenName: 'Babs' } } }]);
    expect(data.name).toEqual({ givenName: 'Babs', familyName: 'Jensen' });
  });

  it('§3.5.2.3 replace of a multi-valued attribute replaces the list', () => {
    const { data } = patch(base(), [{ op: 'replace', path: 'emails', value: [{ value: 'only@x.io', type: 'work' }] }]);
    expect(data.emails).toEqual([{ value: 'only@x.io', type: 'work' }]);
  });

  it('§3.5.2.3 replace with a value filter replaces the matching elements (merging sub-attributes)', () => {
    const { data } = patch(base(), [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'new@home.org' } }]);
    expect((data.emails as unknown[])[1]).toEqual({ value: 'new@home.org', type: 'home' });
  });

  it('§3.5.2.2 remove with a value filter removes the matching elements', () => {
    const { data } = patch(base(), [{ op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(data.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });

  it('§3.5.2.2 remove of a sub-attribute of matched elements', () => {
    const { data } = patch(base(), [{ op: 'remove', path: 'emails[type eq "work"].primary' }]);
    expect((data.emails as unknown[])[0]).toEqual({ value: 'bjensen@example.com', type: 'work' });
  });

  it('§3.5.2.2 remove of a single attribute and of an extension attribute', () => {
    const { data } = patch(base(), [
      { op: 'remove', path: 'name.familyName' },
      { op: 'remove', path: `${ENTERPRISE}:department` },
    ]);
    expect(data.name).toEqual({ givenName: 'Barbara' });
    expect(data[ENTERPRISE]).toEqual({ employeeNumber: '701984' });
  });

  it('§3.5.2.2 remove without a path → noTarget', () => {
    expectScimError(() => patch(base(), [{ op: 'remove' }]), 400, 'noTarget');
  });

  it('§3.5.2.2 remove with a filter that matches nothing → noTarget', () => {
    expectScimError(() => patch(base(), [{ op: 'remove', path: 'emails[type eq "pager"]' }]), 400, 'noTarget');
  });

  it('a new primary value takes the flag from the others (RFC 7643 §2.4)', () => {
    const { data } = patch(base(), [{ op: 'add', path: 'emails', value: [{ value: 'n@x.io', type: 'other', primary: true }] }]);
    expect((data.emails as { primary?: boolean }[]).filter((email) => email.primary === true)).toEqual([
      { value: 'n@x.io', type: 'other', primary: true },
    ]);
  });
});

describe('applyUserPatch — decisions', () => {
  it('remove of an absent attribute is a no-op (idempotent), not noTarget', () => {
    const { data, changed } = patch(base(), [{ op: 'remove', path: 'nickName' }]);
    expect(data).toEqual(base());
    expect(changed).toEqual([]);
  });

  it('a null value for add/replace unassigns', () => {
    const { data, changed } = patch(base(), [
      { op: 'replace', path: 'name.givenName', value: null },
      { op: 'add', value: { [ENTERPRISE]: { department: null } } },
    ]);
    expect(data.name).toEqual({ familyName: 'Jensen' });
    expect(data[ENTERPRISE]).toEqual({ employeeNumber: '701984' });
    expect(changed.sort()).toEqual(['name.givenName', `${ENTERPRISE}:department`]);
  });

  it('password goes to the result, never into data or changed values', () => {
    const result = patch(base(), [{ op: 'replace', path: 'password', value: 's3cret!' }]);
    expect(result.password).toBe('s3cret!');
    expect(result.data).toEqual(base());
    expect(result.changed).toEqual(['password']);
    expect(JSON.stringify(result.changed)).not.toContain('s3cret');
  });

  it('unknown core attributes are ignored and reported', () => {
    const result = patch(base(), [{ op: 'add', path: 'favouriteColour', value: 'blue' }, { op: 'replace', value: { shoeSize: 9 } }]);
    expect(result.data).toEqual(base());
    expect(result.ignored).toEqual(['favouriteColour', 'shoeSize']);
  });

  it('changed lists only attributes whose value really changed', () => {
    expect(patch(base(), [{ op: 'replace', path: 'active', value: true }]).changed).toEqual([]);
  });

  it('replacing with a value filter that matches nothing and cannot be built from → noTarget', () => {
    expectScimError(() => patch(base(), [{ op: 'replace', path: 'emails[value co "zzz"].type', value: 'work' }]), 400, 'noTarget');
  });

  it('accepts URN-qualified core names and the core URN as a container', () => {
    const { data } = patch(base(), [
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:displayName', value: 'A' },
      { op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User': { nickName: 'B' } } },
    ]);
    expect(data.displayName).toBe('A');
    expect(data.nickName).toBe('B');
  });

  it('a whole custom extension as a path-less value merges into the stored one', () => {
    const start = { userName: 'u', [METADATA]: { team: 'a', site: 'x' } };
    const { data } = patch(start, [{ op: 'replace', value: { [METADATA]: { team: 'b' } } }]);
    expect(data[METADATA]).toEqual({ team: 'b', site: 'x' });
  });

  it('a custom extension URN itself as a path names the whole extension', () => {
    const start = { userName: 'u', [METADATA]: { team: 'a', site: 'x' } };
    expect(patch(start, [{ op: 'replace', path: METADATA, value: { team: 'b' } }]).data[METADATA]).toEqual({ team: 'b', site: 'x' });
    expect(patch(start, [{ op: 'remove', path: METADATA }]).data).toEqual({ userName: 'u' });
    expect(patch({ userName: 'u' }, [{ op: 'add', path: METADATA, value: { team: 'c' } }]).data).toEqual({ userName: 'u', [METADATA]: { team: 'c' } });
  });

  it('value filters on custom multi-valued attributes: plain values are their own "value"', () => {
    const start = { userName: 'u', [METADATA]: { folders: ['a', { value: 'b' }] } };
    expect(patch(start, [{ op: 'remove', path: `${METADATA}:folders[value eq "A"]` }]).data[METADATA]).toEqual({ folders: [{ value: 'b' }] });
    expect(patch(start, [{ op: 'remove', path: `${METADATA}:folders[value eq "b"]` }]).data[METADATA]).toEqual({ folders: ['a'] });
    expectScimError(() => patch(start, [{ op: 'remove', path: `${METADATA}:folders[value eq "z"]` }]), 400, 'noTarget');
  });

  it('value filters compare case-insensitively unless caseExact (type "Work" matches "work")', () => {
    const { data } = patch(base(), [{ op: 'replace', path: 'emails[type eq "WORK"].display', value: 'Office' }]);
    expect((data.emails as unknown[])[0]).toEqual({ value: 'bjensen@example.com', type: 'work', primary: true, display: 'Office' });
  });

  it('a filter with "and" of eq creates the element with every compared sub-attribute', () => {
    const { data } = patch({ userName: 'u' }, [{ op: 'add', path: 'phoneNumbers[type eq "mobile" and primary eq true].value', value: '+33 6' }]);
    expect(data.phoneNumbers).toEqual([{ type: 'mobile', primary: true, value: '+33 6' }]);
  });

  it('empty Operations is a no-op', () => {
    const result = patch(base(), []);
    expect(result.data).toEqual(base());
    expect(result.changed).toEqual([]);
  });
});

describe('applyUserPatch — errors', () => {
  it.each([
    ['meta (readOnly)', [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }], 'mutability'],
    ['groups (readOnly)', [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }], 'mutability'],
    ['groups in a path-less value', [{ op: 'replace', value: { groups: [] } }], 'mutability'],
    ['remove of id', [{ op: 'remove', path: 'id' }], 'mutability'],
    ['manager.displayName (readOnly)', [{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'x' }], 'mutability'],
    ['a filter on a single-valued attribute', [{ op: 'replace', path: 'userName[value eq "x"]', value: 'y' }], 'invalidPath'],
    ['a sub-attribute of a simple attribute', [{ op: 'replace', path: 'userName.first', value: 'y' }], 'invalidPath'],
    ['a malformed path', [{ op: 'replace', path: 'emails[type eq "work"', value: 'y' }], 'invalidPath'],
    ['a non-boolean for active', [{ op: 'replace', path: 'active', value: 'maybe' }], 'invalidValue'],
    ['a non-array for a multi-valued attribute', [{ op: 'add', path: 'emails', value: { value: 'x@y.z' } }], 'invalidValue'],
    ['a path-less value that is not an object', [{ op: 'replace', value: 'x' }], 'invalidValue'],
    ['an empty userName', [{ op: 'replace', path: 'userName', value: '' }], 'invalidValue'],
    ['removing userName', [{ op: 'remove', path: 'userName' }], 'invalidValue'],
    ['a non-string password', [{ op: 'replace', path: 'password', value: 1234 }], 'invalidValue'],
  ] as const)('%s → %s', (_label, operations, scimType) => {
    expectScimError(() => patch(base(), [...operations]), 400, scimType);
  });

  it('is atomic: a failing third operation throws and leaves the input unchanged', () => {
    const input = base();
    const snapshot = JSON.parse(JSON.stringify(input));
    expectScimError(
      () =>
        patch(input, [
          { op: 'replace', path: 'displayName', value: 'changed' },
          { op: 'remove', path: 'emails[type eq "home"]' },
          { op: 'remove', path: 'emails[type eq "pager"]' },
        ]),
      400,
      'noTarget'
    );
    expect(input).toEqual(snapshot);
  });

  it('never mutates its input on success either', () => {
    const input = base();
    const snapshot = JSON.parse(JSON.stringify(input));
    const { data } = patch(input, [
      { op: 'add', path: 'emails', value: [{ value: 'n@x.io' }] },
      { op: 'replace', path: 'name.givenName', value: 'Z' },
    ]);
    expect(input).toEqual(snapshot);
    expect(data).not.toBe(input);
  });

  it('rejects prototype keys in paths and value keys without polluting Object.prototype', () => {
    for (const operations of [
      [{ op: 'add', path: '__proto__.polluted', value: 1 }],
      [{ op: 'add', path: 'constructor.prototype.polluted', value: 1 }],
      [{ op: 'add', value: JSON.parse('{"__proto__":{"polluted":1}}') }],
      [{ op: 'add', value: { 'constructor.prototype.polluted': 1 } }],
      [{ op: 'add', path: `${METADATA}:constructor`, value: { prototype: { polluted: 1 } } }],
      [{ op: 'add', value: { [METADATA]: { constructor: { prototype: { polluted: 1 } } } } }],
    ]) {
      expectScimError(() => patch(base(), operations), 400, 'invalidPath');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops prototype keys nested inside custom extension values', () => {
    const value = JSON.parse('{"a":1,"__proto__":{"polluted":1}}');
    const { data } = patch(base(), [{ op: 'add', path: `${METADATA}:settings`, value }]);
    expect((data[METADATA] as Record<string, unknown>).settings).toEqual({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
