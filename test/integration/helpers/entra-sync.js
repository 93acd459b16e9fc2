/**
 * An Entra-style provisioning run against one or more SCIM endpoints, and a consistency check of what it left
 * in the database. Shared by the cluster tests (test/integration/cluster-*.test.ts, through entra-sync.d.ts)
 * and the benchmark (bench/cluster-sync.mjs), hence plain CommonJS.
 *
 * What Entra's provisioning does, and so what this does, with several workers at once:
 * - Users: GET /Users?filter=userName eq "…" (Entra matches before it creates), then POST with Entra's shape:
 *   core + enterprise extension, the custom extension attributes nested under their URN prefix, string ids.
 * - Groups: the same, with Entra's extra ADSCIM schema URN.
 * - Members: PATCH `Add members` in batches (`$ref: null`), some `Remove members` with a value list, re-adds.
 * - Deactivations: PATCH `Replace active "False"` (Entra's string boolean, without aadOptscim062020).
 * Plus what a load balancer in front of several instances makes possible: the same userName POSTed to two
 * instances at once, the same member added on two instances at once, two writes with one stale If-Match.
 *
 * The client keeps a ledger of every write the server acknowledged (2xx); requests that fail in transit or
 * with 5xx are retried as Entra's next cycle would (it matches first, so a create that did commit is found,
 * never duplicated). `checkConsistency` then compares the ledger with the database.
 */
'use strict';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
// Entra sends this extra URN on group creates; the RFC knows nothing of it.
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const TEAMS = ['Sales', 'Support', 'Research', 'Legal'];

/** The mapping the sync assumes (put it in the plugin config): roles from userType and from "Editors" groups. */
const SYNC_MAPPING = {
  attributes: [
    { key: 'userType', scimPath: 'userType', multiValued: false, allowedValues: ['Premium', 'Standard'] },
    { key: 'team', scimPath: `${METADATA}:team`, multiValued: false },
    { key: 'department', scimPath: `${ENTERPRISE}:department`, multiValued: false },
    { key: 'folders', scimPath: `${CUSTOM}:folders`, multiValued: true },
  ],
  policy: {
    roleRules: [
      { id: 'premium-editors', when: [{ source: { type: 'userType' }, op: 'equals', value: 'Premium' }], roles: ['strapi-editor'] },
      { id: 'editors-group', when: [{ source: { type: 'group' }, op: 'contains', value: 'Editors' }], roles: ['strapi-author'] },
    ],
    unmatched: { action: 'defaultRole', role: 'strapi-author' },
  },
};

/** What the mapping above gives a person: the role codes. */
function expectedRoles(user, groupNames) {
  const roles = new Set();
  if (user.premium) roles.add('strapi-editor');
  if (groupNames.some((name) => name.includes('Editors'))) roles.add('strapi-author');
  if (roles.size === 0) roles.add('strapi-author');
  return [...roles].sort();
}

const hex12 = (n) => n.toString(16).padStart(12, '0');

/** The deterministic population of a run of `users` people and `groups` groups. */
function plan({ users, groups, domain = 'sync.example', raceEvery = 50, etagRaces = 10 }) {
  const people = Array.from({ length: users }, (_, i) => ({
    index: i,
    userName: `u${i}@${domain}`,
    externalId: `00000000-0000-4000-8000-${hex12(i)}`,
    premium: i % 5 === 0,
    team: TEAMS[i % TEAMS.length],
    deactivate: i % 10 === 3,
    race: raceEvery > 0 && i % raceEvery === 0,
  }));
  const teams = Array.from({ length: groups }, (_, g) => ({
    index: g,
    displayName: g % 5 === 0 ? `Editors ${g}` : `Team ${g}`,
    externalId: `11111111-0000-4000-8000-${hex12(g)}`,
    // Every third group loses a quarter of its members, and gets half of those back.
    prunes: g % 3 === 0,
  }));
  /** Members of group g: user i is in groups i mod G and (7i + 3) mod G. */
  const membersOf = teams.map(() => []);
  for (const person of people) {
    const first = person.index % groups;
    const second = (person.index * 7 + 3) % groups;
    membersOf[first].push(person.index);
    if (second !== first) membersOf[second].push(person.index);
  }
  return { people, teams, membersOf, etagRaces: Math.min(etagRaces, users) };
}

function userBody(person) {
  const [given, family] = [`Given${person.index}`, `Family${person.index}`];
  return {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: person.externalId,
    userName: person.userName,
    active: true,
    displayName: `${given} ${family}`,
    emails: [{ primary: true, type: 'work', value: person.userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    title: 'Engineer',
    userType: person.premium ? 'Premium' : 'Standard',
    roles: [],
    [ENTERPRISE]: { department: person.team, employeeNumber: String(100000 + person.index), manager: { value: 'manager-0' } },
    // Entra nests custom extension attributes under the URN before their last colon, without listing it in schemas.
    [CUSTOM]: { folders: [`${person.team}/Shared`, `${person.team}/Drafts`] },
    [METADATA]: { team: person.team },
  };
}

const groupBody = (team) => ({
  schemas: [CORE_GROUP, ADSCIM_GROUP],
  externalId: team.externalId,
  displayName: team.displayName,
  meta: { resourceType: 'Group' },
});

const membersPatch = (op, ids) => ({
  schemas: [PATCH_OP],
  Operations: [{ op, path: 'members', value: ids.map((value) => ({ $ref: null, value })) }],
});

/** A GET answer made into a PUT body: without the read-only `groups` and `meta`. */
const replaceable = ({ groups: _groups, meta: _meta, ...rest }) => rest;

const filterPath = (resource, attribute, value) => `/${resource}?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;

/** Sends one SCIM request; never throws (a transport failure is `{ status: 0 }`). */
async function send(base, token, method, path, body, headers = {}) {
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, etag: response.headers.get('etag'), retryAfter: response.headers.get('retry-after'), text };
  } catch (error) {
    return { status: 0, body: undefined, etag: null, retryAfter: null, text: String(error && error.cause ? error.cause.code || error.cause.message : error) };
  }
}

/**
 * `send`, waiting out 429 answers as Entra does (Retry-After seconds, then the same request again). For the
 * two-instance races, which call each instance directly: a throttled side still takes part, a moment later.
 */
async function sendHonouringRetryAfter(base, token, method, path, body, headers = {}) {
  for (;;) {
    const reply = await send(base, token, method, path, body, headers);
    const wait = throttleWaitMs(reply);
    if (wait === null) return reply;
    await sleep(wait);
  }
}

/** A 429's Retry-After in milliseconds (whole seconds, up to a minute), or null when the reply names no wait. */
function throttleWaitMs(reply) {
  const seconds = reply.status === 429 ? Number(reply.retryAfter) : NaN;
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 60 ? seconds * 1000 : null;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Runs `tasks` (functions) with `workers` at once, in order. */
async function pool(tasks, workers) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(workers, tasks.length)) }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++];
        await task();
      }
    })
  );
}

function chunk(list, size) {
  const out = [];
  for (let k = 0; k < list.length; k += size) out.push(list.slice(k, k + size));
  return out;
}

/**
 * Runs the sync. Options:
 * - `users`, `groups`, `workers` (8), `batchSize` (members per PATCH, 25), `raceEvery` (every n-th user is
 *   POSTed to two instances at once; 0: none), `etagRaces` (users and groups raced with one stale If-Match),
 *   `races` (false: no two-instance races at all, e.g. while an instance is down).
 * - `token`, `balanced()` → the SCIM base URL the next request goes to (a proxy, or round robin),
 *   `instances` → the SCIM base URLs of two instances (for races).
 * - `retries` (attempts after the first for transport failures and 5xx, 30), `retryDelayMs` (200).
 * Returns the ledger (see top of file) with `stats`.
 */
async function runEntraSync(options) {
  const {
    token,
    balanced,
    instances = [],
    workers = 8,
    batchSize = 25,
    retries = 30,
    retryDelayMs = 200,
    races = true,
  } = options;
  const population = plan(options);
  const { people, teams, membersOf } = population;
  const stats = { requests: 0, acknowledged: 0, byStatus: {}, transportFailures: 0, serverErrors: 0, throttled: 0, retried: 0, recoveredCreates: 0, failed: 0, phases: {} };
  const errors = [];
  const ledger = {
    population,
    users: new Map(), // index → scim id
    groups: new Map(), // index → scim id
    members: new Map(), // `${groupIndex}:${userIndex}` → true (present) | false (removed)
    deactivated: new Set(), // user index
    races: { users: [], members: [], etag: [] },
    stats,
    errors,
  };
  const note = (message) => {
    if (errors.length < 50) errors.push(message);
  };

  /**
   * One request with Entra-like retries; answers the last reply. `accept(status)` ends the retries. A 429 is
   * not a failure: Entra waits the Retry-After it was given and sends the same request again, and so does
   * this (throttled requests do not use up `retries`, as long as the server keeps naming a wait).
   */
  async function call(method, path, body, { headers, base, accept = (s) => s > 0 && s < 500 && s !== 429 } = {}) {
    let reply;
    let attempt = 0;
    for (;;) {
      reply = await send(base ?? balanced(), token, method, path, body, headers);
      stats.requests += 1;
      stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
      if (reply.status === 0) stats.transportFailures += 1;
      else if (reply.status >= 500) stats.serverErrors += 1;
      if (accept(reply.status)) return reply;
      const wait = throttleWaitMs(reply);
      if (wait !== null) {
        stats.throttled += 1;
        await sleep(wait);
        continue;
      }
      if (attempt >= retries) return reply;
      attempt += 1;
      stats.retried += 1;
      await sleep(retryDelayMs * Math.min(attempt, 5));
    }
  }

  const ack = (reply) => {
    const ok = reply.status >= 200 && reply.status < 300;
    if (ok) stats.acknowledged += 1;
    return ok;
  };

  /** Finds a resource by an attribute (Entra's matching step): its id or null. */
  async function find(resource, attribute, value) {
    const reply = await call('GET', filterPath(resource, attribute, value) + (resource === 'Groups' ? '&excludedAttributes=members' : ''));
    if (reply.status !== 200) {
      note(`GET ${resource} ${attribute} eq ${value} → ${reply.status} ${reply.text.slice(0, 200)}`);
      return null;
    }
    return reply.body.Resources[0]?.id ?? null;
  }

  /** Match, then create; a 409 after a lost answer means an earlier attempt committed: match again. */
  async function ensure(resource, attribute, value, body, store, key) {
    const existing = await find(resource, attribute, value);
    if (existing) return store.set(key, existing);
    const created = await call('POST', `/${resource}`, body);
    if (ack(created)) return store.set(key, created.body.id);
    if (created.status === 409) {
      const again = await find(resource, attribute, value);
      if (again) {
        stats.recoveredCreates += 1;
        return store.set(key, again);
      }
    }
    stats.failed += 1;
    note(`POST ${resource} ${value} → ${created.status} ${created.text.slice(0, 200)}`);
  }

  async function phase(name, tasks) {
    const started = performance.now();
    const before = stats.requests;
    await pool(tasks, workers);
    stats.phases[name] = { tasks: tasks.length, requests: stats.requests - before, seconds: (performance.now() - started) / 1000 };
  }

  const racing = races && instances.length >= 2;
  const [one, two] = instances;

  // ----------------------------------------------------------------------------------------------- users
  await phase(
    'users',
    people.map((person) => async () => {
      if (racing && person.race) {
        // The same create reaches two instances at once (a retry after a timeout, two provisioning jobs).
        const replies = await Promise.all([one, two].map((base) => sendHonouringRetryAfter(base, token, 'POST', '/Users', userBody(person))));
        stats.requests += 2;
        for (const reply of replies) stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
        const statuses = replies.map((reply) => reply.status).sort();
        ledger.races.users.push({ userName: person.userName, statuses, scimTypes: replies.map((reply) => reply.body?.scimType ?? null) });
        const winner = replies.find((reply) => reply.status === 201);
        if (winner) {
          stats.acknowledged += 1;
          ledger.users.set(person.index, winner.body.id);
          return;
        }
      }
      await ensure('Users', 'userName', person.userName, userBody(person), ledger.users, person.index);
    })
  );

  // ---------------------------------------------------------------------------------------------- groups
  await phase('groups', teams.map((team) => () => ensure('Groups', 'displayName', team.displayName, groupBody(team), ledger.groups, team.index)));

  /** PATCHes members of one group; on success records them present (add) or absent (remove). */
  async function patchMembers(team, op, userIndexes, base) {
    const groupId = ledger.groups.get(team.index);
    const ids = userIndexes.filter((i) => ledger.users.has(i));
    if (!groupId || ids.length === 0) return null;
    const reply = await call('PATCH', `/Groups/${groupId}`, membersPatch(op, ids.map((i) => ledger.users.get(i))), base ? { base } : {});
    if (ack(reply)) for (const i of ids) ledger.members.set(`${team.index}:${i}`, op === 'Add');
    else {
      stats.failed += 1;
      note(`PATCH ${op} members of ${team.displayName} → ${reply.status} ${reply.text.slice(0, 200)}`);
    }
    return reply;
  }

  // --------------------------------------------------------------------------------------------- members
  const memberTasks = [];
  for (const team of teams) {
    const members = membersOf[team.index];
    if (racing && members.length > 0) {
      // The same member added on both instances at once: both succeed, one membership row.
      memberTasks.push(async () => {
        const groupId = ledger.groups.get(team.index);
        const userId = ledger.users.get(members[0]);
        if (!groupId || !userId) return;
        const replies = await Promise.all([one, two].map((base) => sendHonouringRetryAfter(base, token, 'PATCH', `/Groups/${groupId}`, membersPatch('Add', [userId]))));
        stats.requests += 2;
        const statuses = replies.map((reply) => reply.status).sort();
        ledger.races.members.push({ group: team.displayName, user: members[0], statuses, texts: replies.map((reply) => reply.text.slice(0, 200)) });
        if (replies.some((reply) => reply.status === 200)) ledger.members.set(`${team.index}:${members[0]}`, true);
      });
    }
    // Batches of one group follow each other in the queue, so several workers write to one group at once.
    for (const batch of chunk(members, batchSize)) memberTasks.push(() => patchMembers(team, 'Add', batch));
  }
  await phase('members', memberTasks);

  // --------------------------------------------------- removals and deactivations, mixed as one cycle sends them
  const pruned = new Map();
  const removeTasks = [];
  const deactivateTasks = [];
  for (const team of teams.filter((t) => t.prunes)) {
    const removed = membersOf[team.index].filter((i) => i % 4 === 0);
    pruned.set(team.index, removed);
    for (const batch of chunk(removed, batchSize)) removeTasks.push(() => patchMembers(team, 'Remove', batch));
  }
  for (const person of people.filter((p) => p.deactivate)) {
    deactivateTasks.push(async () => {
      const id = ledger.users.get(person.index);
      if (!id) return;
      const reply = await call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      if (ack(reply)) ledger.deactivated.add(person.index);
      else {
        stats.failed += 1;
        note(`deactivate ${person.userName} → ${reply.status} ${reply.text.slice(0, 200)}`);
      }
    });
  }
  // Interleaved, as one cycle sends them.
  const churnTasks = [];
  for (let k = 0; k < Math.max(removeTasks.length, deactivateTasks.length); k += 1) {
    if (removeTasks[k]) churnTasks.push(removeTasks[k]);
    if (deactivateTasks[k]) churnTasks.push(deactivateTasks[k]);
  }
  await phase('removes+deactivations', churnTasks);

  // ------------------------------------------------------------------------------------------------ re-adds
  const readdTasks = [];
  for (const [teamIndex, removed] of pruned) {
    const back = removed.filter((i) => i % 8 === 0);
    for (const batch of chunk(back, batchSize)) readdTasks.push(() => patchMembers(teams[teamIndex], 'Add', batch));
  }
  await phase('re-adds', readdTasks);

  // --------------------------------------------------------------------------- one stale If-Match, two instances
  if (racing) {
    const etagTasks = [];
    const candidates = people.filter((p) => !p.deactivate && ledger.users.has(p.index)).slice(0, population.etagRaces);
    candidates.forEach((person, k) => {
      etagTasks.push(async () => {
        const id = ledger.users.get(person.index);
        const current = await sendHonouringRetryAfter(one, token, 'GET', `/Users/${id}`);
        const etag = current.etag;
        const usePut = k % 2 === 1;
        const titles = ['Title from one', 'Title from two'];
        const replies = await Promise.all(
          [one, two].map((base, side) =>
            usePut
              ? sendHonouringRetryAfter(base, token, 'PUT', `/Users/${id}`, { ...replaceable(current.body), title: titles[side] }, { 'if-match': etag })
              : sendHonouringRetryAfter(base, token, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: titles[side] }] }, { 'if-match': etag })
          )
        );
        stats.requests += 3;
        const after = await sendHonouringRetryAfter(two, token, 'GET', `/Users/${id}`);
        const winner = replies.findIndex((reply) => reply.status === 200);
        ledger.races.etag.push({
          kind: usePut ? 'PUT User' : 'PATCH User',
          statuses: replies.map((reply) => reply.status).sort(),
          expected: winner >= 0 ? titles[winner] : null,
          stored: after.body?.title ?? null,
        });
      });
    });
    const groupsRaced = teams.filter((t) => ledger.groups.has(t.index)).slice(0, Math.ceil(population.etagRaces / 2));
    for (const team of groupsRaced) {
      etagTasks.push(async () => {
        const id = ledger.groups.get(team.index);
        const current = await sendHonouringRetryAfter(one, token, 'GET', `/Groups/${id}?excludedAttributes=members`);
        const values = [`${team.externalId}-one`, `${team.externalId}-two`];
        const replies = await Promise.all(
          [one, two].map((base, side) =>
            sendHonouringRetryAfter(base, token, 'PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'externalId', value: values[side] }] }, { 'if-match': current.etag })
          )
        );
        stats.requests += 3;
        const after = await sendHonouringRetryAfter(two, token, 'GET', `/Groups/${id}?excludedAttributes=members`);
        const winner = replies.findIndex((reply) => reply.status === 200);
        ledger.races.etag.push({
          kind: 'PATCH Group',
          statuses: replies.map((reply) => reply.status).sort(),
          expected: winner >= 0 ? values[winner] : null,
          stored: after.body?.externalId ?? null,
        });
      });
    }
    await phase('etag races', etagTasks);
  }
  return ledger;
}

/**
 * Compares the database with the ledger. `query(sql, params)` → rows (a pg Client's, or any). Answers
 * `{ problems: string[], facts }`; no problems means consistent.
 */
async function checkConsistency(query, ledger, { domain = 'sync.example' } = {}) {
  const problems = [];
  const fail = (message, rows) => problems.push(rows && rows.length ? `${message}: ${JSON.stringify(rows.slice(0, 5))}` : message);
  const { people, teams } = ledger.population;
  const like = `%@${domain}`;

  // No duplicates, by any key an IdP or Strapi matches on.
  for (const column of ['user_name_lower', 'email_lower', 'external_id']) {
    const rows = await query(`select ${column} as value, count(*)::int as n from ib_identities where ${column} is not null group by directory_id, ${column} having count(*) > 1`);
    if (rows.length) fail(`duplicate identities by ${column}`, rows);
  }
  const dupAdmins = await query(`select lower(email) as email, count(*)::int as n from admin_users group by lower(email) having count(*) > 1`);
  if (dupAdmins.length) fail('duplicate admin users by email', dupAdmins);
  const sharedAdmins = await query(`select admin_user_id, count(*)::int as n from ib_identities where admin_user_id is not null group by admin_user_id having count(*) > 1`);
  if (sharedAdmins.length) fail('admin users bound to several identities', sharedAdmins);

  // Nothing half-written: every identity has its admin user (with its email), every SCIM admin user its identity.
  const unbound = await query(
    `select i.user_name, i.admin_user_id from ib_identities i left join admin_users a on a.id = i.admin_user_id where a.id is null or lower(a.email) <> i.email_lower`
  );
  if (unbound.length) fail('identities without their admin user', unbound);
  const orphanAdmins = await query(
    `select a.id, a.email from admin_users a where lower(a.email) like $1 and not exists (select 1 from ib_identities i where i.admin_user_id = a.id)`,
    [like]
  );
  if (orphanAdmins.length) fail('admin users created by SCIM without an identity', orphanAdmins);
  const danglingMembers = await query(
    `select m.group_id, m.identity_id from ib_memberships m where not exists (select 1 from ib_groups g where g.id = m.group_id) or not exists (select 1 from ib_identities i where i.id = m.identity_id)`
  );
  if (danglingMembers.length) fail('memberships pointing at a missing group or user', danglingMembers);
  const dupMembers = await query(`select group_id, identity_id, count(*)::int as n from ib_memberships group by group_id, identity_id having count(*) > 1`);
  if (dupMembers.length) fail('duplicate membership rows', dupMembers);

  // Every acknowledged write present.
  const identities = await query(
    `select i.id, i.scim_id, i.user_name, i.active, a.is_active as admin_active, i.admin_user_id from ib_identities i left join admin_users a on a.id = i.admin_user_id where i.email_lower like $1`,
    [like]
  );
  const byScimId = new Map(identities.map((row) => [row.scim_id, row]));
  const missingUsers = [...ledger.users].filter(([, id]) => !byScimId.has(id));
  if (missingUsers.length) fail(`${missingUsers.length} acknowledged users missing`, missingUsers);
  if (identities.length !== ledger.users.size) fail(`${identities.length} identities in the database, ${ledger.users.size} acknowledged`);
  const notCreated = people.filter((p) => !ledger.users.has(p.index));
  if (notCreated.length) fail(`${notCreated.length} users never acknowledged`, notCreated.map((p) => p.userName));

  const groups = await query(`select id, scim_id, display_name from ib_groups`);
  const groupByScimId = new Map(groups.map((row) => [row.scim_id, row]));
  const missingGroups = [...ledger.groups].filter(([, id]) => !groupByScimId.has(id));
  if (missingGroups.length) fail(`${missingGroups.length} acknowledged groups missing`, missingGroups);
  if (groups.length !== ledger.groups.size) fail(`${groups.length} groups in the database, ${ledger.groups.size} acknowledged`);

  const memberships = await query(`select g.scim_id as group_id, i.scim_id as user_id from ib_memberships m join ib_groups g on g.id = m.group_id join ib_identities i on i.id = m.identity_id`);
  const present = new Set(memberships.map((row) => `${row.group_id}|${row.user_id}`));
  const lost = [];
  const stale = [];
  for (const [key, wanted] of ledger.members) {
    const [g, u] = key.split(':').map(Number);
    const pair = `${ledger.groups.get(g)}|${ledger.users.get(u)}`;
    if (wanted && !present.has(pair)) lost.push(key);
    if (!wanted && present.has(pair)) stale.push(key);
  }
  if (lost.length) fail(`${lost.length} acknowledged member adds missing`, lost);
  if (stale.length) fail(`${stale.length} acknowledged member removals still present`, stale);
  const acknowledgedPresent = [...ledger.members.values()].filter(Boolean).length;
  if (memberships.length !== acknowledgedPresent) fail(`${memberships.length} memberships in the database, ${acknowledgedPresent} expected`);

  // Deactivations reached the admin users; nobody else was deactivated.
  const indexOf = new Map([...ledger.users].map(([index, id]) => [id, index]));
  const wrongActive = identities.filter((row) => {
    const shouldBeActive = !ledger.deactivated.has(indexOf.get(row.scim_id));
    return row.active !== shouldBeActive || row.admin_active !== shouldBeActive;
  });
  if (wrongActive.length) fail(`${wrongActive.length} users with the wrong activation`, wrongActive);

  // Roles are what the mapping says for the final memberships.
  const roleRows = await query(
    `select l.user_id, r.code from admin_users_roles_lnk l join admin_roles r on r.id = l.role_id where l.user_id in (select admin_user_id from ib_identities)`
  );
  const rolesOf = new Map();
  for (const row of roleRows) rolesOf.set(row.user_id, [...(rolesOf.get(row.user_id) ?? []), row.code].sort());
  const groupNamesOf = new Map();
  for (const row of memberships) groupNamesOf.set(row.user_id, [...(groupNamesOf.get(row.user_id) ?? []), groupByScimId.get(row.group_id).display_name]);
  const wrongRoles = [];
  for (const row of identities) {
    const person = people[indexOf.get(row.scim_id)];
    if (!person) continue;
    const want = expectedRoles(person, groupNamesOf.get(row.scim_id) ?? []);
    const have = rolesOf.get(row.admin_user_id) ?? [];
    if (want.join() !== have.join()) wrongRoles.push({ user: row.user_name, want, have });
  }
  if (wrongRoles.length) fail(`${wrongRoles.length} admin users with roles the mapping does not give`, wrongRoles);
  const staleMapping = await query(`select count(*)::int as n from ib_identities where mapping_stale = true`);

  // The provisioning log tells the same story: one successful create per resource, none for one that is not there.
  const createEvents = await query(
    `select operation, resource_id, count(*)::int as n from ib_events where outcome = 'success' and operation in ('createUser', 'createGroup') group by operation, resource_id`
  );
  const logged = new Set(createEvents.map((row) => row.resource_id));
  const phantom = createEvents.filter((row) => !(row.operation === 'createUser' ? byScimId.has(row.resource_id) : groupByScimId.has(row.resource_id)));
  if (phantom.length) fail('logged creates of resources that do not exist', phantom);
  const twice = createEvents.filter((row) => row.n > 1);
  if (twice.length) fail('resources logged as created more than once', twice);
  const unlogged = [...identities.map((row) => row.scim_id), ...groups.map((row) => row.scim_id)].filter((id) => !logged.has(id));
  if (unlogged.length) fail(`${unlogged.length} resources without their create in the provisioning log`, unlogged);
  const writeEvents = await query(`select operation, outcome, count(*)::int as n from ib_events group by operation, outcome order by operation, outcome`);

  // The races.
  const badUserRaces = ledger.races.users.filter((race) => race.statuses.join() !== '201,409' || !race.scimTypes.includes('uniqueness'));
  if (badUserRaces.length) fail('duplicate creates on two instances not answered one 201 and one 409 uniqueness', badUserRaces);
  const badMemberRaces = ledger.races.members.filter((race) => race.statuses.join() !== '200,200');
  if (badMemberRaces.length) fail('one member added on two instances at once not answered 200 twice', badMemberRaces);
  const badEtagRaces = ledger.races.etag.filter((race) => race.statuses.join() !== '200,412' || race.stored !== race.expected);
  if (badEtagRaces.length) fail('one stale If-Match on two instances not answered one 200 and one 412 (or the loser overwrote)', badEtagRaces);

  return {
    problems,
    facts: {
      identities: identities.length,
      groups: groups.length,
      memberships: memberships.length,
      deactivated: identities.filter((row) => !row.active).length,
      mappingStale: staleMapping[0].n,
      races: { users: ledger.races.users.length, members: ledger.races.members.length, etag: ledger.races.etag.length },
      events: writeEvents,
    },
  };
}

module.exports = { runEntraSync, checkConsistency, plan, userBody, groupBody, expectedRoles, SYNC_MAPPING, PATCH_OP };
