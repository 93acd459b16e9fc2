import { factsFromClaims, factsFromScim } from '../../../server/src/mapping/facts';
import type { DeclaredAttribute } from '../../../server/src/mapping/types';
import { CUSTOM, DECLARED, ENTERPRISE, METADATA, entraUser } from './fixtures';

const GROUPS = [
  { displayName: ' Marketing Editors ', externalId: 'c0ffee00-0000-4000-8000-000000000001' },
  { displayName: 'Okta Pushed', externalId: null },
];

describe('factsFromScim', () => {
  it('reads an Entra-shaped user: userType, app roles, enterprise and custom extension attributes', () => {
    expect(factsFromScim(entraUser(), GROUPS, DECLARED)).toEqual({
      userType: 'Premium',
      roles: ['Admin'],
      groups: [
        { displayName: 'Marketing Editors', externalId: 'c0ffee00-0000-4000-8000-000000000001' },
        { displayName: 'Okta Pushed', externalId: null },
      ],
      attributes: {
        folders: ['Marketing/Campaigns', 'Shared'],
        team: ['Blue'],
        department: ['Marketing'],
        userType: ['Premium'],
      },
      active: true,
    });
  });

  it('reads multi-valued custom attributes sent as { value } items (Entra Split() + Add)', () => {
    const data = entraUser({
      [CUSTOM]: { folders: [{ value: 'A/B' }, { value: ' C ' }, { value: '' }, { value: 'A/B' }] },
    });
    expect(factsFromScim(data, [], DECLARED).attributes.folders).toEqual(['A/B', 'C']);
  });

  it('keeps only the first value of a single-valued attribute sent as a list', () => {
    const data = entraUser({ [METADATA]: { team: ['Blue', 'Red'] } });
    expect(factsFromScim(data, [], DECLARED).attributes.team).toEqual(['Blue']);
  });

  it('turns numbers and booleans into strings and drops nulls and empty strings', () => {
    const declared: DeclaredAttribute[] = [
      { key: 'level', scimPath: `${METADATA}:level`, multiValued: true },
      { key: 'flag', scimPath: `${METADATA}:flag`, multiValued: false },
    ];
    const data = { [METADATA]: { level: [3, null, '', ' 4 ', Number.NaN], flag: false } };
    expect(factsFromScim(data, [], declared).attributes).toEqual({ level: ['3', '4'], flag: ['false'] });
  });

  it('reads sub-attributes and fans out over multi-valued attributes', () => {
    const declared: DeclaredAttribute[] = [
      { key: 'manager', scimPath: `${ENTERPRISE}:manager.value`, multiValued: false },
      { key: 'emails', scimPath: 'emails.value', multiValued: true },
      { key: 'allEmails', scimPath: 'emails', multiValued: true },
    ];
    const data = entraUser({ emails: [{ value: 'a@x.io' }, { value: 'b@x.io', type: 'home' }] });
    expect(factsFromScim(data, [], declared).attributes).toEqual({
      manager: ['mgr-1'],
      emails: ['a@x.io', 'b@x.io'],
      allEmails: ['a@x.io', 'b@x.io'],
    });
  });

  it('matches attribute names ignoring case and gives every declared key, empty when absent', () => {
    const declared: DeclaredAttribute[] = [
      { key: 'dept', scimPath: `${ENTERPRISE.toUpperCase()}:DEPARTMENT`, multiValued: false },
      { key: 'team', scimPath: `${METADATA.toLowerCase()}:TEAM`, multiValued: false },
      { key: 'missing', scimPath: `${METADATA}:nothing`, multiValued: true },
      { key: 'broken', scimPath: 'name..givenName', multiValued: false },
    ];
    expect(factsFromScim(entraUser(), [], declared).attributes).toEqual({
      dept: ['Marketing'],
      team: ['Blue'],
      missing: [],
      broken: [],
    });
  });

  it('reads roles given as plain strings too, and an absent userType as null', () => {
    const { userType, roles } = factsFromScim(
      { roles: ['Writer', { value: 'Admin' }, { display: 'no value' }] },
      [],
      []
    );
    expect(userType).toBeNull();
    expect(roles).toEqual(['Writer', 'Admin']);
  });

  it.each([
    [undefined, true],
    [true, true],
    [false, false],
    ['False', false],
    ['True', true],
  ])('active %p → %p (missing means active)', (active, expected) => {
    const data = entraUser();
    if (active === undefined) delete data.active;
    else data.active = active;
    expect(factsFromScim(data, [], []).active).toBe(expected);
  });

  it('drops empty group externalIds', () => {
    expect(factsFromScim({}, [{ displayName: 'G', externalId: '  ' }], []).groups).toEqual([
      { displayName: 'G', externalId: null },
    ]);
  });
});

describe('factsFromClaims', () => {
  it('reads OIDC claims (Okta-like: group names, custom claims)', () => {
    const claims = {
      sub: '00u1',
      groups: ['Editors', 'Everyone'],
      roles: 'Admin',
      team: 'Blue',
      department: 'Sales',
      folders: ['A', 'B'],
      user_type: 'Standard',
    };
    expect(factsFromClaims(claims, DECLARED, { userTypeClaim: 'user_type' })).toEqual({
      userType: 'Standard',
      roles: ['Admin'],
      groups: [
        { displayName: 'Editors', externalId: null },
        { displayName: 'Everyone', externalId: null },
      ],
      // userType is declared without a claim: no value at sign-in.
      attributes: { folders: ['A', 'B'], team: ['Blue'], department: ['Sales'], userType: [] },
      active: true,
    });
  });

  it('reads Entra group object ids as externalIds when told so', () => {
    const claims = { groups: ['c0ffee00-0000-4000-8000-000000000001'] };
    expect(factsFromClaims(claims, [], { groupsClaimValues: 'externalId' }).groups).toEqual([
      { displayName: '', externalId: 'c0ffee00-0000-4000-8000-000000000001' },
    ]);
  });

  it('reads SAML attributes by URI name, ignoring case, with numbers and custom claim names', () => {
    const declared: DeclaredAttribute[] = [
      {
        key: 'department',
        scimPath: `${ENTERPRISE}:department`,
        claim: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/department',
        multiValued: false,
      },
      { key: 'level', scimPath: `${METADATA}:level`, claim: 'level', multiValued: true },
    ];
    const claims = {
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/Department': ['Finance'],
      'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['Finance Team'],
      'http://schemas.microsoft.com/ws/2008/06/identity/claims/role': ['Approver'],
      level: 7,
    };
    const facts = factsFromClaims(claims, declared, {
      groupsClaim: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
      rolesClaim: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
    });
    expect(facts.attributes).toEqual({ department: ['Finance'], level: ['7'] });
    expect(facts.groups).toEqual([{ displayName: 'Finance Team', externalId: null }]);
    expect(facts.roles).toEqual(['Approver']);
    expect(facts.userType).toBeNull();
  });

  it('gives the same facts as SCIM for the same person', () => {
    const fromScim = factsFromScim(entraUser(), [{ displayName: 'Editors', externalId: null }], DECLARED.slice(0, 3));
    const fromClaims = factsFromClaims(
      {
        groups: 'Editors',
        roles: ['Admin'],
        folders: ['Marketing/Campaigns', 'Shared'],
        team: 'Blue',
        department: 'Marketing',
        tier: 'Premium',
      },
      DECLARED.slice(0, 3),
      { userTypeClaim: 'tier' }
    );
    expect(fromClaims).toEqual(fromScim);
  });
});
