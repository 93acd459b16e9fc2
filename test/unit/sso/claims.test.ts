import { factsFromClaims } from '../../../server/src/mapping';
import type { DeclaredAttribute, IdentityFacts } from '../../../server/src/mapping';
import { combineFacts } from '../../../server/src/sso/facts-precedence';
import { hasGroupsOverage, signInIdentityOf } from '../../../server/src/sso/identity-claims';
import { claimsOptionsOf } from '../../../server/src/sso/sign-in';
import { SsoError } from '../../../server/src/sso/errors';
import { oidcConnectionSchema } from '../../../server/src/sso/connections/schema';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const EXTENSION = 'extension_8d1c3a3e5f0b4b7e9a2f1c6d4e5b7a90_department';
const declared: DeclaredAttribute[] = [
  { key: 'department', scimPath: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', claim: EXTENSION, multiValued: false },
  { key: 'costCenter', scimPath: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', multiValued: false },
];
const entraToken = {
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  sub: 'pairwise-per-app',
  tid: TENANT,
  oid: 'A1B2C3D4-0000-4000-8000-000000000001',
  email: 'Alice@Contoso.com',
  preferred_username: 'alice@contoso.com',
  given_name: 'Alice',
  family_name: 'Example',
  groups: ['5b9a1c2d-0000-4000-8000-00000000ed17'],
  roles: ['Author'],
  [EXTENSION]: 'Marketing',
};
const entraConnection = oidcConnectionSchema.parse({
  id: 'entra', type: 'oidc', name: 'Entra', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, clientId: 'c', clientSecret: 's',
});

describe('who a token says the person is', () => {
  test('Entra: bound by tid + oid (sub is pairwise per app); email lower-cased', () => {
    const identity = signInIdentityOf(entraToken, 'entra');
    expect(identity.subject).toBe(`${TENANT}:a1b2c3d4-0000-4000-8000-000000000001`);
    expect(identity.email).toBe('alice@contoso.com');
    expect(identity.emailVerified).toBeNull();
    expect(identity).toMatchObject({ firstname: 'Alice', lastname: 'Example', groupsOverage: false });
  });

  test('Entra without email falls back to an email-shaped preferred_username; others do not', () => {
    const { email: _email, ...noEmail } = entraToken;
    expect(signInIdentityOf(noEmail, 'entra').email).toBe('alice@contoso.com');
    expect(signInIdentityOf(noEmail, 'generic').email).toBeNull();
  });

  test('Entra tokens without tid/oid are refused; generic ones are keyed on sub', () => {
    const { oid: _oid, ...noOid } = entraToken;
    expect(() => signInIdentityOf(noOid, 'entra')).toThrow(SsoError);
    expect(signInIdentityOf({ iss: 'https://okta.example', sub: '00u1', email: 'a@b.example', email_verified: false }, 'okta')).toMatchObject({
      subject: '00u1',
      emailVerified: false,
    });
  });

  test('groups overage is recognised', () => {
    const { groups: _groups, ...rest } = entraToken;
    const overage = { ...rest, _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/…' } } };
    expect(hasGroupsOverage(overage)).toBe(true);
    expect(signInIdentityOf(overage, 'entra').groupsOverage).toBe(true);
    expect(hasGroupsOverage(entraToken)).toBe(false);
  });
});

describe('claims → facts', () => {
  test('Entra groups are object ids (externalId), app roles from `roles`, extension claims via declared `claim`', () => {
    const facts = factsFromClaims(entraToken, declared, claimsOptionsOf(entraConnection));
    expect(facts).toEqual({
      userType: null,
      roles: ['Author'],
      groups: [{ displayName: '', externalId: '5b9a1c2d-0000-4000-8000-00000000ed17' }],
      attributes: { department: ['Marketing'], costCenter: [] },
      active: true,
    });
  });

  test('Okta groups are names', () => {
    const okta = oidcConnectionSchema.parse({ id: 'okta', type: 'oidc', name: 'Okta', issuer: 'https://contoso.okta.com', clientId: 'c', clientSecret: 's' });
    const facts = factsFromClaims({ groups: ['Editors'] }, [], claimsOptionsOf(okta));
    expect(facts.groups).toEqual([{ displayName: 'Editors', externalId: null }]);
  });
});

describe('precedence: SCIM wins for what it carries, claims fill the rest', () => {
  const claims: IdentityFacts = {
    userType: 'Member',
    roles: ['Author'],
    groups: [{ displayName: '', externalId: 'g-claims' }],
    attributes: { department: ['Sales'], costCenter: ['42'] },
    active: true,
  };
  test('without SCIM the claims are the facts', () => {
    expect(combineFacts(null, claims)).toBe(claims);
  });
  test('fact by fact', () => {
    const scim: IdentityFacts = { userType: null, roles: [], groups: [{ displayName: 'Editors', externalId: 'g-scim' }], attributes: { department: ['Marketing'], costCenter: [] }, active: false };
    expect(combineFacts(scim, claims)).toEqual({
      userType: 'Member',
      roles: ['Author'],
      groups: [{ displayName: 'Editors', externalId: 'g-scim' }],
      attributes: { department: ['Marketing'], costCenter: ['42'] },
      active: false,
    });
  });
});
