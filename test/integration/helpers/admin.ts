/** Admin-side helpers: a Super Admin to call the admin API with, and look-ups of admin users. */
import { request } from './http';
import type { TestApp } from './app';

export async function createSuperAdmin(app: TestApp, email = 'owner@example.com', password = 'Owner-Passw0rd!') {
  const role = await app.strapi.service('admin::role').getSuperAdmin();
  await app.strapi.service('admin::user').create({
    email,
    password,
    firstname: 'Owner',
    lastname: 'Example',
    isActive: true,
    registrationToken: null,
    roles: [role.id],
  });
  return login(app, email, password);
}

/** Logs in through Strapi's own admin login and returns an access token for `Authorization: Bearer`. */
export async function login(app: TestApp, email: string, password: string): Promise<string> {
  const reply = await request('POST', `${app.origin}/admin/login`, { email, password }, { contentType: 'application/json' });
  if (reply.status !== 200) throw new Error(`admin login failed: ${reply.status} ${reply.text}`);
  return reply.body.data.token as string;
}

export const adminUserByEmail = (app: TestApp, email: string) =>
  app.strapi.db.query('admin::user').findOne({ where: { email: email.toLowerCase() }, populate: ['roles'] });
