/**
 * SAML connections in the SSO core: config validation (fail closed, naming the key), the protocol-neutral
 * sign-in input built from verified SAML claims (binding keys), the refusal mapping and the metadata download.
 */
import { configSchema } from '../../../server/src/config';
import { samlConnectionSchema, type SamlConnectionEntry } from '../../../server/src/sso/connections/schema';
import { signInIdentityOf } from '../../../server/src/sso/identity-claims';
import { fetchIdpMetadataXml, samlRefusal, samlSignInInput } from '../../../server/src/sso/saml-sign-in';
import { ENTRA_CLAIM, SamlError, type SamlClaims } from '../../../server/src/sso/saml';
import { defaultIdp } from './saml/helpers/fixture';
import { generateTestKeyPair } from './saml/helpers/certificates';
import { configProblems } from './helpers/outcomes';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-4000-8000-00000000a11c';
const idpXml = () => defaultIdp().metadataXml();
const valid = () => ({ id: 'entra-saml', type: 'saml', name: 'Entra SAML', idpMetadataXml: idpXml(), spEntityId: 'https://cms.example.com/sso/entra-saml' });

describe('SAML connections in the plugin config', () => {
  test('defaults', () => {
    const parsed = configSchema.parse({ connections: [valid()] });
    expect(parsed.connections[0]).toMatchObject({
      type: 'saml', enabled: true, jit: false, allowIdpInitiated: false, trustEmail: false, requireSignedResponse: false,
      clockSkewSeconds: 120, maxResponseBytes: 256 * 1024, forceAuthn: false, metadataRefreshHours: 24,
    });
  });

  test.each([
    [{ ...valid(), idpMetadataXml: undefined }, 'connections.0.idpMetadataXml'],
    [{ ...valid(), idpMetadataUrl: 'https://idp.example.com/metadata' }, 'connections.0.idpMetadataXml'],
    [{ ...valid(), idpMetadataXml: '<not-metadata/>' }, 'connections.0.idpMetadataXml'],
    [{ ...valid(), idpMetadataXml: '<!DOCTYPE x [<!ENTITY a "b">]><x/>' }, 'connections.0.idpMetadataXml'],
    [{ ...valid(), idpMetadataXml: undefined, idpMetadataUrl: 'http://idp.example.com/metadata' }, 'connections.0.idpMetadataUrl'],
    [{ ...valid(), spEntityId: '' }, 'connections.0.spEntityId'],
    [{ ...valid(), clockSkewSeconds: 3600 }, 'connections.0.clockSkewSeconds'],
    [{ ...valid(), maxResponseBytes: 10 }, 'connections.0.maxResponseBytes'],
    [{ ...valid(), idpCertificates: ['not a certificate'] }, 'connections.0.idpCertificates.0'],
    [{ ...valid(), idpCertificates: ['a', 'b', 'c'] }, 'connections.0.idpCertificates'],
    [{ ...valid(), spPrivateKey: 'key only' }, 'connections.0.spPrivateKey'],
    [{ ...valid(), allowedTenants: ['contoso.com'] }, 'connections.0.allowedTenants'],
    [{ ...valid(), clientSecret: 'oidc key on a saml connection' }, 'connections.0'],
  ])('refuses %#', (connection, key) => {
    expect(configProblems({ connections: [connection] })).toContain(key);
  });

  test('metadata by URL: https, or http on loopback only', () => {
    expect(configProblems({ connections: [{ ...valid(), idpMetadataXml: undefined, idpMetadataUrl: 'http://127.0.0.1:9000/metadata' }] })).toBe('');
    expect(configProblems({ connections: [{ ...valid(), idpMetadataXml: undefined, idpMetadataUrl: 'https://login.microsoftonline.com/x/federationmetadata/2007-06/federationmetadata.xml' }] })).toBe('');
  });

  test('pinned certificates (two during a rollover) replace the metadata ones', () => {
    const next = generateTestKeyPair('next');
    expect(configProblems({ connections: [{ ...valid(), idpCertificates: [defaultIdp().keyPair.certificatePem, next.certificateBase64] }] })).toBe('');
  });

  test('OIDC and SAML connections side by side; ids unique across both', () => {
    const oidc = { id: 'entra-saml', type: 'oidc', name: 'Entra', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, clientId: 'c', clientSecret: 's' };
    expect(configProblems({ connections: [valid(), { ...oidc, id: 'entra-oidc' }] })).toBe('');
    expect(configProblems({ connections: [valid(), oidc] })).toContain('connections.1.id');
  });
});

const entraConnection = (extra: Partial<SamlConnectionEntry> = {}): SamlConnectionEntry => ({
  ...samlConnectionSchema.parse(valid()),
  source: 'database',
  ...extra,
});

const entraClaims = (extra: Partial<SamlClaims> = {}): SamlClaims => ({
  issuer: `https://sts.windows.net/${TENANT}/`,
  nameId: 'Alice@Contoso.example',
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  attributes: { [ENTRA_CLAIM.groups]: ['g1'], [ENTRA_CLAIM.role]: ['Author'], department: ['Sales'] },
  email: 'Alice@Contoso.example',
  firstName: 'Alice',
  lastName: 'Contoso',
  groups: ['g1'],
  roles: ['Author'],
  tenantId: TENANT.toUpperCase(),
  objectId: OID,
  groupsOverage: false,
  ...extra,
});

describe('the sign-in input from verified SAML claims', () => {
  test('Entra: bound by tenant + object id under the tenant OIDC issuer — the same key an Entra OIDC sign-in binds', () => {
    const input = samlSignInInput(entraConnection(), entraClaims());
    const oidc = signInIdentityOf({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, sub: 'pairwise', tid: TENANT, oid: OID }, 'entra');
    expect({ issuer: input.identity.issuer, subject: input.identity.subject }).toEqual({ issuer: oidc.issuer, subject: oidc.subject });
    expect(input.identity).toMatchObject({ email: 'alice@contoso.example', emailVerified: null, firstname: 'Alice', lastname: 'Contoso', groupsOverage: false });
    expect(input.claims).toMatchObject({ groups: ['g1'], roles: ['Author'], department: ['Sales'] });
    expect(input.claimsOptions).toMatchObject({ groupsClaim: 'groups', groupsClaimValues: 'externalId', rolesClaim: 'roles' });
  });

  test('Entra: without tenantid/objectidentifier, or from another tenant, refused', () => {
    expect(() => samlSignInInput(entraConnection(), entraClaims({ objectId: undefined }))).toThrow(expect.objectContaining({ code: 'SSO_CLAIMS_MISSING' }));
    expect(() => samlSignInInput(entraConnection(), entraClaims({ tenantId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' }))).toThrow(expect.objectContaining({ code: 'SSO_TENANT_NOT_ALLOWED' }));
    expect(() => samlSignInInput(entraConnection({ allowedTenants: ['f8cdef31-a31e-4b4a-93e4-5f571e91255a'] }), entraClaims())).toThrow(expect.objectContaining({ code: 'SSO_TENANT_NOT_ALLOWED' }));
  });

  test('Entra groups overage is flagged (SCIM groups stand in)', () => {
    const input = samlSignInInput(entraConnection(), entraClaims({ groups: undefined, groupsOverage: true }));
    expect(input.identity.groupsOverage).toBe(true);
    expect(input.claims.groups).toEqual([]);
  });

  test('others: bound by IdP entity ID + NameID; a transient NameID cannot bind', () => {
    const okta = { issuer: 'http://www.okta.com/exk1', nameId: '00u1abc', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', attributes: { groups: ['Editors'] }, groups: ['Editors'], email: 'olga@example.com', groupsOverage: false } satisfies SamlClaims;
    const input = samlSignInInput(entraConnection(), okta);
    expect(input.identity).toMatchObject({ issuer: 'http://www.okta.com/exk1', subject: '00u1abc', email: 'olga@example.com' });
    expect(input.claimsOptions.groupsClaimValues).toBe('displayName');
    expect(() => samlSignInInput(entraConnection(), { ...okta, nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' })).toThrow(expect.objectContaining({ code: 'SSO_CLAIMS_MISSING' }));
  });
});

describe('refusals', () => {
  test('the SamlError code is the reason; quoted response values are not logged', () => {
    const refusal = samlRefusal(new SamlError('SAML_AUDIENCE_MISMATCH', 'Audience ["https://attacker.example/<script>"] does not include this SP (https://cms.example.com/sp)'));
    expect(refusal).toMatchObject({ code: 'SSO_SAML_REJECTED', reason: 'SAML_AUDIENCE_MISMATCH', status: 400 });
    expect(refusal.message).not.toContain('attacker');
    expect(samlRefusal(new SamlError('SAML_RESPONSE_TOO_LARGE', 'x')).status).toBe(413);
  });
});

describe('metadata download', () => {
  const answer = (body: string, init: ResponseInit = {}) => (async () => new Response(body, init)) as unknown as typeof fetch;

  test('refuses plain http off loopback, redirects, errors and bodies above 1 MiB', async () => {
    await expect(fetchIdpMetadataXml('http://idp.example.com/m', answer('x'))).rejects.toThrow(/https/);
    await expect(fetchIdpMetadataXml('https://idp.example.com/m', answer('', { status: 302, headers: { location: 'http://evil/' } }))).rejects.toThrow(/redirects/);
    await expect(fetchIdpMetadataXml('https://idp.example.com/m', answer('no', { status: 404 }))).rejects.toThrow(/404/);
    await expect(fetchIdpMetadataXml('https://idp.example.com/m', answer('x'.repeat(1024 * 1024 + 1)))).rejects.toThrow(/larger/);
    await expect(fetchIdpMetadataXml('https://idp.example.com/m', answer('<md/>'))).resolves.toBe('<md/>');
  });
});
