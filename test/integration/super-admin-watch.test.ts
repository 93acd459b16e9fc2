/**
 * A new app whose identity provider provisions people before anyone registered: Strapi's "create the first
 * administrator" page then refuses (any admin user counts), so the server log says how to create a Super Admin.
 * (The once-a-minute throttle and "stop looking once a Super Admin is seen": test/unit/strapi/super-admin-watch.test.ts.)
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient } from './helpers/http';

const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, type: 'work', primary: true }],
  name: { givenName: 'First', familyName: 'Comer' },
  active: true,
});

describe('no Super Admin yet, people provisioned', () => {
  let app: TestApp;
  let warnings: string[];

  beforeAll(async () => {
    app = await bootApp();
    warnings = [];
    const warn = app.strapi.log.warn.bind(app.strapi.log);
    app.strapi.log.warn = ((message: string, ...rest: unknown[]) => {
      warnings.push(String(message));
      return warn(message, ...rest);
    }) as typeof app.strapi.log.warn;
  });
  afterAll(async () => app?.close());

  const noSuperAdminWarnings = () => warnings.filter((line) => line.includes('no Super Admin'));

  test('the first SCIM create on an app without admin users warns with the command that fixes it', async () => {
    const created = await scimClient(app.scimUrl, app.scimToken).post('/Users', user('first.comer@example.com'));
    expect(created.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the check runs after the answer
    expect(noSuperAdminWarnings()).toHaveLength(1);
    expect(noSuperAdminWarnings()[0]).toContain('npx strapi admin:create-user');

    // And Strapi's registration page really is closed now: the warning is about a real dead end.
    const register = await request('POST', `${app.origin}/admin/register-admin`, {
      email: 'late@example.com', firstname: 'Late', lastname: 'Owner', password: 'Late-Passw0rd!',
    }, { contentType: 'application/json' });
    expect(register.status).toBe(400);
  });

  test('the create path looks at most once a minute: more creates, no more warnings', async () => {
    for (const name of ['second@example.com', 'third@example.com']) {
      expect((await scimClient(app.scimUrl, app.scimToken).post('/Users', user(name))).status).toBe(201);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(noSuperAdminWarnings()).toHaveLength(1);
  });
});
