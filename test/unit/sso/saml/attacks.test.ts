/**
 * One test per attack from issue 4, each against responses really signed by the samlify IdP, each asserting
 * the specific refusal code (and, where it matters, that no state changed).
 */
import { createSamlServiceProvider, parseIdpMetadata } from '../../../../server/src/sso/saml';
import { generateTestKeyPair } from './helpers/certificates';
import { ACS_URL, SP_ENTITY_ID, connect, defaultIdp, refusalCode } from './helpers/fixture';
import { RSA_SHA1, TestIdp, decode, encode, newId, tamper } from './helpers/saml-idp';

const ADMIN = 'admin@contoso.example';
const MINUTE = 60_000;

/** The one signed `<saml:Assertion>…</saml:Assertion>` of a response, as text. */
const assertionOf = (xml: string): string => {
  const match = /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(xml);
  if (!match) throw new Error('no assertion in fixture');
  return match[0];
};
const withNameId = (assertionXml: string, nameId: string): string =>
  assertionXml.replace(/(<saml:NameID[^>]*>)[^<]*(<\/saml:NameID>)/, `$1${nameId}$2`);
const withId = (assertionXml: string, id: string): string => assertionXml.replace(/^(<saml:Assertion [^>]*?)ID="[^"]+"/, `$1ID="${id}"`);
const withoutSignature = (xml: string): string => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '');

/** A valid SP-initiated response for a fresh request, plus the connection that expects it. */
async function validResponse(options: Parameters<typeof connect>[0] = {}, idp?: TestIdp) {
  const c = connect(options, idp);
  const requestId = await c.startLogin();
  const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId, nameId: 'mallory@contoso.example' });
  return { ...c, requestId, samlResponse, xml: decode(samlResponse) };
}

describe('XML signature wrapping', () => {
  test('XSW in Extensions: the signed assertion moved into samlp:Extensions, a forged one in its place', async () => {
    const { sp, xml } = await validResponse();
    const signed = assertionOf(xml);
    const forged = withoutSignature(withNameId(withId(signed, newId()), ADMIN));
    const attack = xml.replace(signed, `${forged}`).replace('<samlp:Status>', `<samlp:Extensions>${signed}</samlp:Extensions><samlp:Status>`);
    expect(attack).toContain(ADMIN);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(attack) }))).toBe('SAML_ASSERTION_COUNT');
  });

  test('XSW in ds:Object: a forged assertion carrying the original signature, with the signed assertion inside ds:Object', async () => {
    const { sp, xml } = await validResponse();
    const signed = assertionOf(xml);
    const signature = /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(signed)![0];
    const wrappedSignature = signature.replace('</ds:Signature>', `<ds:Object>${signed}</ds:Object></ds:Signature>`);
    const forged = withNameId(withId(signed, newId()), ADMIN).replace(signature, wrappedSignature);
    const attack = xml.replace(signed, forged);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(attack) }))).toBe('SAML_ASSERTION_COUNT');
  });

  test('duplicated Assertion: a forged copy with the same ID and signature before the genuine one', async () => {
    const { sp, xml } = await validResponse();
    const signed = assertionOf(xml);
    const attack = xml.replace(signed, `${withNameId(signed, ADMIN)}${signed}`);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(attack) }))).toBe('SAML_ASSERTION_COUNT');
  });

  test('Response-level wrapping: the whole signed Response nested in a new Response that carries a forged assertion', async () => {
    const { sp, xml } = await validResponse({ requireSignedResponse: false });
    const signed = assertionOf(xml);
    const outer = xml
      .replace(/ ID="[^"]+"/, ` ID="${newId()}"`)
      .replace(signed, withNameId(withId(signed, newId()), ADMIN))
      .replace('<samlp:Status>', `<samlp:Extensions>${xml}</samlp:Extensions><samlp:Status>`);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(outer) }))).toBe('SAML_ASSERTION_COUNT');
  });

  test('Response-level wrapping of a signed Response (Okta style): forged outer Response, signed one inside Extensions', async () => {
    const c = connect({ requireSignedResponse: true });
    const requestId = await c.startLogin();
    const xml = decode(await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId }, { signResponse: true }));
    const signature = /<ds:Signature[\s\S]*?<\/ds:Signature>(?=<samlp:Status>)/.exec(xml);
    expect(signature).not.toBeNull(); // the Response-level signature sits before Status
    const outer = xml.replace(signature![0], '').replace('<samlp:Status>', `<samlp:Extensions>${xml}</samlp:Extensions><samlp:Status>`);
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: encode(outer) }))).toBe('SAML_ASSERTION_COUNT');
  });

  test('content changed after signing (NameID edited in place) fails the signature check', async () => {
    const { sp, xml, requests, replays } = await validResponse();
    const attack = xml.replace(/(<saml:NameID[^>]*>)[^<]*/, `$1${ADMIN}`);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(attack) }))).toBe('SAML_SIGNATURE_INVALID');
    // A forged response must not consume the pending request or poison the replay cache.
    expect(requests.size).toBe(1);
    expect(replays.size).toBe(0);
  });

  test('assertion ID changed so the signature references nothing of its own', async () => {
    const { sp, xml } = await validResponse();
    const signed = assertionOf(xml);
    const attack = xml.replace(signed, withId(signed, newId()));
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(attack) }))).toBe('SAML_ASSERTION_NOT_SIGNED');
  });

  test('a second element reusing the signed assertion ID is refused', async () => {
    const { sp, xml } = await validResponse();
    const id = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1]!;
    const attack = xml.replace('<samlp:Status>', `<samlp:Extensions><x:Decoy xmlns:x="urn:decoy" ID="${id}"/></samlp:Extensions><samlp:Status>`);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode(attack) }))).toBe('SAML_SIGNATURE_INVALID');
  });
});

describe('NameID comment truncation', () => {
  test('a comment inside a signed NameID is refused (the signature stays valid under exc-c14n)', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId, nameId: `${ADMIN}.evil.test` });
    const attack = tamper(samlResponse, (xml) => xml.replace(`${ADMIN}.evil.test`, `${ADMIN}<!---->.evil.test`));
    expect(decode(attack)).toContain('<!---->');
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_XML_COMMENT_FORBIDDEN');
  });
});

describe('signatures', () => {
  test('"sign response only" (Entra option) leaves the assertion unsigned and is refused', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    // samlify signs only the Response when the SP metadata does not ask for signed assertions.
    const responseOnlyMetadata = c.spMetadataXml.replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"');
    const samlResponse = await c.idp.respond(responseOnlyMetadata, { inResponseTo: requestId }, { signResponse: true });
    const xml = decode(samlResponse);
    expect(xml.match(/<ds:Signature /g)).toHaveLength(1);
    expect(assertionOf(xml)).not.toContain('<ds:Signature');
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ASSERTION_NOT_SIGNED');
  });

  test('a completely unsigned assertion is refused', async () => {
    const { sp, samlResponse } = await validResponse();
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: tamper(samlResponse, withoutSignature) }))).toBe('SAML_ASSERTION_NOT_SIGNED');
  });

  test('requireSignedResponse refuses an assertion-only signed response', async () => {
    const { sp, samlResponse } = await validResponse({ requireSignedResponse: true });
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_RESPONSE_NOT_SIGNED');
  });

  test('an assertion signed by another key (same entity ID) is refused', async () => {
    const c = connect();
    const impostor = new TestIdp({ entityId: c.idp.entityId, keyPair: generateTestKeyPair('Impostor') });
    const requestId = await c.startLogin();
    const samlResponse = await impostor.respond(c.spMetadataXml, { inResponseTo: requestId });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_SIGNATURE_INVALID');
    expect(c.requests.size).toBe(1);
  });

  test('an RSA-SHA1 signature is refused even though the key is pinned', async () => {
    const trusted = defaultIdp();
    const sha1Idp = new TestIdp({ entityId: trusted.entityId, keyPair: trusted.keyPair, signatureAlgorithm: RSA_SHA1 });
    const c = connect({}, sha1Idp);
    const requestId = await c.startLogin();
    const samlResponse = await sha1Idp.respond(c.spMetadataXml, { inResponseTo: requestId });
    expect(decode(samlResponse)).toContain('xmldsig#rsa-sha1');
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_SIGNATURE_ALGORITHM_WEAK');
  });
});

describe('addressing', () => {
  test('wrong audience', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: await c.startLogin(), audience: 'https://other-app.example.test' });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_AUDIENCE_MISMATCH');
  });

  test('wrong Destination', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      destination: 'https://other-app.example.test/acs',
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_DESTINATION_MISMATCH');
  });

  test('missing Destination', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: await c.startLogin(), destination: null });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_DESTINATION_MISMATCH');
  });

  test('wrong Recipient (signed SubjectConfirmationData)', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      recipient: 'https://other-app.example.test/acs',
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_RECIPIENT_MISMATCH');
  });

  test('wrong Issuer in the signed assertion', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      assertionIssuer: 'https://sts.windows.net/99999999-0000-0000-0000-000000000000/',
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ISSUER_MISMATCH');
  });

  test('wrong Issuer on the Response envelope', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      responseIssuer: 'https://sts.windows.net/99999999-0000-0000-0000-000000000000/',
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ISSUER_MISMATCH');
  });
});

describe('validity window', () => {
  test('expired assertion', async () => {
    const c = connect();
    const past = Date.now() - 10 * MINUTE;
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      issueInstant: new Date(past),
      notBefore: new Date(past),
      subjectNotOnOrAfter: new Date(Date.now() - 3 * MINUTE),
      notOnOrAfter: new Date(Date.now() - 3 * MINUTE),
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ASSERTION_EXPIRED');
  });

  test('expired Conditions while the bearer confirmation is still valid', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      notOnOrAfter: new Date(Date.now() - 3 * MINUTE),
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ASSERTION_EXPIRED');
  });

  test('not-yet-valid assertion', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      notBefore: new Date(Date.now() + 5 * MINUTE),
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ASSERTION_NOT_YET_VALID');
  });

  test('the clock skew is configurable: 1 minute ahead passes by default, fails with clockSkewMs 0', async () => {
    const strict = connect({ clockSkewMs: 0 });
    const ahead = { notBefore: new Date(Date.now() + MINUTE) };
    const refused = await strict.idp.respond(strict.spMetadataXml, { inResponseTo: await strict.startLogin(), ...ahead });
    expect(await refusalCode(strict.sp.validateResponse({ SAMLResponse: refused }))).toBe('SAML_ASSERTION_NOT_YET_VALID');

    const lenient = connect();
    const accepted = await lenient.idp.respond(lenient.spMetadataXml, { inResponseTo: await lenient.startLogin(), ...ahead });
    await expect(lenient.sp.validateResponse({ SAMLResponse: accepted })).resolves.toHaveProperty('idpInitiated', false);
  });
});

describe('replay', () => {
  test('sequential replay of an SP-initiated response', async () => {
    const { sp, samlResponse } = await validResponse();
    await expect(sp.validateResponse({ SAMLResponse: samlResponse })).resolves.toHaveProperty('claims.nameId', 'mallory@contoso.example');
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ASSERTION_REPLAYED');
  });

  test('concurrent replay: two validations at once, exactly one succeeds', async () => {
    const { sp, samlResponse } = await validResponse();
    const outcomes = await Promise.allSettled([
      sp.validateResponse({ SAMLResponse: samlResponse }),
      sp.validateResponse({ SAMLResponse: samlResponse }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: 'SAML_ASSERTION_REPLAYED' });
  });

  test('concurrent replay of an IdP-initiated response (no request id to consume)', async () => {
    const c = connect({ allowIdpInitiated: true });
    const samlResponse = await c.idp.respond(c.spMetadataXml);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => c.sp.validateResponse({ SAMLResponse: samlResponse })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason.code)).toEqual(
      Array(4).fill('SAML_ASSERTION_REPLAYED'),
    );
  });

  test('sequential replay of an IdP-initiated response', async () => {
    const c = connect({ allowIdpInitiated: true });
    const samlResponse = await c.idp.respond(c.spMetadataXml);
    await expect(c.sp.validateResponse({ SAMLResponse: samlResponse })).resolves.toHaveProperty('idpInitiated', true);
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_ASSERTION_REPLAYED');
  });
});

describe('InResponseTo', () => {
  test('unknown InResponseTo (never issued by this SP)', async () => {
    const c = connect();
    await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: newId() });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
    expect(c.requests.size).toBe(1); // the real pending request is untouched
  });

  test('reused InResponseTo: a second, distinct assertion answering an already answered request', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const first = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId });
    const second = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId });
    await expect(c.sp.validateResponse({ SAMLResponse: first })).resolves.toHaveProperty('requestId', requestId);
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: second }))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
  });

  test('expired request id', async () => {
    const c = connect({ requestTtlMs: 1 });
    const requestId = await c.startLogin();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const samlResponse = await c.idp.respond(c.spMetadataXml, { inResponseTo: requestId });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
  });

  test('a request id issued for another connection sharing the same stores', async () => {
    const entra = connect();
    const requestId = await entra.startLogin();
    const other = createSamlServiceProvider(
      { connectionId: 'other', spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, idp: parseIdpMetadata(entra.idp.metadataXml()) },
      { requests: entra.requests, replays: entra.replays },
    );
    const samlResponse = await entra.idp.respond(entra.spMetadataXml, { inResponseTo: requestId });
    expect(await refusalCode(other.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
  });

  test('unsigned Response/@InResponseTo that disagrees with the signed one', async () => {
    const c = connect();
    const requestId = await c.startLogin();
    const samlResponse = await c.idp.respond(c.spMetadataXml, { responseInResponseTo: await c.startLogin(), subjectInResponseTo: requestId });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_IN_RESPONSE_TO_MISMATCH');
  });

  test('an IdP-initiated assertion dressed up as SP-initiated by adding an unsigned Response/@InResponseTo', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml); // no InResponseTo anywhere
    const attack = tamper(samlResponse, (xml) => xml.replace('<samlp:Response ', `<samlp:Response InResponseTo="${'_attackerStartedThis'}" `));
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_IN_RESPONSE_TO_MISMATCH');
  });

  test('IdP-initiated response when allowIdpInitiated is off (the default)', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml);
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_IDP_INITIATED_NOT_ALLOWED');
    expect(c.replays.size).toBe(0);
  });
});

describe('DTD, XXE and entity expansion', () => {
  const prefixed = async (doctype: string): Promise<string> => {
    const { samlResponse } = await validResponse();
    return tamper(samlResponse, (xml) => `<?xml version="1.0"?>${doctype}${xml}`);
  };

  test('XXE (external entity to /etc/passwd)', async () => {
    const { sp } = connect();
    const attack = await prefixed('<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>');
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_DTD_FORBIDDEN');
  });

  test('billion laughs (nested internal entities)', async () => {
    const { sp } = connect();
    const entities = ['<!ENTITY lol "lol">'];
    for (let level = 1; level <= 9; level += 1) entities.push(`<!ENTITY lol${level} "${`&lol${level === 1 ? '' : level - 1};`.repeat(10)}">`);
    const attack = await prefixed(`<!DOCTYPE lolz [${entities.join('')}]>`);
    const started = Date.now();
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_DTD_FORBIDDEN');
    expect(Date.now() - started).toBeLessThan(500);
  });

  test('even a harmless DOCTYPE (which node-saml accepts)', async () => {
    const { sp } = connect();
    const attack = await prefixed('<!DOCTYPE samlp:Response>');
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_DTD_FORBIDDEN');
  });
});

describe('size', () => {
  test('an oversized SAMLResponse is refused before decoding, quickly', async () => {
    const { sp } = connect();
    const huge = 'A'.repeat(300 * 1024);
    const started = Date.now();
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: huge }))).toBe('SAML_RESPONSE_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(50);
  });

  test('the cap is configurable: a valid response above a small cap is refused', async () => {
    const { sp, samlResponse } = await validResponse({ maxResponseLength: 2048 });
    expect(samlResponse.length).toBeGreaterThan(2048);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_RESPONSE_TOO_LARGE');
  });
});

describe('certificate rollover', () => {
  test('old and new certificates are both accepted, a third is refused', async () => {
    const current = defaultIdp();
    const next = new TestIdp({ entityId: current.entityId, keyPair: generateTestKeyPair('Next') });
    const stranger = new TestIdp({ entityId: current.entityId, keyPair: generateTestKeyPair('Stranger') });
    const c = connect({
      idp: {
        entityId: current.entityId,
        ssoUrl: current.ssoUrl,
        certificates: [current.keyPair.certificatePem, next.keyPair.certificateBase64],
      },
    });

    for (const idp of [current, next]) {
      const samlResponse = await idp.respond(c.spMetadataXml, { inResponseTo: await c.startLogin() });
      await expect(c.sp.validateResponse({ SAMLResponse: samlResponse })).resolves.toHaveProperty('idpInitiated', false);
    }
    const samlResponse = await stranger.respond(c.spMetadataXml, { inResponseTo: await c.startLogin() });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_SIGNATURE_INVALID');
  });
});

describe('malformed input', () => {
  test('missing SAMLResponse', async () => {
    const { sp } = connect();
    expect(await refusalCode(sp.validateResponse({}))).toBe('SAML_RESPONSE_MISSING');
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: ['a', 'b'] }))).toBe('SAML_RESPONSE_MISSING');
  });

  test('not base64', async () => {
    const { sp } = connect();
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: '<samlp:Response/>' }))).toBe('SAML_RESPONSE_MALFORMED');
  });

  test('not XML', async () => {
    const { sp } = connect();
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: encode('<samlp:Response><unclosed>') }))).toBe('SAML_XML_MALFORMED');
  });

  test('a signed message that is not a Response', async () => {
    const { sp, samlResponse } = await validResponse();
    const attack = tamper(samlResponse, (xml) => xml.replace('<samlp:Response ', '<samlp:LogoutResponse ').replace('</samlp:Response>', '</samlp:LogoutResponse>'));
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_NOT_A_RESPONSE');
  });

  test('an IdP error status is reported as such', async () => {
    const c = connect();
    const samlResponse = await c.idp.respond(c.spMetadataXml, {
      inResponseTo: await c.startLogin(),
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
    });
    expect(await refusalCode(c.sp.validateResponse({ SAMLResponse: samlResponse }))).toBe('SAML_STATUS_NOT_SUCCESS');
  });

  test('an encrypted assertion is refused explicitly', async () => {
    const { sp, samlResponse } = await validResponse();
    const attack = tamper(samlResponse, (xml) => xml.replace('<samlp:Status>', '<saml:EncryptedAssertion/><samlp:Status>'));
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: attack }))).toBe('SAML_ENCRYPTED_ASSERTION_UNSUPPORTED');
  });
});
