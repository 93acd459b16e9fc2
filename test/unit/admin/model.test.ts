/** The admin pages' pure helpers: API error messages, fixed SSO URLs, connection forms ↔ admin API bodies. */
import {
  apiErrorMessage,
  apiErrorStatus,
  connectionFormProblems,
  connectionPayload,
  connectionUrls,
  defaultSpEntityId,
  emptyConnectionForm,
  fieldErrors,
  formOfConnection,
  loginPolicyPayload,
  splitList,
  suggestConnectionId,
  type ConnectionView,
} from '../../../admin/src/utils/model';
import en from '../../../admin/src/translations/en.json';

const ORIGIN = 'https://cms.example.com';

describe('admin API errors', () => {
  test('the message of Strapi\'s FetchError body, else the error\'s own', () => {
    const fetchError = Object.assign(new Error('Request failed with status code 400'), {
      response: { data: { error: { status: 400, name: 'ValidationError', message: 'issuer: issuer must use https' } } },
    });
    expect(apiErrorMessage(fetchError)).toBe('issuer: issuer must use https');
    expect(apiErrorStatus(fetchError)).toBe(400);
    expect(apiErrorMessage(new Error('network down'))).toBe('network down');
    expect(apiErrorStatus(new Error('x'))).toBeUndefined();
    expect(apiErrorMessage('plain')).toBe('plain');
  });

  test('validation messages split per top-level key; the rest under _', () => {
    expect(fieldErrors('issuer: issuer must use https; allowedTenants.0: not a GUID; something odd')).toEqual({
      issuer: ['issuer: issuer must use https'],
      allowedTenants: ['allowedTenants: not a GUID'],
      _: ['something odd'],
    });
    expect(fieldErrors('')).toEqual({});
  });
});

describe('lists typed as text', () => {
  test('split on lines, commas and spaces; trimmed; no duplicates or empties', () => {
    expect(splitList(' openid  profile,email\nopenid ,, ')).toEqual(['openid', 'profile', 'email']);
  });
  test('the login policy: emails lower-cased; role names may hold spaces', () => {
    expect(loginPolicyPayload('A@Example.com\n b@example.com, a@example.com', 'strapi-editor\nContent Reviewers')).toEqual({
      ssoOnlyUsers: ['a@example.com', 'b@example.com'],
      ssoOnlyRoles: ['strapi-editor', 'Content Reviewers'],
    });
  });
});

describe('fixed URLs of a connection', () => {
  test('OIDC: sign-in and redirect URI', () => {
    expect(connectionUrls(`${ORIGIN}/`, { id: 'entra', type: 'oidc' })).toEqual([
      { key: 'signIn', url: `${ORIGIN}/api/sso/entra/login` },
      { key: 'redirectUri', url: `${ORIGIN}/api/sso/entra/callback` },
    ]);
  });
  test('SAML: sign-in, ACS, SP metadata, single logout', () => {
    expect(connectionUrls(ORIGIN, { id: 'okta-saml', type: 'saml' }).map((entry) => [entry.key, entry.url])).toEqual([
      ['signIn', `${ORIGIN}/api/sso/okta-saml/login`],
      ['acs', `${ORIGIN}/api/sso/okta-saml/acs`],
      ['spMetadata', `${ORIGIN}/api/sso/okta-saml/metadata`],
      ['slo', `${ORIGIN}/api/sso/okta-saml/slo`],
    ]);
    expect(defaultSpEntityId(`${ORIGIN}/`, 'okta-saml')).toBe(`${ORIGIN}/api/sso/okta-saml/metadata`);
  });
  test('a connection id suggested from its name matches the server\'s id pattern', () => {
    expect(suggestConnectionId('  Entra ID (Production) ')).toBe('entra-id-production');
    expect(suggestConnectionId('Société Générale')).toBe('societe-generale');
    expect(suggestConnectionId('x'.repeat(80))).toHaveLength(63);
  });
});

describe('connection forms', () => {
  test('a new OIDC connection: trimmed values, lists split, empty optionals left out', () => {
    const form = {
      ...emptyConnectionForm('oidc'),
      id: 'entra',
      name: ' Entra ',
      issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0 ',
      clientId: 'client',
      clientSecret: 's3cret',
      jit: true,
    };
    expect(connectionFormProblems(form, false)).toEqual({});
    expect(connectionPayload(form, { origin: ORIGIN })).toEqual({
      id: 'entra',
      type: 'oidc',
      name: 'Entra',
      enabled: true,
      jit: true,
      trustEmail: false,
      issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
      clientId: 'client',
      clientSecret: 's3cret',
      scopes: ['openid', 'profile', 'email'],
    });
  });

  test('the browser\'s own checks name the fields to fix', () => {
    const form = { ...emptyConnectionForm('oidc'), id: 'Bad Id', scopes: 'profile' };
    expect(Object.keys(connectionFormProblems(form, false)).sort()).toEqual(['clientId', 'clientSecret', 'id', 'issuer', 'name', 'scopes']);
    // Editing: the id is fixed and an empty secret means "unchanged".
    expect(Object.keys(connectionFormProblems({ ...form, name: 'x', issuer: 'https://idp', clientId: 'c', scopes: 'openid' }, true))).toEqual([]);
    expect(Object.keys(connectionFormProblems({ ...emptyConnectionForm('saml'), id: 's', name: 'S' }, false))).toEqual(['idpMetadataXml']);
    expect(Object.keys(connectionFormProblems({ ...emptyConnectionForm('saml'), id: 's', name: 'S', metadataSource: 'url', idpMetadataUrl: 'nope' }, false))).toEqual(['idpMetadataUrl']);
  });

  test('editing OIDC: the secret left empty is not sent (kept); keys the form does not show are sent back unchanged', () => {
    const existing: ConnectionView = {
      id: 'entra',
      type: 'oidc',
      name: 'Entra',
      enabled: true,
      jit: false,
      source: 'database',
      readOnly: false,
      clientSecretSet: true,
      issuer: 'https://login.microsoftonline.com/common/v2.0',
      clientId: 'client',
      scopes: ['openid', 'email'],
      allowedTenants: ['11111111-2222-3333-4444-555555555555'],
      trustEmail: false,
      clockToleranceSeconds: 30,
      groupsClaim: 'groups',
      idTokenSigningAlg: 'RS256',
    };
    const form = formOfConnection(existing);
    expect(form.clientSecret).toBe('');
    expect(form.scopes).toBe('openid email');
    const body = connectionPayload({ ...form, name: 'Entra ID', allowedTenants: '' }, { origin: ORIGIN, existing });
    expect(body).toEqual({
      type: 'oidc',
      name: 'Entra ID',
      enabled: true,
      jit: false,
      trustEmail: false,
      issuer: 'https://login.microsoftonline.com/common/v2.0',
      clientId: 'client',
      scopes: ['openid', 'email'],
      clockToleranceSeconds: 30,
      groupsClaim: 'groups',
      idTokenSigningAlg: 'RS256',
    });
    expect(connectionPayload({ ...form, clientSecret: 'new' }, { origin: ORIGIN, existing }).clientSecret).toBe('new');
  });

  test('SAML: exactly one metadata source is sent; the SP entity ID defaults to the SP metadata URL', () => {
    const form = { ...emptyConnectionForm('saml'), id: 'okta', name: 'Okta', idpMetadataXml: ' <EntityDescriptor/> ', idpMetadataUrl: 'https://ignored', allowIdpInitiated: true, directory: 'Okta' };
    expect(connectionPayload(form, { origin: ORIGIN })).toEqual({
      id: 'okta',
      type: 'saml',
      name: 'Okta',
      enabled: true,
      jit: false,
      trustEmail: false,
      directory: 'Okta',
      idpMetadataXml: '<EntityDescriptor/>',
      spEntityId: `${ORIGIN}/api/sso/okta/metadata`,
      allowIdpInitiated: true,
    });
    const existing: ConnectionView = {
      id: 'okta', type: 'saml', name: 'Okta', enabled: false, jit: false, source: 'database', readOnly: false,
      idpMetadataXml: '<EntityDescriptor/>', spEntityId: 'urn:sp', allowIdpInitiated: false, spPrivateKeySet: true, spCertificate: 'CERT', clockSkewSeconds: 60,
    };
    const edited = connectionPayload({ ...formOfConnection(existing), metadataSource: 'url', idpMetadataUrl: 'https://idp.example.com/metadata' }, { origin: ORIGIN, existing });
    expect(edited).toEqual({
      type: 'saml', name: 'Okta', enabled: false, jit: false, trustEmail: false,
      idpMetadataUrl: 'https://idp.example.com/metadata', spEntityId: 'urn:sp', allowIdpInitiated: false,
      spCertificate: 'CERT', clockSkewSeconds: 60,
    });
  });
});

describe('translations', () => {
  test('every English message is a non-empty string and ICU placeholders are balanced', () => {
    for (const [key, value] of Object.entries(en as Record<string, string>)) {
      expect(typeof value).toBe('string');
      expect(value.trim()).not.toBe('');
      expect([key, (value.match(/\{/g) ?? []).length]).toEqual([key, (value.match(/\}/g) ?? []).length]);
    }
  });
});
