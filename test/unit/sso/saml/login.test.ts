/** Valid logins against a real signing IdP (samlify): the claims the SSO core receives. */
import { ENTRA_CLAIM } from '../../../../server/src/sso/saml';
import { ACS_URL, SP_ENTITY_ID, connect } from './helpers/fixture';

const TENANT = '11111111-2222-3333-4444-555555555555';
const OBJECT_ID = '9f8e7d6c-5b4a-3210-fedc-ba9876543210';

const entraAttributes = {
  [ENTRA_CLAIM.tenantId]: [TENANT],
  [ENTRA_CLAIM.objectId]: [OBJECT_ID],
  [ENTRA_CLAIM.email]: ['alice@contoso.example'],
  [ENTRA_CLAIM.givenName]: ['Alice'],
  [ENTRA_CLAIM.surname]: ['Martin'],
  [ENTRA_CLAIM.displayName]: ['Alice Martin'],
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ['alice@contoso.example'],
  [ENTRA_CLAIM.groups]: ['5e0c1f0a-0000-4000-8000-000000000001', '5e0c1f0a-0000-4000-8000-000000000002'],
  [ENTRA_CLAIM.role]: ['Strapi.Editor', 'Strapi.Author'],
};

describe('SP-initiated login', () => {
  test('an Entra-shaped response yields normalised claims and consumes the request', async () => {
    const c = connect();
    const requestId = await c.startLogin('/admin/content-manager');
    expect(c.requests.size).toBe(1);
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId, attributes: entraAttributes });

    const result = await c.sp.validateResponse({ SAMLResponse: samlResponse, RelayState: '/admin/content-manager' });

    expect(result.idpInitiated).toBe(false);
    expect(result.requestId).toBe(requestId);
    expect(result.relayState).toBe('/admin/content-manager');
    expect(result.assertionId).toMatch(/^_[0-9a-f]{32}$/);
    expect(result.claims).toEqual({
      issuer: `https://sts.windows.net/${TENANT}/`,
      nameId: 'alice@contoso.example',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      sessionIndex: expect.stringMatching(/^_/),
      attributes: entraAttributes,
      email: 'alice@contoso.example',
      firstName: 'Alice',
      lastName: 'Martin',
      displayName: 'Alice Martin',
      groups: ['5e0c1f0a-0000-4000-8000-000000000001', '5e0c1f0a-0000-4000-8000-000000000002'],
      roles: ['Strapi.Editor', 'Strapi.Author'],
      tenantId: TENANT,
      objectId: OBJECT_ID,
      groupsOverage: false,
    });
    expect(c.requests.size).toBe(0);
    expect(c.replays.size).toBe(1);
  });

  test('Entra groups overage (groups.link instead of groups) is flagged, not fatal', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: requestId,
      attributes: {
        [ENTRA_CLAIM.objectId]: [OBJECT_ID],
        [ENTRA_CLAIM.groupsOverage]: [`https://graph.windows.net/${TENANT}/users/${OBJECT_ID}/getMemberObjects`],
      },
    });
    const { claims } = await c.sp.validateResponse({ SAMLResponse: samlResponse });
    expect(claims.groupsOverage).toBe(true);
    expect(claims.groups).toBeUndefined();
    expect(claims.objectId).toBe(OBJECT_ID);
  });

  test('an Okta-shaped response (plain attribute names, Response and Assertion signed) is accepted with requireSignedResponse', async () => {
    const c = connect({ requireSignedResponse: true });
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(
      c.spMetadataXml,
      {
        inResponseTo: requestId,
        nameId: 'bob@example.org',
        attributes: { email: ['bob@example.org'], firstName: ['Bob'], lastName: ['Stone'], groups: ['Everyone', 'strapi-editors', 'strapi-editors'] },
      },
      { signResponse: true },
    );
    // Both signatures really are there.
    expect(Buffer.from(samlResponse, 'base64').toString().match(/<ds:Signature /g)).toHaveLength(2);

    const { claims } = await c.sp.validateResponse({ SAMLResponse: samlResponse });
    expect(claims).toMatchObject({
      nameId: 'bob@example.org',
      email: 'bob@example.org',
      firstName: 'Bob',
      lastName: 'Stone',
      groups: ['Everyone', 'strapi-editors'], // deduplicated
      groupsOverage: false,
    });
    expect(claims.roles).toBeUndefined();
    expect(claims.tenantId).toBeUndefined();
  });

  test("Okta's default app (emailAddress NameID, no attribute statements) still yields an email", async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId, nameId: 'carol@example.org' });
    const { claims } = await c.sp.validateResponse({ SAMLResponse: samlResponse });
    expect(claims.email).toBe('carol@example.org');
    expect(claims.attributes).toEqual({});
  });

  test('a persistent NameID is never mistaken for an email', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: requestId,
      nameId: 'AAAAAAAAAAAAAAAAAAAAAPu8f6o2jt5yGmvvKwk3OfA',
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    });
    const { claims } = await c.sp.validateResponse({ SAMLResponse: samlResponse });
    expect(claims.email).toBeUndefined();
    expect(claims.nameIdFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });

  test('an attribute named __proto__ stays an ordinary own attribute (no prototype games)', async () => {
    const c = connect();
    // An object literal would turn `__proto__` into a prototype; fromEntries makes it a real key, as on the wire.
    const attributes: Record<string, string[]> = Object.fromEntries([['__proto__', ['polluted']]]);
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: await c.startLogin(), attributes });
    expect(Buffer.from(samlResponse, 'base64').toString()).toContain('Name="__proto__"');
    const { claims } = await c.sp.validateResponse({ SAMLResponse: samlResponse });
    expect(Object.prototype.hasOwnProperty.call(claims.attributes, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(claims.attributes, '__proto__')?.value).toEqual(['polluted']);
    expect(Object.getPrototypeOf(claims.attributes)).toBe(Object.prototype);
  });

  test('NotBefore slightly in the future (IdP clock ahead) passes within the default 2-minute skew', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: requestId,
      issueInstant: new Date(Date.now() + 60_000),
      notBefore: new Date(Date.now() + 60_000),
    });
    await expect(c.sp.validateResponse({ SAMLResponse: samlResponse })).resolves.toMatchObject({ idpInitiated: false });
  });
});

describe('IdP-initiated login', () => {
  test('is accepted when allowIdpInitiated is on', async () => {
    const c = connect({ allowIdpInitiated: true });
    const samlResponse = await c.idp.respond(c.spMetadataXml, { attributes: entraAttributes });
    const result = await c.sp.validateResponse({ SAMLResponse: samlResponse });
    expect(result.idpInitiated).toBe(true);
    expect(result.requestId).toBeUndefined();
    expect(result.claims.objectId).toBe(OBJECT_ID);
  });
});

test('fixture sanity: the IdP answers to our ACS URL and audience', async () => {
  const c = connect();
  const xml = Buffer.from(await c.idp.respond(c.spMetadataXml), 'base64').toString();
  expect(xml).toContain(`Destination="${ACS_URL}"`);
  expect(xml).toContain(`<saml:Audience>${SP_ENTITY_ID}</saml:Audience>`);
});
