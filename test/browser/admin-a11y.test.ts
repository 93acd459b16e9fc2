/**
 * Accessibility of the plugin's settings pages, in real headless Chromium against the playground's built admin
 * panel, on pages full of data (tokens live and revoked, an OIDC and a SAML connection, rules with a preview,
 * log entries, people, a group, a held deactivation):
 * - axe-core (the WCAG 2.1 A/AA rules and axe's best practices) finds nothing on any page or dialog. Only the
 *   plugin's part of the page is audited — the page's `main` and the dialogs it opens — not Strapi's own menu;
 * - a person without a mouse creates a token: Tab reaches the button, the dialog takes the focus, Enter
 *   submits, Escape closes, and the focus comes back to where it was;
 * - when the admin API fails, each block says so with a Retry that works, and the rest of the page stays usable.
 */
import type { Browser, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { request, scimClient } from '../integration/helpers/http';
import { TestIdp } from '../unit/sso/saml/helpers/saml-idp';
import { launchBrowser, shotWholePage, signInWithPassword } from './helpers/browser';
import { createOwnerAndEditor, openSettingsPage, OWNER } from './helpers/admin';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';
const AXE_SOURCE = require.resolve('axe-core/axe.min.js');

let app: TestApp;
let browser: Browser;
let page: Page;
let ownerToken: string;

const adminApi = async (method: string, path: string, body?: unknown) => {
  const reply = await request(method, `${app.origin}/identity-bridge${path}`, body, { token: ownerToken, contentType: 'application/json' });
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

const person = (userName: string, folders: string[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  displayName: userName.split('@')[0],
  name: { givenName: userName.split('@')[0], familyName: 'Example' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  [FOLDERS]: folders,
});

beforeAll(async () => {
  app = await bootApp({
    adminPanel: true,
    pluginConfig: { deprovisionSafety: { maxCount: 1, maxShare: 1, windowMinutes: 60 } },
  });
  ownerToken = await createOwnerAndEditor(app);

  // Something on every page: tokens (one revoked), people, a group, a refused request, a held deactivation.
  const directoryId = (await adminApi('GET', '/directories')).data[0].id;
  const token = (await adminApi('POST', '/tokens', { name: 'Entra production', description: 'Enterprise app "Strapi"', directoryId })).data;
  const old = (await adminApi('POST', '/tokens', { name: 'Entra 2025', directoryId })).data;
  await adminApi('POST', `/tokens/${old.id}/revoke`);
  await adminApi('PUT', '/mapping', {
    expectedVersion: 0,
    attributes: [{ key: 'folders', scimPath: FOLDERS, multiValued: true }],
    policy: {
      roleRules: [{ id: 'editors-group', when: [{ source: { type: 'group' }, op: 'equals', value: 'Editors' }], roles: ['strapi-editor'] }],
      unmatched: { action: 'defaultRole', role: 'strapi-author' },
      allowSuperAdmin: false,
      foldersAttribute: 'folders',
    },
    content: [],
  });
  const scim = scimClient(app.scimUrl, token.secret);
  const ids: string[] = [];
  for (const name of ['ann', 'ben', 'cat']) ids.push((await scim.post('/Users', person(`${name}@example.com`, [`Teams/${name}`]))).body.id);
  expect((await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Editors', members: [{ value: ids[0] }] })).status).toBe(201);
  expect((await scim.post('/Users', person('ann@example.com', []))).status).toBe(409);
  for (const id of ids.slice(1)) {
    expect((await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
  }
  await adminApi('POST', '/sso/connections', {
    type: 'oidc',
    id: 'entra',
    name: 'Entra ID',
    issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
    clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    clientSecret: 'a-secret-for-the-accessibility-test',
    jit: true,
  });
  await adminApi('POST', '/sso/connections', {
    type: 'saml',
    id: 'okta-saml',
    name: 'Okta SAML',
    spEntityId: `${app.origin}/api/sso/okta-saml/metadata`,
    idpMetadataXml: new TestIdp().metadataXml(),
  });

  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signInWithPassword(page, app.origin, OWNER.email, OWNER.password);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>;
}

/**
 * Runs axe-core over the plugin's part of the page (its `main`, and any open dialog) and returns what it found,
 * one line per element, so a failure names the rule and the element.
 */
async function audit(target: Page): Promise<string[]> {
  if (!(await target.evaluate(() => 'axe' in window))) await target.addScriptTag({ path: AXE_SOURCE });
  const violations = await target.evaluate(async () => {
    const include = ['main', '[role="dialog"]', '[role="alertdialog"]'].filter((selector) => document.querySelector(selector)).map((selector) => [selector]);
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run({ include }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations;
  });
  return (violations as AxeViolation[]).flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${violation.help} — ${node.html.slice(0, 160)} — ${node.failureSummary ?? ''}`)
  );
}

async function expectAccessible(name: string) {
  // Away from the last button clicked: the design system's hover shade of its primary button is its own, not ours.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300); // dialogs and accordions animate in
  const found = await audit(page);
  if (found.length > 0) await shotWholePage(page, `a11y-${name}`);
  expect(found).toEqual([]);
}

const open = (linkName: string) => openSettingsPage(page, app.origin, linkName);

describe('axe-core finds nothing to fix', () => {
  test('Provisioning: tenant URL, status, directories with live and revoked tokens, guides', async () => {
    await open('Provisioning (SCIM)');
    await page.getByTestId('token-Entra production').waitFor();
    await page.getByRole('button', { name: 'Show revoked tokens of Default' }).click();
    await page.getByRole('grid', { name: 'Revoked tokens of Default' }).waitFor();
    await page.getByRole('button', { name: 'Microsoft Entra ID' }).click();
    await expectAccessible('provisioning');
  });

  test('Provisioning dialogs: new directory, new token (with its error), the secret shown once, revoke', async () => {
    await page.getByRole('button', { name: 'Add directory' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').getByText('Give the directory a name.').waitFor();
    await expectAccessible('directory-dialog');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Create token in Default' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Okta production');
    await expectAccessible('token-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('secret-modal').waitFor();
    await expectAccessible('secret-dialog');
    await page.getByRole('button', { name: 'I have copied it' }).click();

    await page.getByRole('button', { name: 'Revoke token Okta production' }).click();
    await page.getByRole('alertdialog').waitFor();
    await expectAccessible('revoke-dialog');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
  });

  test('Connections: an OIDC and a SAML card, the login policy, and both forms', async () => {
    await open('Connections (SSO)');
    await page.getByTestId('connection-okta-saml').waitFor();
    await expectAccessible('connections');
    await page.getByRole('button', { name: 'Edit connection Entra ID' }).click();
    await page.getByRole('dialog').getByLabel('Client ID').waitFor();
    await expectAccessible('connection-oidc-form');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Add SAML connection' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expectAccessible('connection-saml-form');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  test('Attribute mapping: rules, preview and explain', async () => {
    await open('Attribute mapping');
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await page.getByText(/changes out of/).waitFor();
    await page.getByLabel('userName or email').fill('ann@example.com');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByText('editors-group').last().waitFor();
    await expectAccessible('mapping');
  });

  test('Provisioning log: entries, filters, pager and an entry\'s detail', async () => {
    await open('Provisioning log');
    await page.getByTestId('log-table').waitFor();
    await expectAccessible('log');
    await page.getByTestId('log-table').locator('tbody tr').first().getByRole('button').click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible('log-detail');
    await page.keyboard.press('Escape');
  });

  test('Identities: people, a person\'s detail, groups, staged deactivations', async () => {
    await open('Identities');
    await page.getByTestId('identities-table').waitFor();
    await expectAccessible('identities');
    await page.getByRole('button', { name: 'Open ann@example.com' }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible('identity-detail');
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByText('Editors').first().waitFor();
    await expectAccessible('identities-groups');
    await page.getByRole('tab', { name: /Staged deactivations/ }).click();
    await page.getByText('cat@example.com').waitFor();
    await expectAccessible('identities-staged');
  });
});

describe('without a mouse', () => {
  test('a token is created from the keyboard alone; the focus goes into the dialog and back', async () => {
    await open('Provisioning (SCIM)');
    const trigger = page.getByRole('button', { name: 'Create token in Default' });
    await trigger.waitFor();
    await page.getByRole('heading', { name: 'Directories and tokens' }).click(); // a starting point above the button
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses += 1) {
      await page.keyboard.press('Tab');
      reached = await trigger.evaluate((element) => element === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await dialog.getByLabel('Name').focus();
    await page.keyboard.type('Keyboard token');
    await page.keyboard.press('Enter'); // submits the form
    await page.getByTestId('secret-modal').waitFor();
    expect(await page.getByRole('dialog').evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('secret-modal').waitFor({ state: 'detached' });
    await page.getByTestId('token-Keyboard token').waitFor();
    // Back where the person was, not at the top of the document.
    expect(await trigger.evaluate((element) => element === document.activeElement)).toBe(true);
  });
});

describe('when the admin API fails', () => {
  test('each block says what could not be loaded, offers Retry, and Retry loads it', async () => {
    let failing = true;
    await page.route('**/identity-bridge/events?**', (route) =>
      failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { status: 500, name: 'InternalServerError', message: 'database unavailable' } }) }) : route.continue()
    );
    await open('Provisioning log');
    const notice = page.getByText('Could not load the provisioning log: database unavailable');
    await notice.waitFor();
    // The filters still work while the entries do not load.
    await page.getByLabel('User or group').fill('ann');
    await shotWholePage(page, 'log-load-error');
    failing = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByTestId('log-table').waitFor();
    expect(await notice.count()).toBe(0);
    await page.unroute('**/identity-bridge/events?**');
  });
});
