/**
 * Two Strapi instances on one PostgreSQL database, requests alternating between them: what holds across
 * instances must be in the database, not in a process. (PostgreSQL pass only: SQLite is one process's file.)
 */
import { startCluster, usesPostgres, type Cluster } from './helpers/cluster';
import { scimClient, type ScimClient } from './helpers/http';
import { Client } from 'pg';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const describeOnPostgres = usesPostgres() ? describe : describe.skip;

const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, primary: true }],
  active: true,
});

describeOnPostgres('two instances on one database', () => {
  let cluster: Cluster;
  let clients: ScimClient[];

  beforeAll(async () => {
    cluster = await startCluster({ size: 2 });
    clients = cluster.instances.map((instance) => scimClient(instance.scimUrl, cluster.scimToken));
  });
  afterAll(async () => cluster?.close());

  /** Read straight from the shared database (the instances run in other processes). */
  async function adminUsersWithEmail(email: string): Promise<number> {
    const client = new Client({ connectionString: cluster.databaseUrl });
    await client.connect();
    try {
      const result = await client.query('select count(*)::int as n from admin_users where email = $1', [email]);
      return result.rows[0].n as number;
    } finally {
      await client.end();
    }
  }

  test('a user created on one instance is found, changed and deleted on the other', async () => {
    const [one, two] = clients as [ScimClient, ScimClient];
    const created = await one.post('/Users', user('both@example.com'));
    expect(created.status).toBe(201);
    const found = await two.get(`/Users?filter=${encodeURIComponent('userName eq "both@example.com"')}`);
    expect(found.body.totalResults).toBe(1);
    const patched = await two.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Both' }] });
    expect(patched.status).toBe(200);
    expect((await one.get(`/Users/${created.body.id}`)).body.title).toBe('Both');
    expect((await one.delete(`/Users/${created.body.id}`)).status).toBe(204);
    expect((await two.get(`/Users/${created.body.id}`)).status).toBe(404);
  });

  test('the same userName created on both instances at once: one 201, one 409, one identity', async () => {
    for (let round = 0; round < 5; round += 1) {
      const name = `race${round}@example.com`;
      const replies = await Promise.all(clients.map((client) => client.post('/Users', user(name))));
      expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
      const listed = await clients[round % 2]!.get(`/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
      expect(listed.body.totalResults).toBe(1);
      // The loser's transaction rolled back whole: no second admin user was left behind.
      expect(await adminUsersWithEmail(name)).toBe(1);
    }
  });

  test('a stale ETag is refused with 412 whichever instance saw the newer version', async () => {
    const [one, two] = clients as [ScimClient, ScimClient];
    const created = await one.post('/Users', user('etag@example.com'));
    const etag = created.headers.get('etag')!;
    const first = await two.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'First' }] }, { headers: { 'if-match': etag } });
    expect(first.status).toBe(200);
    const stale = await one.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lost' }] }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect((await one.get(`/Users/${created.body.id}`)).body.title).toBe('First');
  });

  test('an instance killed with SIGKILL comes back on the same port with every acknowledged write', async () => {
    const [one, two] = clients as [ScimClient, ScimClient];
    const acknowledged: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const reply = await one.post('/Users', user(`crash${index}@example.com`));
      if (reply.status === 201) acknowledged.push(reply.body.id);
    }
    await cluster.instances[0]!.kill();
    expect((await two.get(`/Users?filter=${encodeURIComponent('userName sw "crash"')}`)).body.totalResults).toBe(acknowledged.length);
    await cluster.instances[0]!.restart();
    for (const id of acknowledged) expect((await one.get(`/Users/${id}`)).status).toBe(200);
  });
});
