/**
 * Settings → Identity bridge → Provisioning log and Identities, in real headless Chromium against the playground's
 * built admin panel (one app boot, a loopback SMTP server for invitations, deprovision safety set to hold every
 * deactivation after the first, an OpenID provider on 127.0.0.1). Grace signs in through SSO; a SCIM token made by
 * the Super Admin provisions people and a group, patches one, fails once and deactivates three; a second token
 * makes a group. The log page lists it, pages it, filters it (outcome, name, type, operation, token, SSO
 * connection, time), shows an entry's changed attributes and exports CSV with the same filters, and says when
 * its filter choices fail to load. The Identities page shows people's roles and folders (SCIM or SSO sign-ins),
 * a person's metadata, re-applies the mapping, re-sends an invitation, shows what each group maps to, and
 * approves / rejects the held deactivations. An Editor opens neither page. Every page and dialog is saved under
 * test-output/screenshots/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { adminUserByEmail } from '../integration/helpers/admin';
import { request, scimClient, type ScimClient } from '../integration/helpers/http';
import { launchBrowser, shotWholePage, signInWithPassword } from './helpers/browser';
import { asSignedIn, createAdminUser, createOwnerAndEditor, openSettingsPage as openSettingsPageOf, OWNER, EDITOR, type Person } from './helpers/admin';
import { startRecipientSink, type RecipientSink } from './helpers/smtp';
import { startOidcProvider, type TestOidcProvider } from '../integration/helpers/oidc-provider';
import { TestBrowser } from '../integration/helpers/oidc-browser';

const AUDITOR: Person = { email: 'auditor@example.com', password: 'Auditor-Passw0rd!' };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';
const TEAM = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_SECRET = 'test-client-secret-with-enough-entropy';

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
let idp: TestOidcProvider;
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
        attributes: [
          { key: 'folders', scimPath: FOLDERS, multiValued: true },
          { key: 'team', scimPath: TEAM, multiValued: false },
        ],
        policy: {
          roleRules: [
            { id: 'editors-group', when: [{ source: { type: 'group' }, op: 'equals', value: 'Editors' }], roles: ['strapi-editor'] },
            { id: 'designers-by-id', when: [{ source: { type: 'group', by: 'externalId' }, op: 'equals', value: 'grp-designers' }], roles: ['strapi-author'] },
          ],
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
  idp = await startOidcProvider({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${app.origin}/api/sso/contoso/callback`, `${app.origin}/api/sso/fabrikam/callback`],
    accounts: [{ login: 'grace', oid: '00000000-0000-4000-8000-00000000a0ce', email: 'grace@contoso.example', givenName: 'Grace', familyName: 'Hopper' }],
  });
  // Two connections: Grace signs in through Contoso; nobody through Fabrikam.
  for (const [id, name] of [['contoso', 'Contoso'], ['fabrikam', 'Fabrikam']] as const) {
    const created = await adminApi('POST', '/sso/connections', { id, type: 'oidc', name, provider: 'entra', issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, jit: true });
    if (created.status !== 201) throw new Error(`creating connection ${id}: ${created.status} ${created.text}`);
  }
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
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
/** The log's "Rows per page" select, found through its pager (the select's own accessible name is list-controls' business). */
const rowsPerPage = () => page.getByRole('navigation', { name: 'Provisioning log pages' }).getByRole('combobox');
const range = (text: string) => page.getByTestId('pager-range').getByText(text, { exact: true }).waitFor();

/** A `datetime-local` value (the browser's local time, minute precision) for `date`; Chromium runs in this machine's time zone. */
const localMinute = (date: Date) => {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
};

/** An admin API path answering 500 until `restore()`: for the "could not load" states. */
async function failing(path: RegExp) {
  const handler = (route: import('playwright-core').Route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { status: 500, name: 'InternalServerError', message: 'database unavailable' } }) });
  await page.route(path, handler);
  return { restore: () => page.unroute(path, handler) };
}

async function waitForInvitations(address: string, count: number) {
  for (let attempt = 0; attempt < 150 && smtp.count(address) < count; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(smtp.count(address)).toBe(count);
}

describe('provisioning through a token the Super Admin made', () => {
  test('an SSO sign-in, the tokens, then SCIM: four people, two groups, a PATCH, a refused request, three deactivations', async () => {
    // Grace signs in through Contoso (a JIT admin user, no SCIM identity): the oldest log entry.
    const signIn = await new TestBrowser().navigate(`${app.origin}/api/sso/contoso/login?login_hint=grace`, {
      stopAt: (location) => location.origin === app.origin && location.pathname.startsWith('/admin'),
    });
    expect(signIn.status).toBe(302);
    expect((await adminUserByEmail(app, 'grace@contoso.example')).isActive).toBe(true);

    const directoryId = (await adminApi('GET', '/directories')).body.data[0].id;
    const token = await adminApi('POST', '/tokens', { name: 'Entra production', directoryId });
    expect(token.status).toBe(201);
    scim = scimClient(app.scimUrl, token.body.data.secret);
    const folders: Record<string, string[]> = { ann: ['Teams/ann'], ben: ['Teams/ben'], cat: ['Teams/cat'], dan: ['Teams/dan', 'Shared/brand', 'Shared/legal', 'Shared/press', 'Archive'] };
    for (const name of ['ann', 'ben', 'cat', 'dan']) {
      const reply = await scim.post('/Users', person(`${name}@example.com`, { [FOLDERS]: folders[name], ...(name === 'ann' ? { [TEAM]: 'Marketing' } : {}) }));
      expect(reply.status).toBe(201);
      scimIds[name] = reply.body.id;
    }
    const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Editors', members: [{ value: scimIds.ann }] });
    expect(group.status).toBe(201);
    // A second token (another directory's connector) makes the Designers group, known to the rules by its external id.
    const staging = await adminApi('POST', '/tokens', { name: 'Okta staging', directoryId });
    expect(staging.status).toBe(201);
    const designers = await scimClient(app.scimUrl, staging.body.data.secret).post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Designers',
      externalId: 'grp-designers',
    });
    expect(designers.status).toBe(201);
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
    // Sign-in + 4 creates + 2 groups + patch + refused create + 3 deactivations (1 applied, 2 held).
    await range('1–12 of 12');
    const first = logRows().first();
    await expect(first.textContent()).resolves.toContain('dan@example.com');
    await expect(first.textContent()).resolves.toContain('Held for approval');
    await expect(first.textContent()).resolves.toContain('Entra production');
    // Operations and methods by their labels, not their codes.
    await expect(first.textContent()).resolves.toContain('Update user');
    await expect(first.textContent()).resolves.not.toContain('patchUser');
    await shot(page, 'log');
  });

  test('paging: 10 a page, the next page has the other 2 (the oldest: the SSO sign-in)', async () => {
    await rowsPerPage().click();
    await page.getByRole('option', { name: '10', exact: true }).click();
    await range('1–10 of 12');
    expect(await logRows().count()).toBe(10);
    await page.getByRole('button', { name: 'Next' }).click();
    await range('11–12 of 12');
    expect(await logRows().count()).toBe(2);
    await expect(logRows().last().textContent()).resolves.toContain('grace@contoso.example');
    await page.getByText('Page 2 of 2').waitFor();
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await shot(page, 'log-page-2');
    await page.getByRole('button', { name: 'Previous' }).click();
    await range('1–10 of 12');
    await rowsPerPage().click();
    await page.getByRole('option', { name: '25', exact: true }).click();
    await range('1–12 of 12');
  });

  test('filters: failed requests only, then a name search with a type', async () => {
    await choose('Outcome', 'Failed');
    await range('1–1 of 1');
    await expect(logRows().first().textContent()).resolves.toContain('409');
    await shot(page, 'log-filtered-failed');
    await choose('Outcome', 'Any');
    await page.getByLabel('User or group').fill('ben');
    await range('1–3 of 3'); // create, patch, deactivation
    await choose('Type', 'User');
    await range('1–3 of 3');
  });

  test('the detail dialog shows the changed attributes of the PATCH', async () => {
    await choose('Operation', 'Update user');
    await range('1–2 of 2');
    // Oldest of the two: the displayName PATCH (the newer one is the deactivation).
    await logRows().nth(1).getByRole('button', { name: 'Details: Update user, ben@example.com' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('log-changed').waitFor();
    expect(await dialog.getByTestId('log-changed').textContent()).toContain('displayName');
    await dialog.getByText('Only attribute names are logged, never their values.').waitFor();
    // The label, and the codes as the CSV export has them.
    await dialog.getByText('Update user', { exact: true }).waitFor();
    await dialog.getByText('PATCH patchUser', { exact: true }).waitFor();
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
    await range('1–12 of 12');
  });

  test('by token: the second token made one group, the first everything else of SCIM', async () => {
    await choose('Token', 'Okta staging');
    await range('1–1 of 1');
    await expect(logRows().first().textContent()).resolves.toContain('Designers');
    await expect(logRows().first().textContent()).resolves.toContain('Create group');
    await choose('Token', 'Entra production');
    await range('1–10 of 10');
    await shot(page, 'log-filtered-token');
    await choose('Token', 'Any');
    await range('1–12 of 12');
  });

  test('by SSO connection: Grace\'s sign-in through Contoso; nothing through Fabrikam', async () => {
    await choose('SSO connection', 'Contoso');
    await range('1–1 of 1');
    const row = await logRows().first().textContent();
    expect(row).toContain('SSO sign-in');
    expect(row).toContain('grace@contoso.example');
    expect(row).toContain('SSO connection contoso');
    await shot(page, 'log-filtered-connection');
    await choose('SSO connection', 'Fabrikam');
    await page.getByTestId('log-empty').getByText('No entry matches these filters.').waitFor();
    expect(await page.getByTestId('log-table').count()).toBe(0);
    await shot(page, 'log-filtered-connection-empty');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await range('1–12 of 12');
  });

  test('by time: From and Until split the log at a moment (the five create requests logged two hours earlier)', async () => {
    // Back-date the create requests (4 made, 1 refused), as if sent two hours ago: the log orders by time.
    await app.strapi.db.query('plugin::identity-bridge.event').updateMany({ where: { operation: 'createUser' }, data: { createdAt: new Date(Date.now() - 2 * 3600_000) } });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const anHourAgo = localMinute(new Date(Date.now() - 3600_000));
    await page.getByLabel('From', { exact: true }).fill(anHourAgo);
    await range('1–7 of 7');
    expect((await logRows().allTextContents()).some((text) => text.includes('Create user'))).toBe(false);
    await shot(page, 'log-filtered-since');
    await page.getByLabel('From', { exact: true }).fill('');
    await page.getByLabel('Until', { exact: true }).fill(anHourAgo);
    await range('1–5 of 5');
    for (const text of await logRows().allTextContents()) expect(text).toContain('Create user');
    await page.getByLabel('From', { exact: true }).fill(localMinute(new Date(Date.now() - 3 * 3600_000)));
    await range('1–5 of 5');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await range('1–12 of 12');
  });

  test('token or connection choices that fail to load say so, with a Retry that brings them back', async () => {
    const tokens = await failing(/\/identity-bridge\/tokens(\?|$)/);
    const connections = await failing(/\/identity-bridge\/sso\/connections$/);
    await page.reload();
    await page.getByTestId('log-table').waitFor({ timeout: 60_000 });
    const tokenFilter = page.getByTestId('filter-tokenId');
    await tokenFilter.getByText('Could not load the tokens: database unavailable').waitFor();
    expect(await page.getByRole('combobox', { name: 'Token' }).isDisabled()).toBe(true);
    await page.getByTestId('filter-connectionId').getByText('Could not load the SSO connections: database unavailable').waitFor();
    await shot(page, 'log-filter-options-failed');
    await tokens.restore();
    await connections.restore();
    await page.getByRole('button', { name: 'Retry loading the tokens' }).click();
    await page.getByRole('button', { name: 'Retry loading the SSO connections' }).click();
    await tokenFilter.getByText('Could not load the tokens', { exact: false }).waitFor({ state: 'detached' });
    expect(await page.getByRole('combobox', { name: 'Token' }).isDisabled()).toBe(false);
    await choose('Token', 'Okta staging');
    await range('1–1 of 1');
    await choose('SSO connection', 'Contoso');
    await page.getByTestId('log-empty').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await range('1–12 of 12');
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
    // SCIM by default: Grace (SSO only) is not in this list.
    await range('1–4 of 4');
    expect(await page.getByTestId('identity-row-grace@contoso.example').count()).toBe(0);
    // Folders in the row: Ann's one; Dan's five as two chips and "+3" (the rest read out and on hover).
    expect(await page.getByTestId('identity-folders-ann@example.com').textContent()).toBe('Teams/ann');
    const danFolders = page.getByTestId('identity-folders-dan@example.com');
    await danFolders.getByText('Archive', { exact: true }).waitFor();
    await danFolders.getByText('Shared/brand', { exact: true }).waitFor();
    await danFolders.getByText('+3', { exact: true }).waitFor();
    expect(await danFolders.getByText('Teams/dan', { exact: true }).count()).toBe(0);
    expect(await danFolders.textContent()).toContain('3 more: Shared/legal, Shared/press, Teams/dan');
    // The whole table fits the 1280-px window: nothing scrolls sideways.
    const overflowing = await page.getByTestId('identities-table').evaluate((table) => {
      const wide: string[] = [];
      for (let element: HTMLElement | null = table as HTMLElement; element && element !== document.body; element = element.parentElement) {
        if (element.scrollWidth > element.clientWidth + 1) wide.push(`${element.tagName} ${element.scrollWidth} > ${element.clientWidth}`);
      }
      // The column widths, to see which one to narrow when this fails.
      if (wide.length > 0) wide.push(Array.from(table.querySelectorAll('th'), (th) => th).map((th) => Math.round(th.getBoundingClientRect().width)).join(' '));
      return wide;
    });
    expect(overflowing).toEqual([]);
    await shot(page, 'identities');
    await page.getByLabel('Search').fill('ca');
    await range('1–1 of 1');
    await page.getByLabel('Search').fill('');
    await range('1–4 of 4');
  });

  test('Source is SCIM or SSO (no "Any"); SSO sign-ins list Grace, with Directory and Status disabled and saying why', async () => {
    await page.getByRole('combobox', { name: 'Source' }).click();
    expect(await page.getByRole('option', { name: 'Any', exact: true }).count()).toBe(0);
    await page.getByRole('option', { name: 'SSO sign-in', exact: true }).click();
    await range('1–1 of 1');
    const grace = page.getByTestId('identity-row-grace@contoso.example');
    expect(await grace.locator('td').nth(1).textContent()).toBe('SSOcontoso'); // source: SSO over the connection
    await expect(grace.textContent()).resolves.toContain('Author');
    await expect(grace.textContent()).resolves.toContain('SSO only');
    expect(await page.getByRole('combobox', { name: 'Directory' }).isDisabled()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'Status' }).isDisabled()).toBe(true);
    await page.getByText('Does not apply to SSO sign-ins: they belong to no directory.').waitFor();
    await page.getByText('Does not apply to SSO sign-ins.', { exact: true }).waitFor();
    await shot(page, 'identities-sso');
    await choose('Source', 'SCIM provisioning');
    await range('1–4 of 4');
    expect(await page.getByRole('combobox', { name: 'Directory' }).isDisabled()).toBe(false);
    await choose('Status', 'Deactivated');
    await range('1–1 of 1');
    await page.getByTestId('identity-row-ben@example.com').waitFor();
    await choose('Status', 'Any');
    await range('1–4 of 4');
  });

  test('a person\'s detail: admin roles, mapped roles, folders, groups, the rules explained', async () => {
    await page.getByRole('button', { name: 'Open ann@example.com' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('identity-detail').waitFor();
    expect(await dialog.getByTestId('identity-roles').textContent()).toBe('Editor');
    expect(await dialog.getByTestId('identity-mapped-roles').textContent()).toBe('strapi-editor');
    expect(await dialog.getByTestId('identity-folders').textContent()).toBe('Teams/ann');
    expect(await dialog.getByTestId('identity-groups').textContent()).toBe('Editors');
    // Metadata: every declared attribute's values, from the mapping snapshot (team from the Metadata extension).
    expect(await dialog.getByTestId('identity-metadata-team').textContent()).toBe('Marketing');
    await dialog.getByText('Metadata: team', { exact: true }).waitFor();
    expect(await dialog.getByTestId('identity-metadata-folders').textContent()).toBe('Teams/ann');
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
    await dialog.getByTestId('identity-events').getByText('Mapping re-applied', { exact: true }).first().waitFor();
    await dialog.getByTestId('identity-events').getByText('Admin action', { exact: true }).first().waitFor();
    await dialog.getByTestId('identity-events').getByText('Create user', { exact: true }).waitFor();
    await dialog.getByTestId('identity-events').getByText('changed: adminRoles').waitFor();

    await dialog.getByRole('button', { name: 'Re-send invitation' }).click();
    await page.getByText('Invitation sent to ann@example.com').first().waitFor();
    await waitForInvitations('ann@example.com', 2);
    await shot(page, 'identity-actions');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('groups with member counts, what they map to, and a group\'s members', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const editors = page.getByTestId('group-row-Editors');
    await editors.waitFor();
    await expect(editors.textContent()).resolves.toMatch(/Editors.*Default.*1/);
    // By display name (Editors) and by external id (Designers), with the rule that gives each role.
    expect(await page.getByTestId('group-maps-to-Editors').textContent()).toBe('EditorRule: editors-group');
    expect(await page.getByTestId('group-maps-to-Designers').textContent()).toBe('AuthorRule: designers-by-id');
    await expect(page.getByTestId('group-row-Designers').textContent()).resolves.toMatch(/Designers.*grp-designers.*Default.*0/);
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

  test('the directories and the staged count that fail to load say so, with Retry', async () => {
    const directories = await failing(/\/identity-bridge\/directories$/);
    const count = await failing(/\/identity-bridge\/deprovisions\?status=staged&pageSize=1$/);
    await page.reload();
    await page.getByTestId('identities-table').waitFor({ timeout: 60_000 });
    await page.getByTestId('filter-directory').getByText('Could not load the directories: database unavailable').waitFor();
    expect(await page.getByRole('combobox', { name: 'Directory' }).isDisabled()).toBe(true);
    const notice = page.getByTestId('staged-count-error');
    await notice.getByText('Could not count the staged deactivations: database unavailable').waitFor();
    await shot(page, 'identities-load-failed');
    await directories.restore();
    await count.restore();
    await page.getByRole('button', { name: 'Retry loading the directories' }).click();
    await notice.getByRole('button', { name: 'Retry' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.getByTestId('filter-directory').getByText('Could not load the directories', { exact: false }).waitFor({ state: 'detached' });
    await choose('Directory', 'Default');
    await range('1–4 of 4');
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
