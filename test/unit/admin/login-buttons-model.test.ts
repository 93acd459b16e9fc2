import { isAdminPath, loginButtons, loginTexts, parseConnections } from '../../../admin/src/sso/login-buttons-model';
import english from '../../../admin/src/translations/en.json';

describe('the login page\'s SSO buttons', () => {
  test('parse only well-formed connections from the public list', () => {
    expect(
      parseConnections({
        data: [
          { id: 'entra', name: ' Contoso Entra ID ', type: 'oidc' },
          { id: 'okta-saml', name: 'Okta', type: 'saml' },
          { id: '../x', name: 'Bad id', type: 'oidc' },
          { id: 'blank', name: '  ', type: 'oidc' },
          { id: 'ldap', name: 'LDAP', type: 'ldap' },
          null,
        ],
      })
    ).toEqual([
      { id: 'entra', name: 'Contoso Entra ID', type: 'oidc' },
      { id: 'okta-saml', name: 'Okta', type: 'saml' },
    ]);
    expect(parseConnections({ error: 'x' })).toEqual([]);
    expect(parseConnections(null)).toEqual([]);
  });

  test('one link per connection to its sign-in URL, returning to the page the person wanted', () => {
    const buttons = loginButtons([{ id: 'entra', name: 'Contoso', type: 'oidc' }], 'https://cms.example.com/', '/admin', '/admin/content-manager');
    expect(buttons).toEqual([
      { label: 'Sign in with Contoso', href: 'https://cms.example.com/api/sso/entra/login?returnTo=%2Fadmin%2Fcontent-manager' },
    ]);
  });

  test('the link text, divider and block name come from the translations, English where a locale lacks one', () => {
    const texts = loginTexts({ 'login.sso.signInWith': 'Se connecter avec {name}', 'login.sso.or': 'ou' }, english);
    expect(texts.or).toBe('ou');
    expect(texts.nav).toBe('Single sign-on');
    const [button] = loginButtons([{ id: 'entra', name: 'Contoso {name}', type: 'oidc' }], 'https://cms.example.com', '/admin', null, texts.signInWith);
    // The connection's name is put in once, as text: a "{name}" inside it is not expanded again.
    expect(button!.label).toBe('Se connecter avec Contoso {name}');
    expect(loginTexts({}, english).signInWith('Okta')).toBe('Sign in with Okta');
  });

  test('a returnTo outside the admin panel is replaced by the admin home', () => {
    for (const hostile of ['https://evil.example/admin', '//evil.example/admin', '/\\evil.example', '/admin\r\nSet-Cookie: x=1', '/api/other', '/administrator']) {
      const [button] = loginButtons([{ id: 'entra', name: 'Contoso', type: 'oidc' }], 'http://localhost:1337', 'admin', hostile);
      expect(button!.href).toBe('http://localhost:1337/api/sso/entra/login?returnTo=%2Fadmin');
    }
  });

  test('isAdminPath accepts the admin home, its sub-paths and queries only', () => {
    expect(isAdminPath('/admin', '/admin')).toBe(true);
    expect(isAdminPath('/admin/settings', '/admin')).toBe(true);
    expect(isAdminPath('/admin?x=1', '/admin')).toBe(true);
    expect(isAdminPath('/adminx', '/admin')).toBe(false);
    expect(isAdminPath('admin', '/admin')).toBe(false);
  });
});
