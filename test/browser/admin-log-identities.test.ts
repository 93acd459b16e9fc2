/**
 * Settings → Identity bridge → Provisioning log and Identities, in real headless Chromium against the playground's
 * built admin panel (one app boot, a loopback SMTP server for invitations, deprovision safety set to hold every
 * deactivation after the first). A SCIM token made by the Super Admin provisions people and a group, patches one,
 * fails once and deactivates three; the log page lists it, filters it, shows an entry's changed attributes and
 * exports CSV with the same filters; the Identities page shows a person's roles and folders, re-applies the
 * mapping, re-sends an invitation, and approves / rejects the held deactivations. An Editor opens neither page.
 * Every page and dialog is saved under test-output/screenshots/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { adminUserByEmail } from '../integration/helpers/admin';
import { request, scimClient, type ScimClient } from '../integration/helpers/http';
import { launchBrowser, shotWholePage, signInWithPassword } from './helpers/browser';
import { asSignedIn, createAdminUser, createOwnerAndEditor, openSettingsPage as openSettingsPageOf, OWNER, EDITOR, type Person } from './helpers/admin';
import { startRecipientSink, type RecipientSink } from './helpers/smtp';

const AUDITOR: Person = { email: 'auditor@example.com', password: 'Auditor-Passw0rd!' };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';

const person = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  externalId: `ext-${userName.split('@')[0]}`,
  displayName: `${userName[0]!.toUpperCase()}${userName.split('@')[0]!.slice(1)} Example`,
  name: { givenName: userName.split('@')[0], familyName: 'Example' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

let app: TestApp;
let smtp: RecipientSink;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ownerToken: string;
let scim: ScimClient;
const scimIds: Record<string, string> = {};

const adminApi = (method: string, path: string, body?: unknown) =>
  request(method, `${app.origin}/identity-bridge${path}`, body, { token: ownerToken, contentType: 'application/json' });

beforeAll(async () => {
  smtp = await startRecipientSink();
  app = await bootApp({
    adminPanel: true,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) },
    pluginConfig: {
      mapping: {
        attributes: [{ key: 'folders', scimPath: FOLDERS, multiValued: true }],
        policy: {
          roleRules: [{ id: 'editors-group', when: [{ source: { type: 'group' }, op: 'equals', value: 'Editors' }], roles: ['strapi-editor'] }],
          unmatched: { action: 'defaultRole', role: 'strapi-author' },
          allowSuperAdmin: false,
          foldersAttribute: 'folders',
        },
      },
      deprovisionSafety: { maxCount: 1, maxShare: 1, windowMinutes: 60 },
      invitations: { enabled: true, appName: 'Acme CMS' },
    },
  });
  ownerToken = await createOwnerAndEditor(app);
  // Read permission of the plugin only: may look at both pages, may not act.
  const auditorRole = await app.strapi.service('admin::role').create({ name: 'Auditor', description: 'Reads the provisioning log' });
  await app.strapi.service('admin::role').addPermissions(auditorRole.id, [{ action: 'plugin::identity-bridge.read', subject: null }]);
  await createAdminUser(app, AUDITOR, 'Audrey', 'Auditor', [auditorRole.id]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

const shot = (target: Page, name: string) => shotWholePage(target, name, 6000);
const openSettingsPage = (linkName: string) => openSettingsPageOf(page, app.origin, linkName);

/** Picks `option` in the labelled design-system select. */
async function choose(label: string, option: string) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const logRows = () => page.getByTestId('log-table').locator('tbody tr');

async function waitForInvitations(address: string, count: number) {
  for (let attempt = 0; attempt < 150 && smtp.count(address) < count; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(smtp.count(address)).toBe(count);
}

describe('provisioning through a token the Super Admin made', () => {
  test('the token, then SCIM: four people, a group, a PATCH, a refused request, three deactivations', async () => {
    const directoryId = (await adminApi('GET', '/directories')).body.data[0].id;
    const token = await adminApi('POST', '/tokens', { name: 'Entra production', directoryId });
    expect(token.status).toBe(201);
    scim = scimClient(app.scimUrl, token.body.data.secret);
    for (const name of ['ann', 'ben', 'cat', 'dan']) {
      const reply = await scim.post('/Users', person(`${name}@example.com`, { [FOLDERS]: [`Teams/${name}`] }));
      expect(reply.status).toBe(201);
      scimIds[name] = reply.body.id;
    }
    const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Editors', members: [{ value: scimIds.ann }] });
    expect(group.status).toBe(201);
    const patch = await scim.patch(`/Users/${scimIds.ben}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Benjamin Example' }] });
    expect(patch.status).toBe(200);
    expect((await scim.post('/Users', person('ann@example.com'))).status).toBe(409);
    for (const name of ['ben', 'cat', 'dan']) {
      const off = await scim.patch(`/Users/${scimIds[name]}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
      expect(off.status).toBe(200);
    }
    // Safety applied the first deactivation and holds the other two.
    expect((await adminUserByEmail(app, 'ben@example.com')).isActive).toBe(false);
    expect((await adminUserByEmail(app, 'cat@example.com')).isActive).toBe(true);
    await waitForInvitations('ann@example.com', 1);
  });
});

describe('Provisioning log', () => {
  test('lists the entries newest first, with token, operation, user/group and outcome', async () => {
    await signInWithPassword(page, app.origin, OWNER.email, OWNER.password);
    await openSettingsPage('Provisioning log');
    await page.getByRole('heading', { name: 'Provisioning log', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/settings/identity-bridge/log');
    await page.getByTestId('log-table').waitFor({ timeout: 60_000 });
    // 4 creates + group + patch + refused create + 3 deactivations (1 applied, 2 held).
    await page.getByText('1–10 of 10').waitFor();
    const first = logRows().first();
    await expect(first.textContent()).resolves.toContain('dan@example.com');
    await expect(first.textContent()).resolves.toContain('Held for approval');
    await expect(first.textContent()).resolves.toContain('Entra production');
    await shot(page, 'log');
  });

  test('filters: failed requests only, then a name search with a type', async () => {
    await choose('Outcome', 'Failed');
    await page.getByText('1–1 of 1').waitFor();
    await expect(logRows().first().textContent()).resolves.toContain('409');
    await shot(page, 'log-filtered-failed');
    await choose('Outcome', 'Any');
    await page.getByLabel('User or group').fill('ben');
    await page.getByText('1–3 of 3').waitFor(); // create, patch, deactivation
    await choose('Type', 'User');
    await page.getByText('1–3 of 3').waitFor();
  });

  test('the detail dialog shows the changed attributes of the PATCH', async () => {
    await choose('Operation', 'patchUser');
    await page.getByText('1–2 of 2').waitFor();
    // Oldest of the two: the displayName PATCH (the newer one is the deactivation).
    await logRows().nth(1).getByRole('button', { name: /Details of patchUser ben@example.com/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('log-changed').waitFor();
    expect(await dialog.getByTestId('log-changed').textContent()).toContain('displayName');
    await dialog.getByText('Only attribute names are logged, never their values.').waitFor();
    await shot(page, 'log-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('CSV export downloads the filtered entries', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^provisioning-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await file.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('createdAt,directoryId,tokenName,method,operation,resourceType,resourceName,resourceId,outcome,status,scimType,changed,detail');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toContain(',Entra production,PATCH,patchUser,User,ben@example.com,');
    expect(text).toContain('displayName');
    await page.getByText('CSV exported with the current filters').first().waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByText('1–10 of 10').waitFor();
  });
});

describe('Identities', () => {
  test('the new people with their status and roles; Ann has Editor from the Editors group', async () => {
    await openSettingsPage('Identities');
    await page.getByRole('heading', { name: 'Identities', level: 1 }).waitFor();
    await page.getByTestId('identities-table').waitFor({ timeout: 60_000 });
    const ann = page.getByTestId('identity-row-ann@example.com');
    await expect(ann.textContent()).resolves.toContain('Editor');
    await expect(ann.textContent()).resolves.toContain('Active');
    await expect(page.getByTestId('identity-row-ben@example.com').textContent()).resolves.toContain('Deactivated');
    // Cat's deactivation is held by deprovision safety: still active, shown as held.
    await expect(page.getByTestId('identity-row-cat@example.com').textContent()).resolves.toContain('Deactivation held');
    await shot(page, 'identities');
    await page.getByLabel('Search').fill('ca');
    await page.getByText('1–1 of 1').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByText('1–4 of 4').waitFor();
  });

  test('a person\'s detail: admin roles, mapped roles, folders, groups, the rules explained', async () => {
    await page.getByRole('button', { name: 'Open ann@example.com' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('identity-detail').waitFor();
    expect(await dialog.getByTestId('identity-roles').textContent()).toBe('Editor');
    expect(await dialog.getByTestId('identity-mapped-roles').textContent()).toBe('strapi-editor');
    expect(await dialog.getByTestId('identity-folders').textContent()).toBe('Teams/ann');
    expect(await dialog.getByTestId('identity-groups').textContent()).toBe('Editors');
    await dialog.getByText('Rule "editors-group" matched: strapi-editor').waitFor();
    await shot(page, 'identity-detail');
  });

  test('re-apply mapping restores roles changed by hand; re-send invitation mails again', async () => {
    const ann = await adminUserByEmail(app, 'ann@example.com');
    const author = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-author' } });
    await app.strapi.service('admin::user').updateById(ann.id, { roles: [author.id] });
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Re-apply mapping' }).click();
    await page.getByText('Mapping re-applied to ann@example.com').first().waitFor();
    expect((await adminUserByEmail(app, 'ann@example.com')).roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);
    await dialog.getByTestId('identity-events').getByText('ADMIN reapply-mapping').waitFor();
    await dialog.getByTestId('identity-events').getByText('changed: adminRoles').waitFor();

    await dialog.getByRole('button', { name: 'Re-send invitation' }).click();
    await page.getByText('Invitation sent to ann@example.com').first().waitFor();
    await waitForInvitations('ann@example.com', 2);
    await shot(page, 'identity-actions');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('groups with member counts, and a group\'s members', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const editors = page.getByTestId('group-row-Editors');
    await editors.waitFor();
    await expect(editors.textContent()).resolves.toMatch(/Editors.*Default.*1/);
    await shot(page, 'identities-groups');
    await editors.getByRole('button', { name: 'Members of Editors' }).click();
    await page.getByRole('dialog').getByTestId('group-members').getByText('ann@example.com').waitFor();
    await shot(page, 'identities-group-members');
    await page.keyboard.press('Escape');
  });

  test('staged deactivations: approve one (applied), reject the other (keeps access), each after a confirmation', async () => {
    await page.getByRole('tab', { name: /Staged deactivations/ }).click();
    await page.getByTestId('staged-row-cat@example.com').waitFor();
    await page.getByTestId('staged-row-dan@example.com').waitFor();
    await shot(page, 'identities-staged');

    await page.getByRole('button', { name: 'Approve for cat@example.com' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('The deactivation of cat@example.com is applied now').waitFor();
    await shot(page, 'identities-staged-confirm');
    await confirm.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved for cat@example.com').first().waitFor();
    await page.getByTestId('staged-row-cat@example.com').waitFor({ state: 'detached' });
    expect((await adminUserByEmail(app, 'cat@example.com')).isActive).toBe(false);

    await page.getByRole('button', { name: 'Reject for dan@example.com' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Rejected for dan@example.com').first().waitFor();
    await page.getByText('Nothing waits for approval.').waitFor();
    expect((await adminUserByEmail(app, 'dan@example.com')).isActive).toBe(true);
    await shot(page, 'identities-staged-done');
  });
});

describe('an auditor (read permission only)', () => {
  test('reads both pages, is told so, and finds the actions disabled', async () => {
    await asSignedIn(
      browser,
      app.origin,
      AUDITOR,
      async (auditorPage) => {
        await auditorPage.goto(`${app.origin}/admin/settings/identity-bridge/log`);
        await auditorPage.getByTestId('log-table').waitFor({ timeout: 60_000 });
        await auditorPage.getByText('You can view this page', { exact: false }).waitFor();
        await auditorPage.goto(`${app.origin}/admin/settings/identity-bridge/identities`);
        await auditorPage.getByRole('button', { name: 'Open ann@example.com' }).click();
        const dialog = auditorPage.getByRole('dialog');
        await dialog.getByTestId('identity-detail').waitFor();
        expect(await dialog.getByRole('button', { name: 'Re-apply mapping' }).isDisabled()).toBe(true);
        expect(await dialog.getByRole('button', { name: 'Re-send invitation' }).isDisabled()).toBe(true);
        await dialog.getByText('These actions need the', { exact: false }).waitFor();
        await shot(auditorPage, 'auditor-identity-read-only');
      },
      { width: 1280, height: 900 },
    );
  });
});

describe('an Editor', () => {
  test('sees neither page in the menu and gets "no permission" on their URLs', async () => {
    await asSignedIn(browser, app.origin, EDITOR, async (editorPage) => {
      await editorPage.goto(`${app.origin}/admin/settings`);
      await editorPage.waitForLoadState('networkidle');
      expect(await editorPage.getByRole('link', { name: 'Provisioning log' }).count()).toBe(0);
      expect(await editorPage.getByRole('link', { name: 'Identities' }).count()).toBe(0);
      for (const path of ['log', 'identities']) {
        await editorPage.goto(`${app.origin}/admin/settings/identity-bridge/${path}`);
        await editorPage.getByText("You don't have the permissions to access that content").waitFor({ timeout: 30_000 });
        expect(await editorPage.getByTestId('log-table').count()).toBe(0);
        expect(await editorPage.getByTestId('identities-table').count()).toBe(0);
      }
      await shot(editorPage, 'editor-no-log-permission');
    });
  });
});
