/**
 * What the admin-page browser tests share: the people they sign in as (a Super Admin who owns the app, an Editor
 * who must be refused the plugin's pages), opening a settings page through its menu link, and a page of its own
 * signed in as someone else (closed afterwards).
 */
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../../integration/helpers/app';
import { createSuperAdmin } from '../../integration/helpers/admin';
import { signInWithPassword } from './browser';

export interface Person {
  email: string;
  password: string;
}

export const OWNER: Person = { email: 'owner@example.com', password: 'Owner-Passw0rd!' };
export const EDITOR: Person = { email: 'editor@example.com', password: 'Editor-Passw0rd!' };

/** An admin user with the given roles (ids), active and past registration. */
export async function createAdminUser(app: TestApp, person: Person, firstname: string, lastname: string, roleIds: unknown[]): Promise<void> {
  await app.strapi.service('admin::user').create({
    email: person.email,
    password: person.password,
    firstname,
    lastname,
    isActive: true,
    registrationToken: null,
    roles: roleIds,
  });
}

/** The Super Admin OWNER and the Editor EDITOR (Strapi's built-in Editor role). Returns the owner's admin token. */
export async function createOwnerAndEditor(app: TestApp): Promise<string> {
  const ownerToken = await createSuperAdmin(app, OWNER.email, OWNER.password);
  const editorRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
  await createAdminUser(app, EDITOR, 'Eddie', 'Editor', [editorRole.id]);
  return ownerToken;
}

/** Settings, then the plugin's menu link `linkName` (as a person finds the page). */
export async function openSettingsPage(page: Page, origin: string, linkName: string): Promise<void> {
  await page.goto(`${origin}/admin/settings`);
  const link = page.getByRole('link', { name: linkName });
  await link.waitFor({ timeout: 60_000 });
  await link.click();
}

/** Runs `use` on a fresh page signed in as `person` (a context of its own, so the main page keeps its session). */
export async function asSignedIn(
  browser: Browser,
  origin: string,
  person: Person,
  use: (page: Page) => Promise<void>,
  viewport = { width: 1280, height: 800 },
): Promise<void> {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    await signInWithPassword(page, origin, person.email, person.password);
    await use(page);
  } finally {
    await context.close();
  }
}
