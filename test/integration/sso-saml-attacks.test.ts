/**
 * Issue 4, through the real app: the SAML attacks the unit suite (test/unit/sso/saml/attacks.test.ts) refuses in
 * the framework-free core, posted to `POST /api/sso/{id}/acs` from the browser that started the sign-in (its
 * RelayState and binding cookie), each asserting the refusal code on the page, no Strapi session cookie, and
 * `/admin/users/me` unreachable. XML signature wrapping, a comment inside NameID, wrong Recipient and Issuer,
 * not-yet-valid and expired assertions, a foreign signing key, and two pinned certificates (both work, a third not).
 */
import { bootApp, type TestApp } from './helpers/app';
import { request } from './helpers/http';
import { createSuperAdmin } from './helpers/admin';
import { TestBrowser } from './helpers/oidc-browser';
import { EDITORS_GROUP, expectNoSession, ssoFixtures, TENANT } from './helpers/sso-fixtures';
import { SamlIdpServer, newObjectId, readAutoPostForm, type AutoPostForm } from './helpers/saml-idp-server';
import { parseIdpMetadata } from '../../server/src/sso/saml';
import { decode, encode, newId, type ResponseFields } from '../unit/sso/saml/helpers/saml-idp';

const MINUTE = 60_000;
const TARGET = 'owner@contoso.example';
const FOREIGN_TENANT_ISSUER = 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/';

let app: TestApp;
let ownerToken: string;
/** The IdP the connections point at; `rollover` and `stranger` sign with other keys under the same entity ID. */
let entra: SamlIdpServer, rollover: SamlIdpServer, stranger: SamlIdpServer;
const { adminApi, isAdminLanding, expectLanded, me } = ssoFixtures(() => ({ app, ownerToken }));

/** One person, the same at every IdP instance (one tenant, one object id): only the signing key differs. */
const alice = { login: 'alice', objectId: newObjectId(), email: 'alice@contoso.example', givenName: 'Alice', surname: 'Contoso', groups: [EDITORS_GROUP] };
const startIdp = () => SamlIdpServer.start({ flavor: 'entra', tenantId: TENANT, accounts: [alice] });
const certificateOf = (idp: SamlIdpServer) => parseIdpMetadata(idp.metadataXml(), { allowLoopbackHttp: true }).certificates[0]!;

/** A started SP-initiated sign-in: the browser (binding cookie set), the IdP's genuine form, and the request it answers. */
interface Started {
  browser: TestBrowser;
  form: AutoPostForm;
  requestId: string;
}

async function start(connectionId: string): Promise<Started> {
  const browser = new TestBrowser();
  const result = await browser.navigate(`${app.origin}/api/sso/${connectionId}/login`);
  expect(result.status).toBe(200);
  return { browser, form: readAutoPostForm(result.text), requestId: entra.lastRequestId! };
}

/** Posts `samlResponse` to the ACS of the started sign-in, from its browser, with its RelayState. */
async function post(started: Started, samlResponse: string) {
  const { browser, form } = started;
  const body = new URLSearchParams({ ...form.fields, SAMLResponse: samlResponse }).toString();
  const { response, setCookies } = await browser.fetch(form.action, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const location = response.headers.get('location');
  return {
    browser,
    status: response.status,
    url: location ? new URL(location, form.action).href : form.action,
    text: await response.text(),
    hops: [{ setCookies }],
    landed: response.status === 302 && location !== null && isAdminLanding(new URL(location, form.action)),
  };
}

/** The started sign-in's genuine response, edited as an attacker would (decoded XML in, XML out), then posted. */
const postEdited = (started: Started, edit: (xml: string) => string) => post(started, encode(edit(decode(started.form.fields.SAMLResponse!))));

/** Refused with `code` on the page, no session cookie on the answer or in the jar, and `/admin/users/me` unreachable. */
async function expectRefused(result: Awaited<ReturnType<typeof post>>, code: string) {
  expect(result.landed).toBe(false);
  expect(result.status).toBeGreaterThanOrEqual(400);
  expect(result.status).toBeLessThan(500);
  expect({ code: /Error code: ([A-Z0-9_]+)/.exec(result.text)?.[1] }).toEqual({ code });
  expectNoSession(result.browser, result.hops);
  expect((await me(result.browser)).status).toBe(401);
}

/** The sign-in `connectionId` answered by `idp` with `fields` (signed by that IdP's key), posted. */
async function signInVia(connectionId: string, idp: SamlIdpServer, fields: Partial<ResponseFields> = {}) {
  const started = await start(connectionId);
  idp.next.fields = fields;
  return post(started, await idp.respond(`https://cms.example.test/sso/${connectionId}`, 'alice', started.requestId));
}

// Built as attacks.test.ts builds them: the one signed assertion, NameID and ID rewritten, signature dropped.
const assertionOf = (xml: string) => /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(xml)![0];
const withNameId = (assertion: string, nameId: string) => assertion.replace(/(<saml:NameID[^>]*>)[^<]*(<\/saml:NameID>)/, `$1${nameId}$2`);
const withId = (assertion: string, id: string) => assertion.replace(/^(<saml:Assertion [^>]*?)ID="[^"]+"/, `$1ID="${id}"`);
const signatureOf = (xml: string) => /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(xml)![0];

beforeAll(async () => {
  [entra, rollover, stranger] = await Promise.all([startIdp(), startIdp(), startIdp()]);
  app = await bootApp({
    pluginConfig: {
      mapping: {
        attributes: [],
        policy: {
          roleRules: [{ id: 'editors', when: [{ source: { type: 'group', by: 'externalId' }, op: 'equals', value: EDITORS_GROUP }], roles: ['strapi-editor'] }],
          unmatched: { action: 'deactivate' },
          allowSuperAdmin: false,
        },
      },
    },
  });
  ownerToken = await createSuperAdmin(app);
  const base = { type: 'saml', idpMetadataXml: entra.metadataXml(), jit: true, allowIdpInitiated: false };
  for (const [id, extra] of [
    ['saml', {}],
    ['saml-pinned', { idpCertificates: [certificateOf(entra), certificateOf(rollover)] }],
  ] as const) {
    const reply = await adminApi('POST', '/sso/connections', { ...base, ...extra, id, name: `Attacked (${id})`, spEntityId: `https://cms.example.test/sso/${id}` });
    if (reply.status !== 201) throw new Error(`creating connection ${id}: ${reply.status} ${reply.text}`);
    const spMetadata = (await request('GET', `${app.origin}/api/sso/${id}/metadata`)).text;
    for (const idp of [entra, rollover, stranger]) idp.registerSp(spMetadata);
  }
});

afterAll(async () => {
  await app?.close();
  await Promise.all([entra, rollover, stranger].map((idp) => idp?.close()));
});

test('control: the genuine response of a started sign-in lands and reaches /admin/users/me', async () => {
  const started = await start('saml');
  const result = await post(started, started.form.fields.SAMLResponse!);
  await expectLanded(result);
  expect((await me(result.browser)).body.data.email).toBe('alice@contoso.example');
});

describe('XML signature wrapping', () => {
  test('XSW in Extensions: the signed assertion moved into samlp:Extensions, a forged unsigned one in its place', async () => {
    await expectRefused(
      await postEdited(await start('saml'), (xml) => {
        const signed = assertionOf(xml);
        const forged = withNameId(withId(signed, newId()), TARGET).replace(signatureOf(signed), '');
        return xml.replace(signed, forged).replace('<samlp:Status>', `<samlp:Extensions>${signed}</samlp:Extensions><samlp:Status>`);
      }),
      'SAML_ASSERTION_COUNT'
    );
  });

  test('XSW in ds:Object: a forged assertion carrying the original signature, the signed assertion inside ds:Object', async () => {
    await expectRefused(
      await postEdited(await start('saml'), (xml) => {
        const signed = assertionOf(xml);
        const signature = signatureOf(signed);
        const wrapped = signature.replace('</ds:Signature>', `<ds:Object>${signed}</ds:Object></ds:Signature>`);
        return xml.replace(signed, withNameId(withId(signed, newId()), TARGET).replace(signature, wrapped));
      }),
      'SAML_ASSERTION_COUNT'
    );
  });

  test('duplicated Assertion: a forged copy with the same ID and signature before the genuine one', async () => {
    await expectRefused(
      await postEdited(await start('saml'), (xml) => xml.replace(assertionOf(xml), `${withNameId(assertionOf(xml), TARGET)}${assertionOf(xml)}`)),
      'SAML_ASSERTION_COUNT'
    );
  });

  test('Response-level wrapping: the genuine Response nested in a new one that carries a forged assertion', async () => {
    await expectRefused(
      await postEdited(await start('saml'), (xml) =>
        xml
          .replace(/ ID="[^"]+"/, ` ID="${newId()}"`)
          .replace(assertionOf(xml), withNameId(withId(assertionOf(xml), newId()), TARGET))
          .replace('<samlp:Status>', `<samlp:Extensions>${xml}</samlp:Extensions><samlp:Status>`)
      ),
      'SAML_ASSERTION_COUNT'
    );
  });

  test('NameID edited in place after signing fails the signature check', async () => {
    await expectRefused(await postEdited(await start('saml'), (xml) => xml.replace(/(<saml:NameID[^>]*>)[^<]*/, `$1${TARGET}`)), 'SAML_SIGNATURE_INVALID');
  });
});

test('a comment inside the signed NameID is refused (the signature stays valid under exc-c14n)', async () => {
  const started = await start('saml');
  entra.next.fields = { nameId: `${TARGET}.evil.test` };
  const signed = decode(await entra.respond('https://cms.example.test/sso/saml', 'alice', started.requestId));
  expect(signed).toContain(`${TARGET}.evil.test`);
  await expectRefused(await post(started, encode(signed.replace(`${TARGET}.evil.test`, `${TARGET}<!---->.evil.test`))), 'SAML_XML_COMMENT_FORBIDDEN');
});

describe('addressing and validity', () => {
  test('wrong Recipient (another host) in the signed SubjectConfirmationData', async () => {
    await expectRefused(await signInVia('saml', entra, { recipient: 'https://other-app.example.test/api/sso/saml/acs' }), 'SAML_RECIPIENT_MISMATCH');
  });

  test('wrong Issuer in the signed assertion only (the envelope names the trusted IdP)', async () => {
    await expectRefused(await signInVia('saml', entra, { assertionIssuer: FOREIGN_TENANT_ISSUER }), 'SAML_ISSUER_MISMATCH');
  });

  test('wrong Issuer on the Response envelope only', async () => {
    await expectRefused(await signInVia('saml', entra, { responseIssuer: FOREIGN_TENANT_ISSUER }), 'SAML_ISSUER_MISMATCH');
  });

  test('not yet valid: NotBefore 10 minutes ahead, beyond the 2-minute skew', async () => {
    await expectRefused(await signInVia('saml', entra, { notBefore: new Date(Date.now() + 10 * MINUTE) }), 'SAML_ASSERTION_NOT_YET_VALID');
  });

  test('expired: Conditions NotOnOrAfter 10 minutes ago, beyond the skew, while the bearer confirmation is still valid', async () => {
    await expectRefused(await signInVia('saml', entra, { notBefore: new Date(Date.now() - 20 * MINUTE), notOnOrAfter: new Date(Date.now() - 10 * MINUTE) }), 'SAML_ASSERTION_EXPIRED');
  });
});

describe('signing keys', () => {
  test('an answer to a real request signed by another key (same entity ID) is refused', async () => {
    await expectRefused(await signInVia('saml', stranger), 'SAML_SIGNATURE_INVALID');
  });

  test('two pinned certificates: a sign-in signed by either lands; one signed by a third key is refused', async () => {
    for (const idp of [entra, rollover]) {
      const result = await signInVia('saml-pinned', idp);
      await expectLanded(result);
      expect((await me(result.browser)).body.data.email).toBe('alice@contoso.example');
    }
    await expectRefused(await signInVia('saml-pinned', stranger), 'SAML_SIGNATURE_INVALID');
  });
});
