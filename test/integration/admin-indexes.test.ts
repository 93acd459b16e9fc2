/**
 * The Identities page's lists are answered through indexes, as the SCIM filters are (scim-indexes.test.ts): every
 * SELECT the admin API sends to the plugin's tables for a page, a search, a filter, group member counts and a
 * group's members is EXPLAINed by the database; a table scan anywhere fails the test.
 */
import { bootApp, type TestApp } from './helpers/app';
import { createSuperAdmin } from './helpers/admin';
import { request, scimClient } from './helpers/http';
import { captureQueries, explain, seeksOn, tableScan } from './helpers/query-plans';

let app: TestApp;
let ownerToken: string;
let groupId = 0;
const isPostgres = process.env.DATABASE_CLIENT === 'postgres';

beforeAll(async () => {
  app = await bootApp();
  ownerToken = await createSuperAdmin(app);
  const scim = scimClient(app.scimUrl, app.scimToken);
  const ids: string[] = [];
  for (let batch = 0; batch < 8; batch += 1) {
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, offset) => {
        const index = batch * 10 + offset;
        return scim.post('/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `person${index}@example.com`,
          externalId: `ext-${index}`,
          displayName: `Person ${index}`,
          emails: [{ value: `person${index}@example.com`, type: 'work', primary: true }],
          active: index % 10 !== 0,
        });
      })
    );
    for (const reply of replies) expect(reply.status).toBe(201);
    ids.push(...replies.map((reply) => reply.body.id as string));
  }
  for (let index = 0; index < 20; index += 1) {
    const group = await scim.post('/Groups', { displayName: `Team ${index}`, externalId: `g-${index}`, members: ids.slice(index, index + 5).map((value) => ({ value })) });
    expect(group.status).toBe(201);
  }
  if (isPostgres) await app.strapi.db.connection.raw('ANALYZE');
  const groups = await request('GET', `${app.origin}/identity-bridge/groups?search=Team%201`, undefined, { token: ownerToken });
  groupId = groups.body.results[0].id;
});
afterAll(async () => app?.close());

async function expectIndexed(path: string, columns: string[], expectRows: (body: any) => void) {
  const queries = await captureQueries(app, async () => {
    const reply = await request('GET', `${app.origin}/identity-bridge${path}`, undefined, { token: ownerToken });
    expect(reply.status).toBe(200);
    expectRows(reply.body);
  });
  expect(queries.length).toBeGreaterThan(0);
  const plans: string[] = [];
  for (const query of queries) {
    const plan = await explain(app, query);
    plans.push(plan);
    expect({ sql: query.sql, plan }).toEqual({ sql: query.sql, plan: expect.not.stringMatching(tableScan()) });
  }
  for (const column of columns) expect({ column, plans }).toEqual({ column, plans: expect.arrayContaining([expect.stringMatching(seeksOn(column))]) });
}

describe('Identities page lists are indexed queries', () => {
  test('a page of people (newest first) and its total', () =>
    expectIndexed('/identities?page=3&pageSize=10', ['directory_id'], (body) => {
      expect(body.pagination.total).toBe(80);
      expect(body.results).toHaveLength(10);
    }));

  test('search by user name / display name / e-mail / external id prefix', () =>
    expectIndexed('/identities?search=person7', ['user_name_lower', 'display_name_lower', 'email_lower', 'external_id'], (body) => {
      expect(body.results.map((row: { userName: string }) => row.userName).sort()).toEqual(
        ['person7@example.com', ...Array.from({ length: 10 }, (_, index) => `person${70 + index}@example.com`)].sort()
      );
    }));

  test('deactivated people only', () =>
    expectIndexed('/identities?active=false', ['active'], (body) => expect(body.pagination.total).toBe(8)));

  test('groups with member counts, and a search', async () => {
    await expectIndexed('/groups?pageSize=20', ['group_id'], (body) => {
      expect(body.pagination.total).toBe(20);
      expect(body.results.every((group: { memberCount: number }) => group.memberCount === 5)).toBe(true);
    });
    // Selective, as searches are at scale (a prefix matching half the table is better walked, and PostgreSQL does).
    await expectIndexed('/groups?search=team%207', ['display_name_lower'], (body) =>
      expect(body.results.map((group: { displayName: string }) => group.displayName)).toEqual(['Team 7'])
    );
  });

  test("a group's members, paged", () =>
    expectIndexed(`/groups/${groupId}/members?pageSize=2&page=2`, ['group_id'], (body) => {
      expect(body.pagination.total).toBe(5);
      expect(body.results).toHaveLength(2);
    }));
});
