#!/usr/bin/env node
/**
 * SSO sign-in latency of strapi-plugin-identity-bridge at N identities, against Strapi's own floor measured in the
 * same run: its password login (POST /admin/login, the same admin session creation) and its cheapest
 * authenticated admin request (GET /admin/users/me).
 *
 *   node bench/sso.mjs [--identities 1000,100000] [--db sqlite|postgres] [--turns 200] [--duration 10]
 *                      [--concurrency 8] [--out bench/out]
 *
 * For each size N: a fresh database and server process (bench/server.mjs); N directory users (user 0 through
 * SCIM, the rest seeded through the query engine as bench/scim.mjs does), each already bound to both SSO
 * connections (2N bindings, as their first sign-ins leave them), so every measured sign-in is a returning
 * person whose binding is looked up among them:
 * - SAML: an Entra-shaped connection to the signing IdP of the unit tests (samlify). Each sign-in is SP-initiated:
 *   GET /api/sso/:id/login (AuthnRequest, sign-in in progress saved), then the IdP's signed response to that
 *   request is minted here (outside the timed part) and posted to the ACS — the timed request: RelayState and
 *   InResponseTo consumed, signature verified, binding found, mapping run, roles re-synced, admin session created.
 * - OIDC: an Entra-shaped connection to the OpenID provider of the integration tests (oidc-provider, on
 *   127.0.0.1 in this process): the full redirect dance per sign-in, the callback timed; the IdP's own time
 *   answering the callback's back-channel requests (token endpoint) is measured on its side and subtracted.
 * Measurements: one request at a time, the kinds taking turns (service times, the machine's drift cancelled out);
 * then closed-loop load (--concurrency connections) on the SAML ACS and the two floors. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { cpuSince, readJiffies, watchPostgres } from './cpu.mjs';
import { freshDatabase, postgresServer, startServer } from './harness.mjs';
import { loadTestIdps } from './test-idps.mjs';
import { objectIdOf, userBody } from './users.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------- options
function parseArgs(argv) {
  const options = { identities: [1000, 100000], db: 'sqlite', turns: 200, duration: 10, concurrency: 8, warmup: 1, out: join(here, 'out') };
  for (let k = 0; k < argv.length; k += 1) {
    const [flag, inline] = argv[k].split('=');
    const value = () => inline ?? argv[++k];
    switch (flag) {
      case '--identities': case '--users': options.identities = value().split(',').map((v) => Number(v.replace(/_/g, '').replace(/k$/i, '000'))); break;
      case '--db': options.db = value(); break;
      case '--turns': options.turns = Number(value()); break;
      case '--duration': options.duration = Number(value()); break;
      case '--concurrency': options.concurrency = Number(value()); break;
      case '--warmup': options.warmup = Number(value()); break;
      case '--out': options.out = resolve(value()); break;
      case '--help': case '-h':
        console.log('node bench/sso.mjs [--identities 1000,100000] [--db sqlite|postgres] [--turns 200] [--duration 10] [--concurrency 8] [--warmup 1] [--out bench/out]');
        process.exit(0);
      // falls through
      default: throw new Error(`unknown option ${argv[k]}`);
    }
  }
  if (!['sqlite', 'postgres'].includes(options.db)) throw new Error('--db must be sqlite or postgres');
  if (options.identities.some((n) => !Number.isInteger(n) || n < 10)) throw new Error('--identities: sizes must be integers ≥ 10');
  if (!(Number.isInteger(options.turns) && options.turns >= 5)) throw new Error('--turns must be an integer ≥ 5');
  if (!(options.duration > 0 && options.duration <= 60)) throw new Error('--duration must be in (0, 60] seconds');
  options.identities.sort((a, b) => a - b);
  return options;
}

const options = parseArgs(process.argv.slice(2));
const SCIM_TOKEN = `bench-token-${randomBytes(16).toString('hex')}`;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const EDITORS_GROUP = '5b9a1c2d-0000-4000-8000-00000000ed17';
const CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_SECRET = `bench-client-secret-${randomBytes(16).toString('hex')}`;
const PASSWORD = 'Bench-Passw0rd!';
const FLOOR_EMAIL = 'floor.editor@bench.example.com';
/** The same kind of user, whose stored hash has bcrypt cost 4 (Strapi stores 10): its login is Strapi's without the hash. */
const LIGHT_EMAIL = 'floor.light@bench.example.com';
const LIGHT_ROUNDS = 4;
const SAML_ID = 'bench-saml';
const OIDC_ID = 'bench-oidc';
const SAML_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`; // what an Entra SAML sign-in binds (saml-sign-in.ts)
/** Targets, evaluated at the largest size (see bench/README.md for why these). */
const TARGET = { vsPasswordLogin: 1, vsLightLogin: 3, flat: 1.3, loadVsPasswordLogin: 1 };

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const fmtInt = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const randomIndex = (n) => Math.floor(Math.random() * n);

// ------------------------------------------------------------------------------------------------- HTTP
/**
 * One request on 127.0.0.1:`port`; answers status, headers and body text. A keep-alive socket the server closes
 * after 5 s idle (while the set-up seeds) can be picked at that very moment: retried once then, as Node's docs
 * advise for a reset reused socket.
 */
function send(agent, port, spec) {
  return sendOnce(agent, port, spec).catch((error) => {
    if (error.code === 'ECONNRESET' && error.reusedSocket) return sendOnce(agent, port, spec);
    throw error;
  });
}

function sendOnce(agent, port, { method = 'GET', path, headers = {}, body }) {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const request = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: payload ? { ...headers, 'content-length': payload.length } : headers },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => done({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', fail);
      }
    );
    request.on('error', (error) => fail(Object.assign(error, { reusedSocket: request.reusedSocket })));
    if (payload) request.write(payload);
    request.end();
  });
}

const cookieValue = (headers, name) => {
  for (const line of headers['set-cookie'] ?? []) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    if (pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
};

// ------------------------------------------------------------------------------------------- statistics
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function stats(values, seconds) {
  const sorted = Float64Array.from(values).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : NaN,
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    ...(seconds ? { seconds, rps: sorted.length / seconds } : {}),
  };
}

/**
 * Closed loop: `concurrency` workers each run `task()` (which answers the latency it timed, in ms) again as soon
 * as it ends, until `durationMs` passed or `task` answers null (nothing left to send).
 */
async function runLoad({ concurrency, durationMs, task }) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  const started = performance.now();
  const deadline = started + durationMs;
  let lastEnd = started;
  async function worker() {
    while (performance.now() < deadline) {
      let ms;
      try {
        ms = await task();
      } catch (error) {
        errors += 1;
        firstError ??= error.message;
        if (errors > 20 && errors > latencies.length) throw new Error(`too many errors, first: ${firstError}`);
        continue;
      }
      if (ms === null) return;
      latencies.push(ms);
      lastEnd = performance.now();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (lastEnd - started) / 1000, errors, firstError };
}

// -------------------------------------------------------------------------------------------- the IdPs
/**
 * The IdP's own time per request, by path, from Node's HTTP server diagnostics channels: the OpenID provider
 * runs in this process, so its share of a callback (the token endpoint Strapi calls back) is measured here.
 */
const idpRequests = [];
let idpOrigin = null;
const openRequests = new WeakMap();
subscribe('http.server.request.start', ({ request }) => {
  if (idpOrigin && request.socket?.localPort === idpOrigin.port) openRequests.set(request, { at: performance.now(), url: request.url });
});
subscribe('http.server.response.finish', ({ request }) => {
  const open = openRequests.get(request);
  if (open) idpRequests.push({ url: open.url, start: open.at, end: performance.now() });
});

const samlAttributes = (ENTRA_CLAIM, i) => {
  const body = userBody(i);
  return {
    [ENTRA_CLAIM.tenantId]: [TENANT],
    [ENTRA_CLAIM.objectId]: [objectIdOf(i)],
    [ENTRA_CLAIM.email]: [body.emails[0].value],
    [ENTRA_CLAIM.givenName]: [body.name.givenName],
    [ENTRA_CLAIM.surname]: [body.name.familyName],
    [ENTRA_CLAIM.displayName]: [body.displayName],
    [ENTRA_CLAIM.groups]: [EDITORS_GROUP],
  };
};

const oidcAccount = (i) => {
  const body = userBody(i);
  return { login: `user${i}`, oid: objectIdOf(i), email: body.emails[0].value, givenName: body.name.givenName, familyName: body.name.familyName, groups: [EDITORS_GROUP] };
};

// ------------------------------------------------------------------------------------------------- size
async function runSize(size, pg, idps) {
  const workDir = mkdtempSync(join(tmpdir(), 'ib-bench-sso-'));
  const configFile = join(workDir, 'identity-bridge.json');
  writeFileSync(configFile, JSON.stringify({ tokens: [{ name: 'Bench token', secret: SCIM_TOKEN }] }));
  const database = await freshDatabase(workDir, pg);
  const log = (line) => console.log(`[${fmtInt(size)}] ${line}`);
  const server = await startServer({ ...database.env, IDENTITY_BRIDGE_CONFIG: configFile, IDENTITY_BRIDGE_SCIM_TOKEN: '', IDENTITY_BRIDGE_DEMO: '' });
  const { port, call } = server;
  const origin = `http://127.0.0.1:${port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const json = async (method, path, body, headers = {}) => {
    const reply = await send(agent, port, { method, path, body, headers: { 'content-type': 'application/json', ...headers } });
    let parsed = null;
    try { parsed = reply.text ? JSON.parse(reply.text) : null; } catch {}
    return { ...reply, body: parsed };
  };
  const result = { size, db: server.client, pluginBuild: server.pluginBuild, sequential: {}, load: {}, traces: {} };
  log(`server up on 127.0.0.1:${port} (${server.client}); plugin build ${server.pluginBuild.sha256} (dist/server/index.js of ${server.pluginBuild.builtAt})`);
  let oidc = null;

  try {
    // Strapi's rate limit on POST /admin/login (5 per 5 minutes per email and IP) would refuse the floor's loop.
    await call('loginRateLimit', { enabled: false });
    await call('createAdmin', { email: 'owner@bench.example.com', password: PASSWORD, superAdmin: true });
    const ownerLogin = await json('POST', '/admin/login', { email: 'owner@bench.example.com', password: PASSWORD });
    if (ownerLogin.status !== 200) throw new Error(`owner login: ${ownerLogin.status} ${ownerLogin.text.slice(0, 300)}`);
    const owner = { authorization: `Bearer ${ownerLogin.body.data.token}` };

    // Mapping rules: SCIM's title Engineer (every directory user's) or the token's group → Author, the role the
    // seeded users already hold (a returning person whose roles did not change), anyone else refused.
    const mapping = {
      attributes: [{ key: 'title', scimPath: 'title', multiValued: false }],
      policy: {
        roleRules: [
          { id: 'engineers', when: [{ source: { type: 'attribute', key: 'title' }, op: 'equals', value: 'Engineer' }], roles: ['strapi-author'] },
          { id: 'editors', when: [{ source: { type: 'group', by: 'externalId' }, op: 'equals', value: EDITORS_GROUP }], roles: ['strapi-author'] },
        ],
        unmatched: { action: 'deactivate' },
        allowSuperAdmin: false,
      },
      content: [],
      expectedVersion: 0,
    };
    const saved = await json('PUT', '/identity-bridge/mapping', mapping, owner);
    if (saved.status !== 200) throw new Error(`PUT /identity-bridge/mapping: ${saved.status} ${saved.text.slice(0, 300)}`);

    // The directory.
    let t0 = performance.now();
    const first = await json('POST', '/api/scim/v2/Users', userBody(0), { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' });
    if (first.status !== 201) throw new Error(`SCIM POST user 0: ${first.status} ${first.text.slice(0, 300)}`);
    if (size > 1) result.seedDirectory = await call('seed', { from: 1, to: size });
    const shape = await call('checkSeedShape', { index: 0 });
    if (!shape.same) throw new Error(`seed shape differs from what the plugin stores: ${shape.detail}`);
    result.seedDirectorySeconds = (performance.now() - t0) / 1000;
    log(`${fmtInt(size)} directory users (1 through SCIM, the rest seeded) in ${fmt(result.seedDirectorySeconds)} s`);

    // The connections.
    const samlIdp = new idps.TestIdp({ entityId: `https://sts.windows.net/${TENANT}/`, ssoUrl: 'https://idp.bench.example/sso' });
    const samlConnection = { id: SAML_ID, type: 'saml', name: 'Bench SAML (Entra-shaped)', idpMetadataXml: samlIdp.metadataXml(), spEntityId: `https://cms.bench.example/sso/${SAML_ID}`, jit: true, allowIdpInitiated: false, directory: 'Default' };
    oidc = await idps.startOidcProvider({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${origin}/api/sso/${OIDC_ID}/callback`], accounts: [] });
    idpOrigin = { port: Number(new URL(oidc.origin).port) };
    const oidcConnection = { id: OIDC_ID, type: 'oidc', name: 'Bench OIDC (Entra-shaped)', provider: 'entra', issuer: oidc.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['openid', 'profile', 'email'], jit: true, clockToleranceSeconds: 30, directory: 'Default' };
    for (const body of [samlConnection, oidcConnection]) {
      const reply = await json('POST', '/identity-bridge/sso/connections', body, owner);
      if (reply.status !== 201) throw new Error(`creating connection ${body.id}: ${reply.status} ${reply.text.slice(0, 300)}`);
    }
    const spMetadata = (await send(agent, port, { path: `/api/sso/${SAML_ID}/metadata` })).text;

    // Every directory user bound to both connections, as their first sign-ins leave them.
    t0 = performance.now();
    const bindSaml = await call('seedSsoBindings', { connectionId: SAML_ID, issuer: SAML_ISSUER, tenantId: TENANT, from: 0, to: size });
    const bindOidc = await call('seedSsoBindings', { connectionId: OIDC_ID, issuer: oidc.issuer, tenantId: TENANT, from: 0, to: size });
    result.seedBindingsSeconds = (performance.now() - t0) / 1000;
    log(`${fmtInt(bindSaml.bound + bindOidc.bound)} SSO bindings seeded in ${fmt(result.seedBindingsSeconds)} s`);

    // The floor: an Author with a password, as Strapi's admin user service creates one; and another whose hash is cheap.
    await call('createAdmin', { email: FLOOR_EMAIL, password: PASSWORD, roleCodes: ['strapi-author'] });
    await call('createAdmin', { email: LIGHT_EMAIL, password: PASSWORD, roleCodes: ['strapi-author'] });
    await call('setPasswordHash', { email: LIGHT_EMAIL, password: PASSWORD, rounds: LIGHT_ROUNDS });
    const floorLogin = await json('POST', '/admin/login', { email: FLOOR_EMAIL, password: PASSWORD });
    if (floorLogin.status !== 200) throw new Error(`floor login: ${floorLogin.status} ${floorLogin.text.slice(0, 300)}`);
    const floorHeaders = { authorization: `Bearer ${floorLogin.body.data.token}` };

    // ------------------------------------------------------------------ one sign-in of each kind, timed
    const passwordLogin = async (email = FLOOR_EMAIL) => {
      const t = performance.now();
      const reply = await send(agent, port, { method: 'POST', path: '/admin/login', headers: { 'content-type': 'application/json' }, body: { email, password: PASSWORD } });
      const ms = performance.now() - t;
      if (reply.status !== 200) throw new Error(`POST /admin/login → ${reply.status} ${reply.text.slice(0, 200)}`);
      return ms;
    };
    const usersMe = async () => {
      const t = performance.now();
      const reply = await send(agent, port, { path: '/admin/users/me', headers: floorHeaders });
      const ms = performance.now() - t;
      if (reply.status !== 200) throw new Error(`GET /admin/users/me → ${reply.status}`);
      return ms;
    };

    /** SAML step 1: GET …/login as a new browser; answers its binding cookie, RelayState and AuthnRequest id. */
    const samlStart = async () => {
      const t = performance.now();
      const reply = await send(agent, port, { path: `/api/sso/${SAML_ID}/login` });
      const ms = performance.now() - t;
      if (reply.status !== 302) throw new Error(`SAML login → ${reply.status} ${reply.text.slice(0, 200)}`);
      const location = new URL(reply.headers.location);
      const xml = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest'), 'base64')).toString('utf8');
      const requestId = /\sID="([^"]+)"/.exec(xml)?.[1];
      if (!requestId) throw new Error(`no AuthnRequest ID in ${xml.slice(0, 200)}`);
      return { ms, requestId, relayState: location.searchParams.get('RelayState'), binding: cookieValue(reply.headers, 'ib_sso_saml_browser') };
    };
    /** SAML step 2 (not timed): the IdP's signed response to that request, for user `i`. */
    const samlMint = async (started, i) => {
      const samlResponse = await samlIdp.respond(spMetadata, { inResponseTo: started.requestId, nameId: userBody(i).emails[0].value, attributes: samlAttributes(idps.ENTRA_CLAIM, i) });
      return { ...started, i, body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: started.relayState }).toString() };
    };
    /** SAML step 3, timed: the browser posts the response to the ACS. */
    const samlAcs = async (minted, wantSession = false) => {
      const t = performance.now();
      const reply = await send(agent, port, {
        method: 'POST', path: `/api/sso/${SAML_ID}/acs`, body: minted.body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ib_sso_saml_browser=${minted.binding}` },
      });
      const ms = performance.now() - t;
      if (reply.status !== 302 || !reply.headers.location?.startsWith('/admin')) {
        throw new Error(`SAML ACS → ${reply.status} ${reply.headers.location ?? ''} ${/Error code: ([A-Z0-9_]+)/.exec(reply.text)?.[1] ?? reply.text.slice(0, 200)}`);
      }
      return wantSession ? { ms, token: cookieValue(reply.headers, 'jwtToken') } : ms;
    };

    /** OIDC: the whole dance in a new browser; times the start, the callback, and the IdP's share of the callback. */
    const oidcSignIn = async (i, wantSession = false) => {
      oidc.setAccount(oidcAccount(i));
      const browser = new idps.TestBrowser();
      let url = `${origin}/api/sso/${OIDC_ID}/login?login_hint=user${i}`;
      const out = { start: NaN, callback: NaN, idp: 0, total: 0 };
      const started = performance.now();
      for (let hop = 0; hop < 12; hop += 1) {
        const isCallback = url.startsWith(`${origin}/api/sso/${OIDC_ID}/callback`);
        const seen = idpRequests.length;
        const t = performance.now();
        const { response } = await browser.fetch(url);
        const end = performance.now();
        if (hop === 0) out.start = end - t;
        const location = response.headers.get('location');
        await response.arrayBuffer();
        if (isCallback) {
          out.callback = end - t;
          // The IdP's time answering requests made during the callback (Strapi's code exchange; JWKS when not cached).
          for (const request of idpRequests.slice(seen)) if (request.start >= t && request.end <= end) out.idp += request.end - request.start;
          if (response.status !== 302 || !location?.startsWith('/admin')) throw new Error(`OIDC callback → ${response.status} ${location ?? ''}`);
          out.total = end - started;
          if (wantSession) out.token = browser.cookie('jwtToken')?.value;
          return out;
        }
        if (!location) throw new Error(`OIDC sign-in stopped at ${url}: ${response.status}`);
        url = new URL(location, url).href;
      }
      throw new Error('OIDC sign-in: too many redirects');
    };
    // Keep the diagnostics list short.
    const trimIdpRequests = () => { if (idpRequests.length > 10000) idpRequests.splice(0, idpRequests.length - 1000); };

    // Check each path signs the right person in.
    const whoIs = async (token) => (await json('GET', '/admin/users/me', undefined, { authorization: `Bearer ${token}` })).body?.data?.email;
    {
      const i = randomIndex(size);
      const samlSession = await samlAcs(await samlMint(await samlStart(), i), true);
      if ((await whoIs(samlSession.token)) !== userBody(i).emails[0].value) throw new Error('SAML: the session is not user ' + i + "'s");
      const j = randomIndex(size);
      const oidcSession = await oidcSignIn(j, true);
      if ((await whoIs(oidcSession.token)) !== userBody(j).emails[0].value) throw new Error('OIDC: the session is not user ' + j + "'s");
      log(`checked: a SAML sign-in opens user ${i}'s session, an OIDC sign-in user ${j}'s`);
    }

    // The SQL of one request of each kind.
    const traced = async (name, work) => {
      await call('trace', { on: true });
      await work();
      const { queries } = await call('trace', { on: false });
      result.traces[name] = queries;
    };
    await traced('password login', () => passwordLogin());
    await traced('users/me', usersMe);
    const toTrace = await samlMint(await samlStart(), randomIndex(size));
    await traced('SAML ACS', () => samlAcs(toTrace));
    // The OIDC trace covers the whole dance; the callback's statements are those after the start's.
    await traced('OIDC sign-in (start + callback)', () => oidcSignIn(randomIndex(size)));
    log(`SQL statements: ${Object.entries(result.traces).map(([name, q]) => `${name} ${q.length}`).join(', ')}`);

    // Strapi's password hash alone (bcryptjs), in the server process.
    const hash = await call('timePasswordHash', { email: FLOOR_EMAIL, password: PASSWORD, samples: 20 });
    result.passwordHash = { ...stats(hash.times), rounds: hash.rounds };
    const light = await call('timePasswordHash', { email: LIGHT_EMAIL, password: PASSWORD, samples: 20 });
    result.lightHash = { ...stats(light.times), rounds: light.rounds };
    result.loginGuard = stats((await call('timeLoginGuard', { email: LIGHT_EMAIL, samples: 20 })).times);
    log(`Strapi's password check (bcryptjs) in-process: cost ${hash.rounds} p50 ${fmt(result.passwordHash.p50, 2)} ms, cost ${light.rounds} p50 ${fmt(result.lightHash.p50, 2)} ms; the plugin's guard on POST /admin/login (user + roles, login policy) p50 ${fmt(result.loginGuard.p50, 2)} ms`);

    // ------------------------------------------------------------------ one at a time, taking turns
    // Warm-up: a few of each.
    for (let k = 0; k < 5; k += 1) {
      await passwordLogin();
      await passwordLogin(LIGHT_EMAIL);
      await usersMe();
      await samlAcs(await samlMint(await samlStart(), randomIndex(size)));
      await oidcSignIn(randomIndex(size));
    }
    const seq = { login: [], loginLight: [], me: [], samlStart: [], samlAcs: [], oidcStart: [], oidcCallback: [], oidcIdp: [], oidcPlugin: [], oidcTotal: [] };
    const kinds = ['login', 'loginLight', 'me', 'saml', 'oidc'];
    const cpuStart = readJiffies(server.child.pid);
    const seqStarted = performance.now();
    for (let turn = 0; turn < options.turns; turn += 1) {
      for (let j = 0; j < kinds.length; j += 1) {
        const kind = kinds[(j + turn) % kinds.length];
        if (kind === 'login') seq.login.push(await passwordLogin());
        else if (kind === 'loginLight') seq.loginLight.push(await passwordLogin(LIGHT_EMAIL));
        else if (kind === 'me') seq.me.push(await usersMe());
        else if (kind === 'saml') {
          const started = await samlStart();
          seq.samlStart.push(started.ms);
          seq.samlAcs.push(await samlAcs(await samlMint(started, randomIndex(size))));
        } else {
          const o = await oidcSignIn(randomIndex(size));
          seq.oidcStart.push(o.start);
          seq.oidcCallback.push(o.callback);
          seq.oidcIdp.push(o.idp);
          seq.oidcPlugin.push(o.callback - o.idp);
          seq.oidcTotal.push(o.total);
          trimIdpRequests();
        }
      }
    }
    result.sequentialCpu = cpuSince(cpuStart, server.child.pid);
    result.sequentialSeconds = (performance.now() - seqStarted) / 1000;
    for (const [key, values] of Object.entries(seq)) result.sequential[key] = stats(values);
    const s = result.sequential;
    log(`one at a time (${options.turns} turns, ${fmt(result.sequentialSeconds)} s, other CPU ${fmt(result.sequentialCpu.other, 2)}): login p50 ${fmt(s.login.p50, 2)} ms (cost-${LIGHT_ROUNDS} hash ${fmt(s.loginLight.p50, 2)}), users/me ${fmt(s.me.p50, 2)}, SAML ACS ${fmt(s.samlAcs.p50, 2)}, OIDC callback ${fmt(s.oidcCallback.p50, 2)} (IdP ${fmt(s.oidcIdp.p50, 2)})`);

    // ------------------------------------------------------------------ under load
    const measure = async (name, task, durationS = options.duration) => {
      if (options.warmup > 0) await runLoad({ concurrency: options.concurrency, durationMs: options.warmup * 1000, task });
      const start = readJiffies(server.child.pid);
      const run = await runLoad({ concurrency: options.concurrency, durationMs: durationS * 1000, task });
      const metric = { ...stats(run.latencies, run.seconds), errors: run.errors, firstError: run.firstError, cpu: cpuSince(start, server.child.pid) };
      metric.serverMsPerRequest = (metric.cpu.server * 1000) / metric.rps;
      result.load[name] = metric;
      log(`load ${name.padEnd(12)} ${fmt(metric.rps, 0).padStart(6)} req/s  p50 ${fmt(metric.p50, 2)} ms  p99 ${fmt(metric.p99, 2)} ms  server ${fmt(metric.serverMsPerRequest, 2)} ms CPU/req  other CPU ${fmt(metric.cpu.other, 2)}${metric.errors ? `  ERRORS ${metric.errors}: ${metric.firstError}` : ''}`);
      return metric;
    };
    await measure('login', () => passwordLogin());
    await measure(`login, cost-${LIGHT_ROUNDS} hash`, () => passwordLogin(LIGHT_EMAIL));
    await measure('users/me', usersMe);

    // SAML under load: sign-ins started and responses minted ahead (their GET …/login under the same load is
    // measured too), enough for --duration s at the rate one-at-a-time service times allow, then posted.
    const rateGuess = 1000 / Math.max(1, s.samlAcs.p50);
    const poolSize = Math.min(20000, Math.ceil((options.duration + options.warmup) * rateGuess * 1.5) + 50);
    const pool = [];
    let reserved = 0;
    const startRun = await runLoad({
      concurrency: options.concurrency,
      durationMs: 600_000,
      task: async () => {
        if (reserved >= poolSize) return null;
        reserved += 1;
        const started = await samlStart();
        pool.push(started);
        return started.ms;
      },
    });
    result.load['SAML start'] = { ...stats(startRun.latencies, startRun.seconds), errors: startRun.errors };
    t0 = performance.now();
    for (let k = 0; k < pool.length; k += 1) pool[k] = await samlMint(pool[k], randomIndex(size));
    log(`${pool.length} SAML sign-ins started under load (${fmt(result.load['SAML start'].rps, 0)} req/s, p50 ${fmt(result.load['SAML start'].p50, 2)} ms); responses minted in ${fmt((performance.now() - t0) / 1000)} s`);
    let next = 0;
    await measure('SAML ACS', async () => (next < pool.length ? samlAcs(pool[next++]) : null));
    if (next >= pool.length) log(`(the ${pool.length} minted responses ran out before ${options.duration} s: req/s over the time they lasted)`);
  } finally {
    agent.destroy();
    await oidc?.close().catch(() => {});
    idpOrigin = null;
    await call('stop').catch(() => {});
    await new Promise((done) => (server.child.exitCode !== null ? done() : server.child.once('exit', done)));
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return result;
}

// ----------------------------------------------------------------------------------------------- report
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const line = (row) => `| ${row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** Strapi's own password login with the hash taken out (derived: the cost-4 login p50 − the plugin's guard p50, both measured). */
const strapiLightLogin = (r) => r.sequential.loginLight.p50 - (r.loginGuard?.p50 ?? 0);

function printSize(r) {
  const s = r.sequential;
  const floorLogin = s.login.p50;
  const floorLight = s.loginLight.p50;
  const rows = [['one at a time (p50 of each kind)', 'p50 ms', 'p99 ms', 'mean ms', '× login', `× login (cost ${r.lightHash.rounds})`, 'n']];
  const row = (label, m) => [label, fmt(m.p50, 2), fmt(m.p99, 2), fmt(m.mean, 2), fmt(m.p50 / floorLogin, 2), fmt(m.p50 / floorLight, 2), m.n];
  const hashRow = (label, h) => [label, fmt(h.p50, 2), fmt(h.p99, 2), fmt(h.mean, 2), '', '', h.n];
  rows.push(row(`floor: POST /admin/login (bcrypt cost ${r.passwordHash.rounds}, as Strapi stores it)`, s.login));
  rows.push(hashRow(`floor: … its bcrypt check alone (in-process)`, r.passwordHash));
  rows.push(row(`floor: POST /admin/login (bcrypt cost ${r.lightHash.rounds}: the hash taken out)`, s.loginLight));
  rows.push(hashRow(`floor: … its bcrypt check alone (in-process)`, r.lightHash));
  if (r.loginGuard) rows.push(hashRow(`floor: … the plugin's guard on it (user + roles, login policy; in-process)`, r.loginGuard));
  if (r.loginGuard) rows.push(['floor: Strapi\'s own login, cost-4 hash (− the guard, derived)', fmt(strapiLightLogin(r), 2), '', '', fmt(strapiLightLogin(r) / floorLogin, 2), fmt(strapiLightLogin(r) / floorLight, 2), '']);
  rows.push(row('floor: GET /admin/users/me', s.me));
  rows.push(row('SAML GET /api/sso/:id/login', s.samlStart));
  rows.push(row('SAML POST /api/sso/:id/acs', s.samlAcs));
  rows.push(row('OIDC GET /api/sso/:id/login', s.oidcStart));
  rows.push(row('OIDC GET /api/sso/:id/callback', s.oidcCallback));
  rows.push(row('… of which the IdP (token endpoint)', s.oidcIdp));
  rows.push(row('OIDC callback − IdP (per sign-in)', s.oidcPlugin));
  rows.push(row('OIDC whole sign-in (5 hops, IdP included)', s.oidcTotal));
  const load = [['under load (closed loop)', 'req/s', 'p50 ms', 'p99 ms', '× login req/s', 'server ms CPU/req', 'n', 'errors', 'other CPU']];
  for (const [name, m] of Object.entries(r.load)) {
    load.push([name, fmt(m.rps, 0), fmt(m.p50, 2), fmt(m.p99, 2), fmt(m.rps / r.load.login.rps, 2), fmt(m.serverMsPerRequest, 2), m.n, m.errors ?? 0, fmt(m.cpu?.other, 2)]);
  }
  const sql = Object.entries(r.traces).map(([name, q]) => `${name} ${q.length}`).join(', ');
  return `${table(rows)}\n\n${table(load)}\n\n  SQL statements per request: ${sql}`;
}

function verdicts(results) {
  const largest = results[results.length - 1];
  const smallest = results[0];
  const s = largest.sequential;
  const at = `at ${fmtInt(largest.size)} identities`;
  // Strapi's own login with the hash taken out: the cost-4 login, less the plugin's guard that runs in front of it.
  const light = strapiLightLogin(largest);
  const lightName = `Strapi's login (cost-${largest.lightHash.rounds} hash, less the plugin's guard) p50`;
  const checks = [];
  checks.push({ metric: 'SAML ACS p50 ms (one at a time)', value: s.samlAcs.p50, floor: s.login.p50, floorName: 'password login p50', limit: TARGET.vsPasswordLogin, at });
  checks.push({ metric: 'SAML ACS p50 ms (one at a time)', value: s.samlAcs.p50, floor: light, floorName: lightName, limit: TARGET.vsLightLogin, at });
  checks.push({ metric: 'OIDC callback − IdP p50 ms (one at a time)', value: s.oidcPlugin.p50, floor: s.login.p50, floorName: 'password login p50', limit: TARGET.vsPasswordLogin, at });
  checks.push({ metric: 'OIDC callback − IdP p50 ms (one at a time)', value: s.oidcPlugin.p50, floor: light, floorName: lightName, limit: TARGET.vsLightLogin, at });
  checks.push({ metric: 'SAML ACS req/s (under load)', value: largest.load['SAML ACS'].rps, floor: largest.load.login.rps, floorName: 'password login req/s', limit: TARGET.loadVsPasswordLogin, higherIsBetter: true, at });
  if (results.length > 1) {
    checks.push({ metric: `SAML ACS p50 ms ${fmtInt(largest.size)} vs ${fmtInt(smallest.size)}`, value: s.samlAcs.p50, floor: smallest.sequential.samlAcs.p50, floorName: `p50 at ${fmtInt(smallest.size)}`, limit: TARGET.flat, at: '' });
    checks.push({ metric: `OIDC callback − IdP p50 ms ${fmtInt(largest.size)} vs ${fmtInt(smallest.size)}`, value: s.oidcPlugin.p50, floor: smallest.sequential.oidcPlugin.p50, floorName: `p50 at ${fmtInt(smallest.size)}`, limit: TARGET.flat, at: '' });
    // How Strapi's own floors moved between the sizes (no target: for reading the two above).
    for (const [key, label] of [['loginLight', `login (cost-${largest.lightHash.rounds} hash)`], ['me', 'GET /admin/users/me']]) {
      checks.push({ metric: `floor ${label} p50 ms ${fmtInt(largest.size)} vs ${fmtInt(smallest.size)}`, value: s[key].p50, floor: smallest.sequential[key].p50, floorName: `p50 at ${fmtInt(smallest.size)}`, info: true, at: '' });
    }
  }
  for (const check of checks) {
    check.ratio = check.value / check.floor;
    if (check.info) {
      check.pass = null;
      check.target = '';
      continue;
    }
    check.pass = check.higherIsBetter ? check.ratio >= check.limit : check.ratio <= check.limit;
    check.target = check.higherIsBetter ? `≥ ${check.limit} × ${check.floorName}` : `≤ ${check.limit} × ${check.floorName}`;
  }
  return checks;
}

// ------------------------------------------------------------------------------------------------- main
const runStarted = performance.now();
console.log(`SSO benchmark: ${options.identities.map(fmtInt).join(', ')} identities; ${options.db}; ${options.turns} turns one at a time; ${options.concurrency} connections × ${options.duration} s under load`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}`);
const idps = await loadTestIdps(options.out);
const pg = options.db === 'postgres' ? await postgresServer() : null;
if (pg) watchPostgres(pg.port ?? Number(new URL(pg.url).port || 5432));
const results = [];
try {
  for (const size of options.identities) results.push(await runSize(size, pg, idps));
} finally {
  pg?.stop();
}

for (const r of results) {
  console.log(`\n## ${fmtInt(r.size)} identities (${r.db}, plugin build ${r.pluginBuild.sha256}; directory seeded in ${fmt(r.seedDirectorySeconds)} s, ${fmtInt(2 * r.size)} SSO bindings in ${fmt(r.seedBindingsSeconds)} s)\n`);
  console.log(printSize(r));
}
const checks = verdicts(results);
const builds = [...new Set(results.map((r) => r.pluginBuild.sha256))];
if (builds.length > 1) checks.push({ metric: 'every size on the same plugin build', value: NaN, floor: NaN, ratio: NaN, target: builds.join(' vs '), pass: false, at: '' });
console.log('\n## Targets\n');
for (const c of checks) console.log(`${c.pass === null ? 'INFO' : c.pass ? 'PASS' : 'FAIL'}  ${c.metric} ${c.at}: ${fmt(c.value, 2)} vs ${fmt(c.floor, 2)} = ${fmt(c.ratio, 2)}${c.target ? ` (target ${c.target})` : ''}`);
const seconds = (performance.now() - runStarted) / 1000;
console.log(`\ntotal ${fmt(seconds, 0)} s`);
mkdirSync(options.out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
for (const r of results) for (const [name, queries] of Object.entries(r.traces)) r.traces[name] = queries.map((q) => ({ sql: q.sql, ms: q.ms, plan: q.plan }));
const file = join(options.out, `sso-${options.db}-${options.identities.join('-')}-${stamp}.json`);
writeFileSync(file, JSON.stringify({ options, machine: { cpus: cpus().length, model: cpus()[0]?.model, totalmem: totalmem(), node: process.version }, results, checks, seconds }, null, 2));
console.log(`results: ${file}`);
process.exitCode = checks.some((c) => c.pass === false) ? 1 : 0;
