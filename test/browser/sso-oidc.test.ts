/**
 * The whole sign-in as a person does it, in real headless Chromium: Strapi's login page shows "Sign in with
 * Contoso" (placed by the plugin's admin bundle), the click goes to the OpenID provider (a real oidc-provider on
 * 127.0.0.1 with a sign-in form), and the person lands on Strapi's dashboard, signed in with their mapped role.
 */
import type { Browser, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { createSuperAdmin } from '../integration/helpers/admin';
import { request } from '../integration/helpers/http';
import { startOidcProvider, type TestOidcProvider } from '../integration/helpers/oidc-provider';
import { launchBrowser, screenshot } from './helpers/browser';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_SECRET = 'test-client-secret-with-enough-entropy';

let app: TestApp;
let idp: TestOidcProvider;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await bootApp({ adminPanel: true });
  const ownerToken = await createSuperAdmin(app);
  idp = await startOidcProvider({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${app.origin}/api/sso/contoso/callback`],
    accounts: [{ login: 'grace', oid: '00000000-0000-4000-8000-00000000a0ce', email: 'grace@contoso.example', givenName: 'Grace', familyName: 'Hopper' }],
  });
  const created = await request(
    'POST',
    `${app.origin}/identity-bridge/sso/connections`,
    { id: 'contoso', type: 'oidc', name: 'Contoso', provider: 'entra', issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, jit: true },
    { headers: { authorization: `Bearer ${ownerToken}` }, contentType: 'application/json' }
  );
  if (created.status !== 201) throw new Error(`creating the connection: ${created.status} ${created.text}`);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await app?.close();
});

test('"Sign in with Contoso" on Strapi\'s login page → the IdP\'s form → Strapi\'s dashboard, signed in', async () => {
  await page.goto(`${app.origin}/admin/auth/login`);
  const link = page.getByRole('link', { name: 'Sign in with Contoso' });
  await link.waitFor({ timeout: 30_000 });
  expect(await page.locator('nav[aria-label="Single sign-on"]').count()).toBe(1);
  await screenshot(page, 'login-with-sso');

  await link.click();
  await page.getByLabel('Account').waitFor({ timeout: 30_000 });
  await screenshot(page, 'idp-sign-in');
  await page.getByLabel('Account').fill('grace');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByText(/hello grace/i).waitFor({ timeout: 60_000 });
  await screenshot(page, 'dashboard-after-sso');
  expect(new URL(page.url()).pathname).toMatch(/^\/admin\/?$/);
  // Signed in as the person the IdP named, as a JIT-created admin user with the default role.
  const user = await app.strapi.db.query('admin::user').findOne({ where: { email: 'grace@contoso.example' }, populate: ['roles'] });
  expect(user.isActive).toBe(true);
  expect(user.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-author']);
});
