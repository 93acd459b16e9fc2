import { DEFAULT_POLICY, validateDeclaredAttributes, validatePolicy } from '../../../server/src/mapping/policy';
import { CUSTOM, DECLARED, ENTERPRISE, METADATA } from './fixtures';

const KNOWN_ROLES = ['strapi-super-admin', 'strapi-editor', 'strapi-author', 'Publisher'];

const validPolicy = {
  roleRules: [
    {
      id: 'premium-editors',
      description: 'Premium members of team Blue edit content',
      when: [
        { source: { type: 'userType' }, op: 'equals', value: 'Premium' },
        { source: { type: 'attribute', key: 'team' }, op: 'oneOf', values: ['Blue'] },
      ],
      roles: ['strapi-editor'],
    },
    { id: 'publishers', when: [{ source: { type: 'group', by: 'externalId' }, op: 'present' }], roles: ['Publisher'] },
  ],
  unmatched: { action: 'deactivate' },
  foldersAttribute: 'folders',
};

describe('validatePolicy', () => {
  it('accepts a valid policy and fills defaults', () => {
    const { policy, errors } = validatePolicy(validPolicy, DECLARED, KNOWN_ROLES);
    expect(errors).toEqual([]);
    expect(policy.allowSuperAdmin).toBe(false);
    expect(policy.roleRules).toHaveLength(2);
    expect(validatePolicy({ unmatched: { action: 'defaultRole', role: ' strapi-author ' } }, []).policy).toEqual(
      DEFAULT_POLICY('strapi-author')
    );
  });

  it('names the rule and condition of an undeclared attribute', () => {
    const { errors } = validatePolicy(
      validPolicy,
      DECLARED.filter((attribute) => attribute.key !== 'team')
    );
    expect(errors).toEqual(['rule "premium-editors": condition 2 uses attribute "team" that is not declared']);
  });

  it('requires unique rule ids', () => {
    const [first] = validPolicy.roleRules;
    const { errors } = validatePolicy({ ...validPolicy, roleRules: [first, first, first] }, DECLARED);
    expect(errors).toEqual(['rule ids must be unique: "premium-editors" is used by 3 rules']);
  });

  it('refuses Super Admin grants unless allowed, by code or by name', () => {
    const rule = { id: 'x', when: [], roles: ['strapi-super-admin', 'Super Admin'] };
    expect(validatePolicy({ ...validPolicy, roleRules: [rule] }, DECLARED).errors).toEqual([
      'rule "x" grants strapi-super-admin but allowSuperAdmin is false',
      'rule "x" grants Super Admin but allowSuperAdmin is false',
    ]);
    expect(validatePolicy({ ...validPolicy, roleRules: [rule], allowSuperAdmin: true }, DECLARED).errors).toEqual([]);
    expect(validatePolicy({ unmatched: { action: 'defaultRole', role: 'strapi-super-admin' } }, []).errors).toEqual([
      'unmatched.role is strapi-super-admin but allowSuperAdmin is false',
    ]);
  });

  it('names unknown roles when the known roles are given, with a hint for case slips', () => {
    const policy = {
      ...validPolicy,
      roleRules: [{ id: 'x', when: [], roles: ['Strapi-Editor', 'ghost'] }],
      unmatched: { action: 'defaultRole', role: 'nobody' },
    };
    expect(validatePolicy(policy, DECLARED, KNOWN_ROLES).errors).toEqual([
      'rule "x" grants unknown role "Strapi-Editor" (did you mean "strapi-editor"?)',
      'rule "x" grants unknown role "ghost"',
      'unmatched.role: unknown role "nobody"',
    ]);
    expect(validatePolicy(policy, DECLARED).errors).toEqual([]);
  });

  it('needs values for oneOf, equals and contains', () => {
    const rule = {
      id: 'empty',
      when: [
        { source: { type: 'role' }, op: 'oneOf', values: [] },
        { source: { type: 'role' }, op: 'oneOf', values: ['  '] },
        { source: { type: 'role' }, op: 'equals', value: '' },
        { source: { type: 'role' }, op: 'contains', value: ' ' },
      ],
      roles: ['strapi-editor'],
    };
    expect(validatePolicy({ ...validPolicy, roleRules: [rule] }, DECLARED).errors).toEqual([
      'rule "empty": condition 1 (oneOf) needs at least one value',
      'rule "empty": condition 2 (oneOf) needs at least one value',
      'rule "empty": condition 3 (equals) needs a non-empty value',
      'rule "empty": condition 4 (contains) needs a non-empty value',
    ]);
  });

  it('requires unmatched.role for defaultRole, and a declared folders attribute', () => {
    expect(validatePolicy({ unmatched: { action: 'defaultRole' } }, []).errors).toEqual([
      'unmatched.role: required when the action is "defaultRole"',
    ]);
    expect(validatePolicy({ ...validPolicy, foldersAttribute: 'paths' }, DECLARED).errors).toEqual([
      'foldersAttribute "paths" is not a declared attribute',
    ]);
  });

  it('reports structure errors by rule id and condition number, and refuses unknown keys', () => {
    const { policy, errors } = validatePolicy(
      {
        roleRules: [
          { id: 'a', when: [{ source: { type: 'colour' }, op: 'equals', value: 'x' }], roles: [] },
          { when: [], roles: ['strapi-editor'] },
          {
            id: 'c',
            when: [{ source: { type: 'role' }, op: 'startsWith', value: 'x' }],
            roles: ['strapi-editor'],
            priority: 1,
          },
        ],
        unmatched: { action: 'deactivate' },
        alowSuperAdmin: true,
      },
      DECLARED
    );
    expect(errors).toEqual([
      expect.stringMatching(/^rule "a": condition 1 source\.type: Invalid discriminator value/),
      'rule "a": roles: a rule must grant at least one role',
      'rule 2: id: Required',
      expect.stringMatching(/^rule "c": condition 1 op: Invalid discriminator value/),
      'rule "c": Unrecognized key(s) in object: \'priority\'',
      "Unrecognized key(s) in object: 'alowSuperAdmin'",
    ]);
    // Never something a careless caller could apply to deactivate everyone.
    expect(policy).toEqual({ roleRules: [], unmatched: { action: 'defaultRole', role: '' }, allowSuperAdmin: false });
  });

  it('refuses a non-object policy', () => {
    expect(validatePolicy('nope', []).errors).toEqual(['Expected object, received string']);
  });
});

describe('validateDeclaredAttributes', () => {
  it('accepts core, enterprise and custom extension paths and fills multiValued', () => {
    const list = [
      ...DECLARED,
      { key: 'manager', scimPath: `${ENTERPRISE}:manager.value` },
      { key: 'title', scimPath: ' title ' },
      { key: 'emails', scimPath: 'emails', multiValued: true },
      { key: 'roles', scimPath: 'ROLES', multiValued: true },
      {
        key: 'custom',
        scimPath: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute',
      },
    ];
    const { attributes, errors } = validateDeclaredAttributes(list);
    expect(errors).toEqual([]);
    expect(attributes.find((attribute) => attribute.key === 'manager')).toEqual({
      key: 'manager',
      scimPath: `${ENTERPRISE}:manager.value`,
      multiValued: false,
    });
    expect(attributes.find((attribute) => attribute.key === 'title')?.scimPath).toBe('title');
  });

  it('requires unique keys, ignoring case', () => {
    expect(
      validateDeclaredAttributes([
        { key: 'team', scimPath: `${METADATA}:team` },
        { key: 'Team', scimPath: `${METADATA}:team2` },
      ]).errors
    ).toEqual(['attribute keys must be unique (ignoring case): "team" is declared 2 times ("team", "Team")']);
  });

  it('checks the key charset', () => {
    expect(validateDeclaredAttributes([{ key: 'my team', scimPath: 'title' }]).errors).toEqual([
      'attribute "my team" key: key must start with a letter and use only letters, digits, "_" and "-" (at most 64 characters)',
    ]);
    expect(validateDeclaredAttributes([{ key: '__proto__', scimPath: 'title' }]).errors).toHaveLength(1);
    expect(validateDeclaredAttributes([{ key: 'constructor', scimPath: 'title' }]).errors).toEqual([
      'attribute "constructor": "constructor" cannot be used as a key',
    ]);
  });

  it.each([
    ['favouriteColour', /is neither a User or enterprise User attribute/],
    [`${ENTERPRISE}:shoeSize`, /is neither/],
    ['urn:example:other:thing', /is neither/],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:members', /is neither/],
    [METADATA, /names a whole extension/],
    ['name', /complex attribute; name one of its sub-attributes \(e\.g\. name\.formatted\)/],
    ['name..givenName', /is not a valid attribute name/],
    ['password', /is never stored/],
    ['groups', /"group" source/],
    ['id', /assigned by this service/],
    ['meta.created', /assigned by this service/],
    ['   ', /scimPath must not be empty/],
  ])('refuses scimPath %p', (scimPath, message) => {
    const { errors } = validateDeclaredAttributes([{ key: 'x', scimPath }]);
    expect(errors).toEqual([expect.stringMatching(message)]);
  });

  it('reserves userType, roles and groups for their own SCIM attributes', () => {
    expect(
      validateDeclaredAttributes([{ key: 'userType', scimPath: 'urn:ietf:params:scim:schemas:core:2.0:User:userType' }])
        .errors
    ).toEqual([]);
    expect(validateDeclaredAttributes([{ key: 'usertype', scimPath: `${CUSTOM}:tier` }]).errors).toEqual([
      'attribute "usertype": the key "userType" is reserved for the SCIM userType attribute; choose another key',
    ]);
    expect(validateDeclaredAttributes([{ key: 'groups', scimPath: `${CUSTOM}:groups` }]).errors).toEqual([
      'attribute "groups": the key "groups" is reserved for the SCIM groups attribute; choose another key',
    ]);
  });

  it('checks allowedValues, claim and unknown keys', () => {
    expect(
      validateDeclaredAttributes([
        { key: 'a', scimPath: 'title', allowedValues: [] },
        { key: 'b', scimPath: 'title', allowedValues: [' '] },
        { key: 'c', scimPath: 'title', claim: '' },
        { key: 'd', scimPath: 'title', path: 'x' },
      ]).errors
    ).toEqual([
      'attribute "a" allowedValues: allowedValues needs at least one value when given',
      'attribute "b" allowedValues.0: allowed values must not be empty',
      'attribute "c" claim: claim must not be empty when given',
      'attribute "d": Unrecognized key(s) in object: \'path\'',
    ]);
    expect(validateDeclaredAttributes({}).errors).toEqual(['declared attributes must be a list']);
  });
});
