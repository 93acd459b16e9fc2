/**
 * The browser harness itself: the playground's built admin panel, served by a real Strapi app, loads in
 * headless Chromium, a Super Admin signs in through Strapi's own form and reaches the dashboard. The plugin's
 * admin bundle loads with it (it adds nothing to the login page while no SSO connection exists).
 */
import type { Browser, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { createSuperAdmin } from '../integration/helpers/admin';
import { launchBrowser, screenshot, signInWithPassword } from './helpers/browser';

let app: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await bootApp({ adminPanel: true });
  await createSuperAdmin(app);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('the login page shows Strapi\'s form and no SSO links while no connection exists', async () => {
  await page.goto(`${app.origin}/admin/auth/login`);
  await page.getByRole('button', { name: /login/i }).waitFor();
  await screenshot(page, 'login');
  expect(await page.locator('#identity-bridge-sso').count()).toBe(0);
});

test('a Super Admin signs in with a password and reaches the dashboard', async () => {
  await signInWithPassword(page, app.origin, 'owner@example.com', 'Owner-Passw0rd!');
  await page.getByText(/hello owner/i).waitFor({ timeout: 60_000 });
  await screenshot(page, 'dashboard');
  expect(new URL(page.url()).pathname).toMatch(/^\/admin\/?$/);
});
