/**
 * Secrets never reach the logs or the plugin's tables in the clear. One Strapi instance runs in its own process
 * (helpers/cluster.ts, output captured, log level debug) through everything that handles a secret: a SCIM token
 * created through the admin API and used, wrong tokens, an OIDC connection whose client secret is entered
 * through the admin API and used for a real sign-in, a SAML connection with an SP private key used for a
 * sign-in, an invitation whose mail cannot be delivered (registration token), and errors. Then everything
 * captured — stdout/stderr, every `ib_*` table (provisioning log included) — is searched for each secret value,
 * for the session cookies and admin tokens seen, and for anything shaped like a JWT or a bearer credential.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { startCluster, type Cluster } from './helpers/cluster';
import { DEFAULT_TEST_TOKEN } from './helpers/app';
import { request, scimClient } from './helpers/http';
import { TestBrowser } from './helpers/oidc-browser';
import { startOidcProvider, type TestOidcProvider } from './helpers/oidc-provider';
import { startProxy, type Proxy } from './helpers/proxy';
import { SamlIdpServer, newObjectId, readAutoPostForm } from './helpers/saml-idp-server';
import { generateTestKeyPair } from '../unit/sso/saml/helpers/certificates';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const OIDC_SECRET = `oidc-secret-${randomBytes(12).toString('hex')}`;
const ENCRYPTION_KEY = randomBytes(32).toString('hex');
const OWNER_PASSWORD = `Owner-${randomBytes(6).toString('hex')}-Passw0rd!`;
const spKeys = generateTestKeyPair('Strapi SP');

/** Every secret value seen during the run, by what it is. */
const secrets = new Map<string, string>();
const track = (label: string, value: string | undefined | null) => {
  if (!value || value.length < 8) throw new Error(`no usable value for ${label}`);
  secrets.set(label, value);
};

let cluster: Cluster;
let proxy: Proxy;
let oidc: TestOidcProvider;
let saml: SamlIdpServer;
let origin: string;
let ownerToken: string;

const admin = (method: string, path: string, body?: unknown, token = ownerToken) =>
  request(method, `${origin}${path}`, body, { headers: { authorization: `Bearer ${token}` }, contentType: 'application/json' });

/** A port nothing listens on: the invitation mail fails, and the failure is logged. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Rows of a query on the instance's database (SQLite file or PostgreSQL). */
async function dbRows(sql: string): Promise<Record<string, unknown>[]> {
  if (cluster.databaseUrl.startsWith('sqlite:')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3');
    const db = new Database(cluster.databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  }
  const db = new Client({ connectionString: cluster.databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql)).rows;
  } finally {
    await db.end();
  }
}

/** Every row of every table of the plugin, as text. */
async function pluginTables(): Promise<Record<string, string>> {
  const sqlite = cluster.databaseUrl.startsWith('sqlite:');
  const tables = (await dbRows(
    sqlite
      ? "select name from sqlite_master where type = 'table' and name like 'ib\\_%' escape '\\'"
      : "select tablename as name from pg_tables where schemaname = 'public' and tablename like 'ib\\_%'"
  )) as { name: string }[];
  const dump: Record<string, string> = {};
  for (const { name } of tables) dump[name] = JSON.stringify(await dbRows(`select * from "${name}"`));
  return dump;
}

beforeAll(async () => {
  saml = await SamlIdpServer.start({
    flavor: 'entra',
    tenantId: TENANT,
    accounts: [{ login: 'sam', objectId: newObjectId(), email: 'sam@contoso.example', givenName: 'Sam', surname: 'Contoso' }],
  });
  // The proxy only gives the instance a public URL known before it starts (the OIDC redirect URI).
  proxy = await startProxy(() => origin);
  oidc = await startOidcProvider({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: OIDC_SECRET,
    redirectUris: [`${proxy.origin}/api/sso/entra/callback`],
    accounts: [{ login: 'alice', oid: '00000000-0000-4000-8000-0000000a11ce', email: 'alice@contoso.example', givenName: 'Alice', familyName: 'Contoso' }],
  });
  cluster = await startCluster({
    size: 1,
    captureOutput: true,
    env: {
      PUBLIC_URL: proxy.origin,
      IB_TEST_LOG_LEVEL: 'debug',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(await closedPort()),
    },
    pluginConfig: {
      sso: { encryptionKey: ENCRYPTION_KEY },
      invitations: { enabled: true, subject: 'Welcome', text: 'Hello {{name}}, sign in: {{link}}' },
    },
  });
  origin = cluster.instances[0]!.origin;
  track('declared SCIM token', DEFAULT_TEST_TOKEN);
  track('encryption key', ENCRYPTION_KEY);
  track('OIDC client secret', OIDC_SECRET);
  track('owner password', OWNER_PASSWORD);
  // A PEM line from the middle of the key: any copy of the key, escaped or not, contains it.
  track('SP private key', spKeys.privateKeyPem.split('\n')[5]);
}, 180_000);

afterAll(async () => {
  await cluster?.close();
  await proxy?.close();
  await oidc?.close();
  await saml?.close();
});

describe('secrets through a whole run', () => {
  test('the first admin registers (admin JWT)', async () => {
    const reply = await request(
      'POST',
      `${origin}/admin/register-admin`,
      { email: 'owner@example.com', password: OWNER_PASSWORD, firstname: 'Owner', lastname: 'Example' },
      { contentType: 'application/json' }
    );
    expect(reply.status).toBe(200);
    ownerToken = reply.body.data.token;
    track('owner admin token', ownerToken);
  });

  test('an invitation whose mail fails: the registration token stays out of logs and answers', async () => {
    const scim = scimClient(`${origin}/api/scim/v2`, DEFAULT_TEST_TOKEN);
    const created = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'invitee@contoso.example',
      emails: [{ primary: true, value: 'invitee@contoso.example', type: 'work' }],
      name: { givenName: 'In', familyName: 'Vitee' },
      active: true,
    });
    expect(created.status).toBe(201);
    // Strapi keeps the registration token in its own table, as Strapi does for every invited admin user.
    const [invitee] = await dbRows("select registration_token from admin_users where email = 'invitee@contoso.example'");
    track('registration token', invitee?.registration_token as string);
    const resend = await admin('POST', `/identity-bridge/identities/${encodeURIComponent(await identityRowId('invitee@contoso.example'))}/invite`);
    expect(resend.status).toBe(502);
    expect(resend.text).not.toContain(secrets.get('registration token'));
  });

  test('a SCIM token created through the admin API works; wrong ones are refused without being echoed', async () => {
    const directories = await admin('GET', '/identity-bridge/directories');
    const token = await admin('POST', '/identity-bridge/tokens', { name: 'Leak check', directoryId: directories.body.data[0].id });
    expect(token.status).toBe(201);
    const secret = token.body.data.secret as string;
    track('created SCIM token', secret);
    expect((await scimClient(`${origin}/api/scim/v2`, secret).get('/Users')).status).toBe(200);

    const wrong = `ibscim_${randomBytes(32).toString('base64url')}`;
    track('wrong SCIM token', wrong);
    const refused = await scimClient(`${origin}/api/scim/v2`, wrong).post('/Users', { userName: 'x@contoso.example' });
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain(wrong);
    const doubled = await request('GET', `${origin}/api/scim/v2/Users`, undefined, { headers: { authorization: `Bearer Bearer ${secret}` } });
    expect(doubled.status).toBe(401);
    expect(doubled.text).not.toContain(secret);
    const basic = await request('GET', `${origin}/api/scim/v2/Users`, undefined, { headers: { authorization: `Basic ${Buffer.from(`user:${secret}`).toString('base64')}` } });
    expect(basic.status).toBe(401);

    // The token is stored as a digest only.
    const tables = await pluginTables();
    expect(tables.ib_tokens).toContain(createHash('sha256').update(secret).digest('hex'));
  });

  test('an OIDC connection created with a client secret signs someone in', async () => {
    const created = await admin('POST', '/identity-bridge/sso/connections', {
      id: 'entra',
      type: 'oidc',
      name: 'Contoso',
      provider: 'entra',
      issuer: oidc.issuer,
      clientId: CLIENT_ID,
      clientSecret: OIDC_SECRET,
      scopes: ['openid', 'profile', 'email'],
      jit: true,
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(OIDC_SECRET);
    expect((await admin('GET', '/identity-bridge/sso/connections')).text).not.toContain(OIDC_SECRET);

    const browser = new TestBrowser();
    const landed = (location: URL) => location.origin === proxy.origin && location.pathname.startsWith('/admin');
    const result = await browser.navigate(`${proxy.origin}/api/sso/entra/login?login_hint=alice`, { stopAt: landed });
    expect(result.status).toBe(302);
    expect(landed(new URL(result.url))).toBe(true);
    const callback = new URL(result.hops.find((hop) => hop.url.includes('/api/sso/entra/callback'))!.url);
    track('OIDC authorization code', callback.searchParams.get('code'));
    track('OIDC state', callback.searchParams.get('state'));
    track('OIDC session access token', browser.cookie('jwtToken')?.value);
    track('OIDC session refresh cookie', browser.cookie('strapi_admin_refresh')?.value);

    // A callback with a forged code fails; its error is logged without the code.
    const forged = `forged-code-${randomBytes(16).toString('hex')}`;
    track('forged authorization code', forged);
    const bad = await new TestBrowser().fetch(`${origin}/api/sso/entra/callback?code=${forged}&state=nope`);
    expect(bad.response.status).toBeGreaterThanOrEqual(400);
  });

  test('a SAML connection with an SP private key signs someone in', async () => {
    const created = await admin('POST', '/identity-bridge/sso/connections', {
      id: 'saml',
      type: 'saml',
      name: 'Contoso SAML',
      idpMetadataXml: saml.metadataXml(),
      spEntityId: 'https://cms.example.test/sso/saml',
      spPrivateKey: spKeys.privateKeyPem,
      spCertificate: spKeys.certificatePem,
      jit: true,
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(secrets.get('SP private key'));
    saml.registerSp((await request('GET', `${origin}/api/sso/saml/metadata`)).text);

    const browser = new TestBrowser();
    saml.next.login = 'sam';
    const started = await browser.navigate(`${origin}/api/sso/saml/login`);
    expect(started.status).toBe(200);
    const form = readAutoPostForm(started.text);
    const { response } = await browser.fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(form.fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(302);
    track('SAML session access token', browser.cookie('jwtToken')?.value);
    track('SAML session refresh cookie', browser.cookie('strapi_admin_refresh')?.value);

    // Errors: a junk SAMLResponse, an admin call with a bogus JWT.
    const junk = await new TestBrowser().fetch(`${origin}/api/sso/saml/acs`, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: Buffer.from('<nope/>').toString('base64') }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(junk.response.status).toBeGreaterThanOrEqual(400);
    const bogusJwt = `eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MX0.${randomBytes(16).toString('base64url')}`;
    track('bogus admin JWT', bogusJwt);
    expect((await admin('GET', '/identity-bridge/settings', undefined, bogusJwt)).status).toBe(401);
  });

  test('no secret is in the output or in any table of the plugin; client secret and SP key are encrypted at rest', async () => {
    // Give the instance a moment to flush the last log lines.
    await new Promise((done) => setTimeout(done, 500));
    const output = cluster.output();
    const tables = await pluginTables();
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(['ib_events', 'ib_tokens', 'ib_sso_connections']));
    // The paths that handle secrets did log (so the search below searched something): the failed invitation,
    // Strapi's request log of the sign-in callback (its code and state hidden), the refused SCIM tokens.
    expect(output).toMatch(/invitation to invitee@contoso\.example .*not sent/);
    expect(output).toMatch(/GET \/api\/sso\/entra\/callback\?code=redacted&state=redacted/);
    expect(tables.ib_events).toContain('createUser');
    expect(tables.ib_events).toContain('sso-login');
    expect(tables.ib_events).toMatch(/"status":401/);

    const leaks: string[] = [];
    for (const [label, value] of secrets) {
      if (output.includes(value)) leaks.push(`${label} in the output: …${excerpt(output, value)}…`);
      for (const [table, text] of Object.entries(tables)) if (text.includes(value)) leaks.push(`${label} in ${table}: …${excerpt(text, value)}…`);
    }
    // Anything shaped like a JWT, or a bearer credential, whether or not this test saw it.
    const jwt = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;
    const bearer = /Bearer\s+[A-Za-z0-9._~+/-]{16,}/i;
    for (const [where, text] of [['the output', output], ...Object.entries(tables)] as [string, string][]) {
      if (jwt.test(text)) leaks.push(`a JWT in ${where}: ${jwt.exec(text)![0].slice(0, 40)}…`);
      if (bearer.test(text)) leaks.push(`a bearer credential in ${where}: ${bearer.exec(text)![0].slice(0, 30)}…`);
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) leaks.push(`a private key in ${where}`);
    }
    expect(leaks).toEqual([]);

    // At rest: the secret column holds ciphertext, and neither secret in any encoding we can think of.
    const connections = tables.ib_sso_connections!;
    expect(connections).toContain('"connection_id":"entra"');
    expect(connections).not.toContain(Buffer.from(OIDC_SECRET).toString('base64'));
    expect(connections).not.toContain(Buffer.from(spKeys.privateKeyPem).toString('base64').slice(40, 100));
  });
});

/** The identity row id of a user (the admin API's identity routes take it), read from the database. */
async function identityRowId(userName: string): Promise<string> {
  const rows = JSON.parse((await pluginTables()).ib_identities ?? '[]') as { id: number; user_name: string }[];
  const row = rows.find((candidate) => candidate.user_name === userName);
  if (!row) throw new Error(`no identity ${userName}`);
  return String(row.id);
}

const excerpt = (text: string, value: string) => {
  const at = text.indexOf(value);
  return text.slice(Math.max(0, at - 80), at + value.length + 20).replace(/\s+/g, ' ');
};
