/**
 * The filters IdPs send must be answered by index look-ups, not by scanning tables. Every SQL statement
 * a filtered list request sends to the plugin's tables is captured and EXPLAINed by the database itself
 * (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN with sequential scans disabled, so a plan can only
 * avoid one by using an index). A table scan anywhere fails the test.
 */
import { bootApp, type TestApp } from './helpers/app';
import { scimClient, type ScimClient } from './helpers/http';
import { captureQueries as captureQueriesOf, explain as explainOf, seeksOn, tableScan, type CapturedQuery } from './helpers/query-plans';

let app: TestApp;
let scim: ScimClient;
const isPostgres = process.env.DATABASE_CLIENT === 'postgres';

let recentTimestamp = '';

beforeAll(async () => {
  app = await bootApp();
  scim = scimClient(app.scimUrl, app.scimToken);
  // Enough rows that a cost-based planner (PostgreSQL) prefers seeking to walking, as it does at scale.
  for (let batch = 0; batch < 10; batch += 1) {
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, offset) => {
        const index = batch * 10 + offset;
        return scim.post('/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `user${index}@example.com`,
          externalId: `ext-${index}`,
          displayName: `User ${index}`,
          emails: [{ value: `user${index}@example.com`, type: 'work', primary: true }],
          active: index % 10 !== 0,
        });
      })
    );
    for (const reply of replies) expect(reply.status).toBe(201);
    if (batch === 8) recentTimestamp = replies[9]!.body.meta.lastModified;
  }
  for (let index = 0; index < 30; index += 1) {
    const group = await scim.post('/Groups', { displayName: index === 0 ? 'Indexed group' : `Group ${index}`, externalId: `g-${index + 1}`, members: [] });
    expect(group.status).toBe(201);
  }
  // PostgreSQL plans from statistics; without them every table looks like one row and any index will do.
  if (isPostgres) await app.strapi.db.connection.raw('ANALYZE');
});
afterAll(async () => app?.close());

const captureQueries = (action: () => Promise<unknown>) => captureQueriesOf(app, action);
const explain = (query: CapturedQuery) => explainOf(app, query);
const TABLE_SCAN = tableScan();

/** Each filter, and the columns the database must seek on to answer it. */
const userFilters: [string, string[]][] = [
  ['id eq "00000000-0000-4000-8000-000000000000"', ['scim_id']],
  ['userName eq "user3@example.com"', ['user_name_lower']],
  ['externalId eq "ext-3"', ['external_id']],
  ['displayName eq "User 3"', ['display_name_lower']],
  ['emails.value eq "user3@example.com"', ['value_lower']],
  ['emails[type eq "work"].value eq "user3@example.com"', ['value_lower']],
  ['active eq false', ['active']],
  ['meta.lastModified gt "<recent>"', ['updated_at']],
  ['userName eq "user3@example.com" or externalId eq "ext-4"', ['user_name_lower', 'external_id']],
];

async function expectIndexedAnswer(path: string, columns: string[]) {
  const queries = await captureQueries(async () => {
    const reply = await scim.get(path);
    expect(reply.status).toBe(200);
  });
  expect(queries.length).toBeGreaterThan(0);
  const plans: string[] = [];
  for (const query of queries) {
    const plan = await explain(query);
    plans.push(plan);
    expect({ sql: query.sql, plan }).toEqual({ sql: query.sql, plan: expect.not.stringMatching(TABLE_SCAN) });
  }
  for (const column of columns) expect({ column, plans }).toEqual({ column, plans: expect.arrayContaining([expect.stringMatching(seeksOn(column))]) });
}

describe('filters become indexed queries', () => {
  test.each(userFilters)('Users: %s', (filter, columns) =>
    expectIndexedAnswer('/Users?filter=' + encodeURIComponent(filter.replace('<recent>', recentTimestamp)), columns)
  );

  test.each([
    ['displayName eq "Indexed group"', ['display_name_lower']],
    ['externalId eq "g-1"', ['external_id']],
    ['members.value eq "00000000-0000-4000-8000-000000000000"', ['scim_id']],
  ] as [string, string[]][])('Groups: %s', (filter, columns) =>
    expectIndexedAnswer('/Groups?excludedAttributes=members&filter=' + encodeURIComponent(filter), columns)
  );

  test('get by id and an unfiltered page seek on the id columns', async () => {
    const first = (await scim.get('/Users?count=1')).body.Resources[0];
    await expectIndexedAnswer(`/Users/${first.id}`, ['scim_id', 'identity_id']);
    await expectIndexedAnswer('/Users?startIndex=15&count=5', ['directory_id']);
  });

  test('excludedAttributes=members never reads the membership table (Entra queries groups this way)', async () => {
    const queries = await captureQueries(async () => {
      const reply = await scim.get('/Groups?excludedAttributes=members&filter=' + encodeURIComponent('displayName eq "Indexed group"'));
      expect(reply.body.totalResults).toBe(1);
    });
    expect(queries.some((query) => /ib_groups/.test(query.sql))).toBe(true);
    expect(queries.filter((query) => /ib_memberships/.test(query.sql))).toEqual([]);
    const withMembers = await captureQueries(() => scim.get('/Groups?filter=' + encodeURIComponent('displayName eq "Indexed group"')));
    expect(withMembers.some((query) => /ib_memberships/.test(query.sql))).toBe(true);
  });

  test('the capture is real: an unindexed query is reported as a scan', async () => {
    const plan = await explain({ sql: 'select * from ib_identities where data is not null', bindings: [] });
    expect(plan).toMatch(TABLE_SCAN);
  });
});
