/**
 * Single sign-on across two Strapi instances on one PostgreSQL database, behind a loopback proxy that sends the
 * sign-in start to one instance and the IdP's callback to the other — as a load balancer without sticky
 * sessions does. The sign-in state lives in the database, so the second instance finishes what the first
 * began, exactly once. (PostgreSQL pass only.)
 */
import type { IncomingMessage } from 'node:http';
import { startCluster, usesPostgres, type Cluster } from './helpers/cluster';
import { request } from './helpers/http';
import { TestBrowser } from './helpers/oidc-browser';
import { startOidcProvider, type TestOidcProvider } from './helpers/oidc-provider';
import { startProxy, type Proxy } from './helpers/proxy';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_SECRET = 'test-client-secret-with-enough-entropy';
const describeOnPostgres = usesPostgres() ? describe : describe.skip;

describeOnPostgres('SSO with two instances behind a proxy', () => {
  let cluster: Cluster;
  let idp: TestOidcProvider;
  let proxy: Proxy;
  /** Which instance answers: the callback goes to the second, everything else to the first. */
  const route = (incoming: IncomingMessage) =>
    cluster.instances[/\/api\/sso\/[^/]+\/callback/.test(incoming.url ?? '') ? 1 : 0]!.origin;

  beforeAll(async () => {
    proxy = await startProxy((incoming) => route(incoming));
    idp = await startOidcProvider({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${proxy.origin}/api/sso/entra/callback`],
      accounts: [{ login: 'alice', oid: '00000000-0000-4000-8000-0000000a11ce', email: 'alice@contoso.example', givenName: 'Alice', familyName: 'Contoso' }],
    });
    cluster = await startCluster({
      size: 2,
      // Both instances know their public URL is the proxy's, as behind a real load balancer.
      env: { PUBLIC_URL: proxy.origin },
      pluginConfig: {
        connections: [
          {
            id: 'entra',
            type: 'oidc',
            name: 'Contoso',
            provider: 'entra',
            issuer: idp.issuer,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            scopes: ['openid', 'profile', 'email'],
            jit: true,
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await idp?.close();
    await proxy?.close();
  });

  test('a sign-in started on one instance is finished by the other, once; the session works on both', async () => {
    const browser = new TestBrowser();
    const isAdmin = (location: URL) => location.origin === proxy.origin && location.pathname.startsWith('/admin');
    const result = await browser.navigate(`${proxy.origin}/api/sso/entra/login?login_hint=alice`, { stopAt: isAdmin });
    expect(result.status).toBe(302);
    expect(isAdmin(new URL(result.url))).toBe(true);
    const [first, second] = cluster.instances;
    expect(proxy.log.some((line) => line.includes('/api/sso/entra/login') && line.endsWith(first!.origin))).toBe(true);
    expect(proxy.log.some((line) => line.includes('/api/sso/entra/callback') && line.endsWith(second!.origin))).toBe(true);

    const token = browser.cookie('jwtToken')?.value;
    expect(token).toEqual(expect.any(String));
    for (const instance of cluster.instances) {
      const me = await request('GET', `${instance.origin}/admin/users/me`, undefined, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(me.body.data.email).toBe('alice@contoso.example');
    }

    // The same callback again, now on the first instance: the state was consumed on the second.
    const callback = result.hops.find((hop) => hop.url.includes('/api/sso/entra/callback'))!.url;
    const replay = await browser.fetch(callback.replace(proxy.origin, first!.origin));
    expect(replay.response.status).toBeGreaterThanOrEqual(400);
    expect(replay.setCookies.filter((header) => /^(strapi_admin_refresh|jwtToken)=[^;]+/.test(header))).toEqual([]);
  });
});
