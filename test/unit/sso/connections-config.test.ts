import { configSchema } from '../../../server/src/config';
import { configProblems } from './helpers/outcomes';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const valid = { id: 'entra', type: 'oidc', name: 'Entra', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, clientId: 'c', clientSecret: 's' };

describe('connections in the plugin config (fail closed, naming the key)', () => {
  test('defaults', () => {
    const parsed = configSchema.parse({ connections: [valid] });
    expect(parsed.connections[0]).toMatchObject({ enabled: true, jit: false, trustEmail: false, scopes: ['openid', 'profile', 'email'], clockToleranceSeconds: 60, idTokenSigningAlg: 'RS256' });
    expect(parsed.sso).toEqual({ loginTimeoutMinutes: 10 });
  });

  test.each([
    [{ ...valid, issuer: 'http://idp.example.com' }, 'connections.0.issuer'],
    [{ ...valid, scopes: ['profile'] }, 'connections.0.scopes'],
    [{ ...valid, id: 'Not Valid' }, 'connections.0.id'],
    [{ ...valid, clientSecret: '' }, 'connections.0.clientSecret'],
    [{ ...valid, issuer: 'https://login.microsoftonline.com/common/v2.0' }, 'connections.0.issuer'],
    [{ ...valid, allowedTenants: ['contoso.com'] }, 'connections.0.issuer'],
    [{ ...valid, unknownKey: true }, 'connections.0'],
    [{ ...valid, type: 'cas' }, 'connections.0.type'],
  ])('refuses %j at %s', (connection, key) => {
    expect(configProblems({ connections: [connection] })).toContain(key);
  });

  test('duplicate ids are refused', () => {
    expect(configProblems({ connections: [valid, { ...valid, name: 'Again' }] })).toContain('connections.1.id');
  });

  test('http issuers are allowed on loopback only', () => {
    expect(configProblems({ connections: [{ ...valid, provider: 'generic', issuer: 'http://127.0.0.1:8080/realm' }] })).toBe('');
  });

  test('sso keys', () => {
    expect(configProblems({ sso: { encryptionKey: 'short' } })).toContain('sso.encryptionKey');
    expect(configProblems({ sso: { loginPolicy: { ssoOnlyUsers: ['not-an-email'] } } })).toContain('sso.loginPolicy.ssoOnlyUsers.0');
  });
});
