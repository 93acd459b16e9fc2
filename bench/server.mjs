/**
 * The benchmark's server process: boots the playground Strapi app in-process (as
 * test/integration/helpers/app.ts does), listens on 127.0.0.1 and reports its port to the parent
 * (bench/scim.mjs) over the IPC channel of child_process.fork. The load generator runs in the parent, so
 * it never competes with Strapi for this process's event loop.
 *
 * Environment (set by the parent): IDENTITY_BRIDGE_CONFIG, DATABASE_CLIENT, DATABASE_FILENAME or
 * DATABASE_URL, IB_BENCH_PORT (0 = any free port).
 *
 * Messages from the parent ({ id, cmd, ... }), each answered with { id, ok, ... }:
 * - seed { from, to }: inserts users `from`..`to - 1` directly through Strapi's query engine, with the column
 *   values the plugin writes for a SCIM POST of the same user (bench/users.mjs), in transactions of 1,000.
 *   Answers the new users' SCIM ids.
 * - checkSeedShape { index }: compares what the plugin stored for a SCIM-created user with what `seed`
 *   would have written for it (so seeded rows are indistinguishable from provisioned ones).
 * - trace { on, plans }: starts capturing SQL statements; `on: false` stops and answers them, each with
 *   its time and (unless `plans: false`) the database's own plan (SQLite EXPLAIN QUERY PLAN / PostgreSQL
 *   EXPLAIN).
 * - stop: destroys Strapi and exits.
 *
 * Commands of the Content Manager benchmark (bench/content.mjs):
 * - createAdmin { email, password, superAdmin?, roleCodes? }: an active admin user with a password, as
 *   Strapi's admin user service creates one. Answers its id.
 * - setPassword { email, password }: sets the password of an existing admin user (e.g. a SCIM-provisioned one).
 * - createEditorRole { name, code, uid, fields, conditions }: a role with Content Manager read, create,
 *   update and delete on `uid`, each permission carrying `conditions` (as test/integration/content-access.test.ts).
 * - seedArticles { uid, count, teams, creatorId, creatorEvery }: `count` entries through the document service,
 *   entry i with `team` = teams[i % teams.length] and title `Article <i>`; entries with
 *   i % creatorEvery < creatorEvery / 2 get `createdBy` = creatorId (so `admin::is-creator` sees half of them).
 * - profile { on }: starts V8's CPU profiler in this process; `on: false` stops it and answers the profile
 *   (the .cpuprofile JSON).
 * - analyze: runs ANALYZE (database statistics; Strapi never runs it on SQLite).
 * - timeCondition { condition, subject, adminIds, limit }: calls the RBAC condition's handler in-process as
 *   Strapi's permission engine does (the admin user with `permission.subject`), twice in a row for each admin
 *   user (`adminIds`, or the first `limit` identities' admin users): answers the times of both calls and the
 *   first call's result. The first call of a user the plugin has not cached is its cache miss.
 *
 * Commands of the SSO benchmark (bench/sso.mjs):
 * - seedSsoBindings { connectionId, issuer, tenantId, from, to }: binds users `from`..`to - 1` (seeded or
 *   SCIM-created before) to `issuer` + `{tenantId}:{objectId}` (bench/users.mjs objectIdOf), as a first sign-in
 *   through an Entra connection leaves them, in transactions of 1,000.
 * - timePasswordHash { email, password, samples }: times Strapi's own password check (admin::auth
 *   validatePassword, bcryptjs) against the stored hash of `email`, `samples` times.
 * - setPasswordHash { email, rounds }: re-hashes the user's password (`password`) with bcrypt at `rounds` (Strapi
 *   stores cost 10): with cost 4 the check costs ≈ 1/64 of it, so POST /admin/login is Strapi's login with the
 *   hash taken out.
 * - timeLoginGuard { email, samples }: times the statements the plugin's guard on POST /admin/login sends before
 *   Strapi's handler for a user allowed a password (server/src/sso/index.ts guardPasswordRoute: policySubject and
 *   the stored login policy; the same queries),
 *   so the password-login floor can be read with and without the plugin's part.
 * - loginRateLimit { enabled }: turns Strapi's rate limit of POST /admin/login (5 per 5 min per email and IP)
 *   on or off; the benchmark logs in hundreds of times a second as one user.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { objectIdOf, userBody, storedUserData, userColumns } from './users.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '..', 'playground');
const require = createRequire(import.meta.url);

const UID = {
  directory: 'plugin::identity-bridge.directory',
  identity: 'plugin::identity-bridge.identity',
  identityValue: 'plugin::identity-bridge.identity-value',
  ssoIdentity: 'plugin::identity-bridge.sso-identity',
};

Object.assign(process.env, {
  NODE_ENV: process.env.NODE_ENV ?? 'production',
  STRAPI_TELEMETRY_DISABLED: 'true',
  STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL ?? 'error',
  STRAPI_STARTUP_LOG: 'false',
  BROWSER: 'none',
});

// Which build of the plugin this server runs (the playground loads it from dist/): other people rebuild it.
const pluginEntry = resolve(here, '..', 'dist', 'server', 'index.js');
const pluginBuild = {
  sha256: createHash('sha256').update(readFileSync(pluginEntry)).digest('hex').slice(0, 12),
  builtAt: statSync(pluginEntry).mtime.toISOString(),
};

const { createStrapi } = require('@strapi/strapi');
const strapi = await createStrapi({ appDir, distDir: appDir, autoReload: false, serveAdminPanel: false }).load();
await new Promise((done) => strapi.server.listen(Number(process.env.IB_BENCH_PORT ?? 0), '127.0.0.1', done));
const { port } = strapi.server.httpServer.address();
const isPostgres = strapi.db.dialect.client === 'postgres';


async function seed(from, to) {
  const started = performance.now();
  const directory = await strapi.db.query(UID.directory).findOne({ where: { isDefault: true } });
  if (!directory) throw new Error('no default directory');
  const { config } = strapi.plugin('identity-bridge');
  const roleCode = config('scim')?.defaultRole ?? 'strapi-author';
  const role =
    (await strapi.db.query('admin::role').findOne({ where: { code: roleCode } })) ??
    (await strapi.db.query('admin::role').findOne({ where: { name: roleCode } }));
  if (!role) throw new Error(`no role ${roleCode}`);
  const rolesJoin = strapi.db.metadata.get('admin::user').attributes.roles.joinTable;
  // Newer builds keep the mapping engine's last result on each identity: copy it from a SCIM-created user
  // (checkSeedShape verifies it is the same for every user of this synthetic population).
  const extraColumns = {};
  if (hasMappingColumns()) {
    const reference = await strapi.db.query(UID.identity).findOne({ where: { userNameLower: userBody(0).userName.toLowerCase() }, select: ['mapping'] });
    if (!reference) throw new Error('seed: needs user 0 created through SCIM first (the mapping snapshot is copied from it)');
    Object.assign(extraColumns, { mapping: reference.mapping, mappingStale: false });
  }

  const scimIds = [];
  const BATCH = 1000;
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const indexes = Array.from({ length: end - start }, (_, k) => start + k);
    await strapi.db.transaction(async ({ trx }) => {
      // 1. Admin users, as Strapi's admin user service creates them (registration token, default role).
      const admins = indexes.map((i) => {
        const body = userBody(i);
        return {
          email: body.emails[0].value.toLowerCase(),
          firstname: body.name.givenName,
          lastname: body.name.familyName,
          username: null,
          isActive: true,
          registrationToken: randomBytes(20).toString('hex'),
        };
      });
      await strapi.db.query('admin::user').createMany({ data: admins });
      const adminRows = await strapi.db
        .query('admin::user')
        .findMany({ where: { email: { $in: admins.map((a) => a.email) } }, select: ['id', 'email'] });
      const adminIdByEmail = new Map(adminRows.map((row) => [row.email, row.id]));
      const links = adminRows.map((row) => ({
        [rolesJoin.joinColumn.name]: row.id,
        [rolesJoin.inverseJoinColumn.name]: role.id,
        ...(rolesJoin.orderColumnName ? { [rolesJoin.orderColumnName]: 1 } : {}),
        ...(rolesJoin.inverseOrderColumnName ? { [rolesJoin.inverseOrderColumnName]: 0 } : {}),
      }));
      for (let k = 0; k < links.length; k += 200) await trx(rolesJoin.name).insert(links.slice(k, k + 200));

      // 2. Identities, with the columns the plugin derives from the SCIM data.
      const identities = indexes.map((i) => {
        const data = storedUserData(i);
        return {
          ...userColumns(data),
          directoryId: directory.id,
          scimId: randomUUID(),
          data,
          version: 1,
          adminUserId: adminIdByEmail.get(data.emails[0].value.toLowerCase()),
          ...extraColumns,
        };
      });
      await strapi.db.query(UID.identity).createMany({ data: identities });
      const identityRows = await strapi.db.query(UID.identity).findMany({
        where: { directoryId: directory.id, scimId: { $in: identities.map((row) => row.scimId) } },
        select: ['id', 'scimId', 'emailLower'],
      });
      if (identityRows.length !== identities.length) throw new Error(`seed: inserted ${identityRows.length} of ${identities.length}`);

      // 3. The emails.value index rows.
      await strapi.db.query(UID.identityValue).createMany({
        data: identityRows.map((row) => ({ identityId: row.id, attribute: 'emails.value', valueLower: row.emailLower })),
      });
      const byScimId = new Map(identityRows.map((row) => [row.scimId, row]));
      for (const row of identities) if (byScimId.has(row.scimId)) scimIds.push(row.scimId);
    });
  }
  // PostgreSQL's autovacuum analyses a table after a bulk load like this one; SQLite (as Strapi runs it)
  // never gathers statistics, so it is left without, as in a real deployment.
  if (isPostgres) await strapi.db.connection.raw('ANALYZE');
  return { scimIds, ms: performance.now() - started };
}

const hasMappingColumns = () => Boolean(strapi.db.metadata.get(UID.identity).attributes.mapping);

/** JSON with sorted keys (PostgreSQL's jsonb does not keep key order). */
const canonical = (value) =>
  JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item
  );

async function checkSeedShape(index) {
  const body = userBody(index);
  const row = await strapi.db
    .query(UID.identity)
    .findOne({ where: { userNameLower: body.userName.toLowerCase() }, select: ['id', 'userName', 'userNameLower', 'externalId', 'displayNameLower', 'emailLower', 'active', 'data', 'adminUserId'] });
  if (!row) return { same: false, detail: 'not found' };
  const expected = storedUserData(index);
  const expectedColumns = userColumns(expected);
  const problems = [];
  if (canonical(row.data) !== canonical(expected)) problems.push(`data: stored ${JSON.stringify(row.data)} vs seed ${JSON.stringify(expected)}`);
  for (const [key, value] of Object.entries(expectedColumns)) {
    if (row[key] !== value) problems.push(`${key}: stored ${JSON.stringify(row[key])} vs seed ${JSON.stringify(value)}`);
  }
  const values = await strapi.db.query(UID.identityValue).findMany({ where: { valueLower: expectedColumns.emailLower }, select: ['attribute'] });
  if (values.length !== 1 || values[0].attribute !== 'emails.value') problems.push(`identity values: ${JSON.stringify(values)}`);
  const admin = await strapi.db.query('admin::user').findOne({ where: { id: row.adminUserId }, populate: ['roles'] });
  if (!admin || admin.email !== expectedColumns.emailLower || admin.firstname !== body.name.givenName || admin.lastname !== body.name.familyName || !admin.isActive || admin.roles.length !== 1) {
    problems.push(`admin user: ${JSON.stringify(admin && { email: admin.email, firstname: admin.firstname, lastname: admin.lastname, isActive: admin.isActive, roles: admin.roles?.map((r) => r.code) })}`);
  }
  if (hasMappingColumns()) {
    const other = await strapi.db.query(UID.identity).findOne({ where: { userNameLower: userBody(index + 1).userName.toLowerCase() }, select: ['mapping', 'mappingStale'] });
    const own = await strapi.db.query(UID.identity).findOne({ where: { id: row.id }, select: ['mapping', 'mappingStale'] });
    if (!other) problems.push(`mapping: user ${index + 1} not found to compare with`);
    else if (canonical(own.mapping) !== canonical(other.mapping)) problems.push(`mapping differs between users: ${canonical(own.mapping)} vs ${canonical(other.mapping)}`);
    if (own.mappingStale) problems.push('mappingStale is set');
  }
  return { same: problems.length === 0, detail: problems.join('; ') };
}

let captured = null;
let started = new Map();
const onQuery = (query) => {
  if (!captured) return;
  const entry = { sql: query.sql, bindings: query.bindings ?? [], at: performance.now(), ms: null };
  captured.push(entry);
  if (query.__knexQueryUid) started.set(query.__knexQueryUid, entry);
};
const onResponse = (_response, query) => {
  const entry = query?.__knexQueryUid && started.get(query.__knexQueryUid);
  if (entry) entry.ms = performance.now() - entry.at;
};

async function explain(query) {
  if (!/^\s*select/i.test(query.sql)) return null;
  const knex = strapi.db.connection;
  if (isPostgres) {
    // The captured SQL has PostgreSQL's $1… placeholders, which knex.raw (? placeholders) cannot take: run it
    // on a pooled connection of the pg driver itself.
    const connection = await knex.client.acquireConnection();
    try {
      const result = await connection.query(`EXPLAIN ${query.sql}`, query.bindings);
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await knex.client.releaseConnection(connection);
    }
  }
  const rows = await knex.raw(`EXPLAIN QUERY PLAN ${query.sql}`, query.bindings);
  return rows.map((row) => row.detail).join('\n');
}

async function trace(on, plans = true) {
  if (on) {
    captured = [];
    started = new Map();
    strapi.db.connection.on('query', onQuery);
    strapi.db.connection.on('query-response', onResponse);
    return {};
  }
  strapi.db.connection.off('query', onQuery);
  strapi.db.connection.off('query-response', onResponse);
  const queries = captured ?? [];
  captured = null;
  const t0 = queries[0]?.at ?? 0;
  const result = [];
  for (const query of queries) {
    const plan = plans ? await explain(query).catch((error) => `EXPLAIN failed: ${error.message}`) : undefined;
    result.push({ ...query, at: query.at - t0, plan });
  }
  return { queries: result };
}

// ------------------------------------------------------------------ Content Manager benchmark set-up
async function createAdmin({ email, password, superAdmin = false, roleCodes = [] }) {
  const roles = [];
  if (superAdmin) roles.push((await strapi.service('admin::role').getSuperAdmin()).id);
  for (const code of roleCodes) {
    const role = await strapi.db.query('admin::role').findOne({ where: { code } });
    if (!role) throw new Error(`createAdmin: no role ${code}`);
    roles.push(role.id);
  }
  const [firstname, lastname] = email.split('@')[0].split('.');
  const user = await strapi.service('admin::user').create({
    email, password, firstname: firstname ?? 'Bench', lastname: lastname ?? 'User', isActive: true, registrationToken: null, roles,
  });
  return { adminId: user.id };
}

async function setPassword({ email, password }) {
  const user = await strapi.db.query('admin::user').findOne({ where: { email: email.toLowerCase() }, populate: ['roles'] });
  if (!user) throw new Error(`setPassword: no admin user ${email}`);
  await strapi.service('admin::user').updateById(user.id, { password });
  return { adminId: user.id, isActive: user.isActive, roles: user.roles.map((role) => role.code) };
}

async function createEditorRole({ name, code, uid, fields, conditions = [] }) {
  const role = await strapi.service('admin::role').create({ name, code, description: `bench: ${conditions.join(', ') || 'no condition'}` });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    ['read', 'create', 'update', 'delete'].map((action) => ({
      action: `plugin::content-manager.explorer.${action}`,
      subject: uid,
      properties: action === 'delete' ? {} : { fields },
      conditions,
    }))
  );
  return { roleId: role.id };
}

async function seedArticles({ uid, count, teams, creatorId, creatorEvery = 4 }) {
  const t0 = performance.now();
  const ids = [];
  const mine = [];
  for (let i = 0; i < count; i += 1) {
    const entry = await strapi.documents(uid).create({ data: { title: `Article ${String(i).padStart(5, '0')}`, body: `Body of article ${i}.`, team: teams[i % teams.length] } });
    ids.push(entry.id);
    if (creatorId && i % creatorEvery < creatorEvery / 2) mine.push(entry.id);
  }
  if (mine.length) {
    const meta = strapi.db.metadata.get(uid);
    const column = meta.attributes.createdBy?.joinColumn?.name;
    if (!column) throw new Error(`seedArticles: ${uid} has no createdBy join column`);
    for (let k = 0; k < mine.length; k += 500) {
      await strapi.db.connection(meta.tableName).whereIn('id', mine.slice(k, k + 500)).update({ [column]: creatorId });
    }
  }
  if (isPostgres) await strapi.db.connection.raw('ANALYZE');
  return { count: ids.length, createdByCreator: mine.length, ms: performance.now() - t0 };
}

async function timeCondition({ condition, subject, adminIds, limit = 200 }) {
  const provider = strapi.admin.services.permission.conditionProvider;
  const handler = provider.get(condition)?.handler;
  if (typeof handler !== 'function') throw new Error(`timeCondition: no condition ${condition}`);
  const ids = adminIds ?? (await strapi.db.query(UID.identity).findMany({ select: ['adminUserId'], orderBy: { id: 'asc' }, limit })).map((row) => row.adminUserId);
  const samples = [];
  for (const id of ids) {
    const user = await strapi.db.query('admin::user').findOne({ where: { id }, populate: ['roles'] });
    const call = async () => {
      const t0 = performance.now();
      const value = await handler({ ...user, permission: { action: 'plugin::content-manager.explorer.read', subject, properties: {}, conditions: [condition] } });
      return { ms: performance.now() - t0, value };
    };
    const first = await call();
    const second = await call();
    samples.push({ id, first: first.ms, second: second.ms, result: first.value });
  }
  return { samples };
}

// ------------------------------------------------------------------------------------ SSO benchmark set-up
async function seedSsoBindings({ connectionId, issuer, tenantId, from, to }) {
  const started = performance.now();
  const BATCH = 1000;
  let bound = 0;
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const emails = Array.from({ length: end - start }, (_, k) => userBody(start + k).emails[0].value.toLowerCase());
    await strapi.db.transaction(async () => {
      const admins = await strapi.db.query('admin::user').findMany({ where: { email: { $in: emails } }, select: ['id', 'email'] });
      const idByEmail = new Map(admins.map((row) => [row.email, row.id]));
      const rows = emails.map((email, k) => {
        const adminUserId = idByEmail.get(email);
        if (!adminUserId) throw new Error(`seedSsoBindings: no admin user ${email}`);
        return {
          connectionId, issuer, subject: `${tenantId}:${objectIdOf(start + k)}`, adminUserId, email,
          lastSignInAt: new Date(), documentId: `d${randomBytes(12).toString('hex').slice(0, 23)}`,
        };
      });
      await strapi.db.query(UID.ssoIdentity).createMany({ data: rows });
      bound += rows.length;
    });
  }
  if (isPostgres) await strapi.db.connection.raw('ANALYZE');
  return { bound, ms: performance.now() - started };
}

async function timePasswordHash({ email, password, samples = 20 }) {
  const row = await strapi.db.query('admin::user').findOne({ where: { email: email.toLowerCase() }, select: ['password'] });
  if (!row?.password) throw new Error(`timePasswordHash: no password for ${email}`);
  const auth = strapi.service('admin::auth');
  const times = [];
  for (let k = 0; k < samples; k += 1) {
    const t0 = performance.now();
    const ok = await auth.validatePassword(password, row.password);
    times.push(performance.now() - t0);
    if (!ok) throw new Error('timePasswordHash: the password does not match');
  }
  return { times, rounds: Number(/^\$2[aby]?\$(\d+)\$/.exec(row.password)?.[1] ?? NaN) };
}

async function setPasswordHash({ email, password, rounds }) {
  const bcrypt = require('bcryptjs'); // what Strapi's admin::auth service hashes with
  const updated = await strapi.db.query('admin::user').updateMany({ where: { email: email.toLowerCase() }, data: { password: bcrypt.hashSync(password, rounds) } });
  if (updated.count !== 1) throw new Error(`setPasswordHash: ${updated.count} users ${email}`);
  return {};
}

async function timeLoginGuard({ email, samples = 20 }) {
  // What the guard reads for someone the login policy lets use a password (every password login of the
  // benchmark): the admin user with its roles (policySubject) and the stored login policy (loginPolicy.current).
  // The Super Admin list is read only for SSO-only subjects, so it is not part of this path.
  const fields = ['id', 'email', 'isActive', 'password'];
  const populate = { roles: { select: ['code', 'name'] } };
  const times = [];
  for (let k = 0; k < samples; k += 1) {
    const t0 = performance.now();
    await strapi.db.query('admin::user').findOne({ where: { email: email.toLowerCase() }, select: fields, populate });
    await strapi.db.query('plugin::identity-bridge.setting').findOne({ where: { key: 'sso-login-policy' }, select: ['key', 'value', 'version', 'updatedAt'] });
    times.push(performance.now() - t0);
  }
  return { times };
}

/**
 * Where requests wait inside the server: the event loop's delay (perf_hooks), and how many queries wait for a
 * database connection (knex's pool), sampled every 5 ms while on.
 */
let waits = null;
async function eventLoop(on) {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  if (on) {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const pending = [];
    const pool = strapi.db.connection.client.pool;
    const timer = setInterval(() => pending.push(pool?.numPendingAcquires?.() ?? -1), 5);
    waits = { histogram, pending, timer };
    return {};
  }
  const { histogram, pending, timer } = waits;
  clearInterval(timer);
  histogram.disable();
  const sorted = [...pending].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  waits = null;
  return {
    eventLoopDelayMs: { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 },
    pendingAcquires: { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, samples: sorted.length },
  };
}

let inspectorSession = null;
async function profile(on) {
  const { Session } = await import('node:inspector');
  const post = (method, params) => new Promise((done, fail) => inspectorSession.post(method, params, (error, value) => (error ? fail(error) : done(value))));
  if (on) {
    inspectorSession = new Session();
    inspectorSession.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    return {};
  }
  const { profile: result } = await post('Profiler.stop');
  inspectorSession.disconnect();
  inspectorSession = null;
  return { profile: result };
}

process.on('message', async (message) => {
  const { id, cmd } = message;
  try {
    let result;
    if (cmd === 'seed') result = await seed(message.from, message.to);
    else if (cmd === 'checkSeedShape') result = await checkSeedShape(message.index);
    else if (cmd === 'trace') result = await trace(message.on, message.plans !== false);
    else if (cmd === 'createAdmin') result = await createAdmin(message);
    else if (cmd === 'setPassword') result = await setPassword(message);
    else if (cmd === 'createEditorRole') result = await createEditorRole(message);
    else if (cmd === 'seedArticles') result = await seedArticles(message);
    else if (cmd === 'timeCondition') result = await timeCondition(message);
    else if (cmd === 'profile') result = await profile(message.on);
    else if (cmd === 'eventLoop') result = await eventLoop(message.on);
    else if (cmd === 'seedSsoBindings') result = await seedSsoBindings(message);
    else if (cmd === 'setPasswordHash') result = await setPasswordHash(message);
    else if (cmd === 'timeLoginGuard') result = await timeLoginGuard(message);
    else if (cmd === 'timePasswordHash') result = await timePasswordHash(message);
    else if (cmd === 'loginRateLimit') result = (strapi.config.set('admin.rateLimit', { ...(strapi.config.get('admin.rateLimit') ?? {}), enabled: message.enabled }), {});
    else if (cmd === 'analyze') result = (await strapi.db.connection.raw('ANALYZE'), {});
    else if (cmd === 'stop') {
      await strapi.destroy();
      process.send({ id, ok: true }, () => process.exit(0));
      return;
    } else throw new Error(`unknown command ${cmd}`);
    process.send({ id, ok: true, ...result });
  } catch (error) {
    process.send({ id, ok: false, error: error?.stack ?? String(error) });
  }
});
process.on('disconnect', () => process.exit(0));

process.send({ ready: true, port, client: strapi.db.dialect.client, pluginBuild });
