/**
 * The plugin's settings pages in real headless Chromium, against the playground's built admin panel (one app boot):
 * Settings → Identity bridge → Provisioning (SCIM): the Tenant URL, a token's secret shown once and then gone, the
 * token used by SCIM and seen in the status, revoked (SCIM then answers 401). Connections (SSO): an OIDC and a SAML
 * connection added through the forms, their fixed URLs, a server validation error shown next to the form, the secret
 * never in the page, disable (gone from the public list), edit, delete, the login policy's break-glass refusal.
 * An Editor sees no Identity bridge links and gets Strapi's "no permission" page on the URL.
 * Every page and dialog is saved under test-output/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { request, scimClient } from '../integration/helpers/http';
import { TestIdp } from '../unit/sso/saml/helpers/saml-idp';
import { SamlIdpServer } from '../integration/helpers/saml-idp-server';
import { launchBrowser, shotWholePage, signInWithPassword } from './helpers/browser';
import { asSignedIn, createOwnerAndEditor, openSettingsPage as openSettingsPageOf, OWNER, EDITOR } from './helpers/admin';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_SECRET = 'oidc-client-secret-that-must-never-reach-the-page';

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await bootApp({
    adminPanel: true,
    pluginConfig: {
      // Declared in the config: listed read-only (disabled, so the public list below holds only what the page adds).
      connections: [
        {
          id: 'declared-okta',
          type: 'oidc',
          name: 'Declared Okta',
          enabled: false,
          issuer: 'https://example.okta.com',
          clientId: 'declared-client',
          clientSecret: 'declared-secret-never-shown',
        },
      ],
    },
  });
  await createOwnerAndEditor(app);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const shot = (target: Page, name: string) => shotWholePage(target, name, 6000);

const valueOf = (testId: string) => page.getByTestId(testId).inputValue();

const openSettingsPage = (linkName: string) => openSettingsPageOf(page, app.origin, linkName);

describe('Provisioning (SCIM)', () => {
  let secret = '';

  test('Settings → Identity bridge → Provisioning shows the Tenant URL (copyable)', async () => {
    await signInWithPassword(page, app.origin, OWNER.email, OWNER.password);
    await page.goto(`${app.origin}/admin/settings`);
    await page.getByText('Identity bridge', { exact: true }).waitFor({ timeout: 60_000 });
    await shot(page, 'settings-nav');
    await openSettingsPage('Provisioning (SCIM)');
    await page.getByRole('heading', { name: 'Provisioning (SCIM)', level: 1 }).waitFor();
    await page.getByTestId('value-tenantUrl').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/settings/identity-bridge/provisioning');
    expect(await valueOf('value-tenantUrl')).toBe(`${app.origin}/api/scim/v2`);
    await page.getByRole('button', { name: 'Copy Tenant URL (SCIM base URL)' }).click();
    await page.getByText('Copied to the clipboard').first().waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${app.origin}/api/scim/v2`);
    await page.getByTestId('provisioning-status').waitFor();
    await shot(page, 'provisioning');
  });

  test('the Entra and Okta guides open with this instance\'s Tenant URL', async () => {
    const guides = page.locator('section[aria-labelledby="ib-guides"]');
    await guides.getByRole('button', { name: 'Microsoft Entra ID' }).click();
    await guides.getByText(`Tenant URL: ${app.origin}/api/scim/v2`).waitFor();
    await guides.getByRole('button', { name: 'Okta' }).click();
    await guides.getByText(`SCIM connector base URL: ${app.origin}/api/scim/v2`).waitFor();
    await shot(page, 'provisioning-guides');
  });

  test('a new token: the secret is shown once, in the modal; closed, it is gone from the page', async () => {
    await page.getByRole('button', { name: 'Create token in Default' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Browser token');
    await dialog.getByLabel('Description').fill('Made by the browser test');
    await shot(page, 'token-create');
    await dialog.getByRole('button', { name: 'Create' }).click();

    await page.getByTestId('secret-modal').waitFor();
    await page.getByText("Copy it now: you won't see it again.", { exact: false }).waitFor();
    secret = await valueOf('value-secret');
    expect(secret).toMatch(/^ibscim_[A-Za-z0-9_-]{20,}$/);
    await page.getByTestId('secret-modal').getByRole('button', { name: 'Microsoft Entra ID' }).click();
    await page.getByTestId('secret-modal').getByText(`Secret Token: ${secret}`).waitFor();
    await shot(page, 'token-secret');

    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByTestId('secret-modal').waitFor({ state: 'detached' });
    await page.getByTestId('token-Browser token').waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByTestId('token-Browser token').waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  test('SCIM accepts the token; the status shows its use and the logged requests', async () => {
    const scim = scimClient(app.scimUrl, secret);
    expect((await scim.get('/Users')).status).toBe(200);
    await page.reload();
    await page.getByTestId('status-last-token-use').getByText(/token Browser token/).waitFor();
    expect(await page.getByTestId('status-success').textContent()).toBe('0');

    const created = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@example.com',
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      active: true,
    });
    expect(created.status).toBe(201);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('status-last-request').getByText(/POST Create user → 201 \(Succeeded\), token Browser token/).waitFor();
    expect(await page.getByTestId('status-success').textContent()).toBe('1');
    expect(await page.getByTestId('status-failure').textContent()).toBe('0');
    await shot(page, 'provisioning-status');
  });

  test('the request made with that token is in the Provisioning log, and the person it made in Identities', async () => {
    await openSettingsPage('Provisioning log');
    const entry = page.getByTestId('log-table').locator('tbody tr').first();
    await entry.waitFor({ timeout: 60_000 });
    for (const text of ['Create user', 'Browser token', 'ada@example.com', 'Succeeded', 'HTTP 201']) await expect(entry.textContent()).resolves.toContain(text);
    await shot(page, 'proof-log');

    await openSettingsPage('Identities');
    const ada = page.getByTestId('identity-row-ada@example.com');
    await ada.waitFor({ timeout: 60_000 });
    for (const text of ['ada@example.com', 'SCIM', 'Default', 'Active']) await expect(ada.textContent()).resolves.toContain(text);
    await shot(page, 'proof-identities');
    await openSettingsPage('Provisioning (SCIM)');
    await page.getByTestId('token-Browser token').waitFor();
  });

  test('revoke (confirmed) → SCIM answers 401', async () => {
    await page.getByRole('button', { name: 'Revoke token Browser token' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('Revoke this token?').waitFor();
    await shot(page, 'token-revoke');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    // Gone from the live tokens; listed, page by page, among the revoked ones on request.
    await page.getByTestId('token-Browser token').waitFor({ state: 'detached' });
    const directory = page.getByTestId('directory-Default');
    await directory.getByRole('button', { name: 'Show revoked tokens of Default' }).click();
    const revoked = page.getByRole('grid', { name: 'Revoked tokens of Default' });
    await revoked.getByTestId('token-Browser token').getByText('Revoked', { exact: true }).waitFor();
    expect(await revoked.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    expect(await directory.getByRole('grid', { name: 'Tokens of Default', exact: true }).getByTestId('token-Browser token').count()).toBe(0);
    expect((await scimClient(app.scimUrl, secret).get('/Users')).status).toBe(401);
    await shot(page, 'provisioning-revoked');
  });

  test('a directory is added through its form; a missing name is said before anything is sent', async () => {
    await page.getByRole('button', { name: 'Add directory' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Give the directory a name.').waitFor();
    await shot(page, 'directory-create');
    await dialog.getByLabel('Name').fill('Okta production');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('directory-Okta production').getByText('No token in this directory yet', { exact: false }).waitFor();
  });

  test('a directory with more live tokens than a page: paged, and revoking the last page\'s only token goes back a page', async () => {
    const directoryId = (await app.strapi.plugin('identity-bridge').service('admin').listDirectories()).find((directory: { name: string }) => directory.name === 'Okta production').id;
    const tokens = app.strapi.plugin('identity-bridge').service('admin');
    for (let n = 1; n <= 26; n += 1) await tokens.createToken({ name: `Rotation ${String(n).padStart(2, '0')}`, directoryId });
    await page.reload();
    const block = page.getByTestId('directory-Okta production');
    const pager = block.getByRole('navigation', { name: 'Tokens of Okta production, pages' });
    await pager.getByText('1–25 of 26').waitFor();
    await block.getByTestId('token-Rotation 26').waitFor(); // newest first
    expect(await block.getByTestId('token-Rotation 01').count()).toBe(0);
    await pager.getByRole('button', { name: 'Next' }).click();
    await block.getByTestId('token-Rotation 01').waitFor();

    await page.getByRole('button', { name: 'Revoke token Rotation 01' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    // Page 2 is gone: the block shows page 1 again, all 25 live tokens, and no pager.
    await block.getByTestId('token-Rotation 26').waitFor();
    await pager.waitFor({ state: 'detached' });
    expect(await block.getByRole('grid', { name: 'Tokens of Okta production', exact: true }).locator('tbody tr').count()).toBe(25);
  });
});

describe('Connections (SSO)', () => {
  test('a config-declared connection is listed read-only: no edit, disable or delete, and a note why', async () => {
    await openSettingsPage('Connections (SSO)');
    await page.getByRole('heading', { name: 'Connections (SSO)', level: 1 }).waitFor();
    const card = page.getByTestId('connection-declared-okta');
    await card.waitFor();
    await card.getByText('Read-only').waitFor();
    await card.getByText('Config', { exact: true }).waitFor();
    await card.getByText('Declared in the plugin configuration', { exact: false }).waitFor();
    expect(await card.getByRole('button').filter({ hasText: /^(Edit|Delete|Enable|Disable)$/ }).count()).toBe(0);
    expect(await valueOf('value-declared-okta-redirectUri')).toBe(`${app.origin}/api/sso/declared-okta/callback`);
    expect(await page.content()).not.toContain('declared-secret-never-shown');
    await shot(page, 'connections-declared');
  });

  test('a server validation error is shown next to the form, saying what to fix', async () => {
    await page.getByRole('button', { name: 'Add OIDC connection' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Display name').fill('Insecure');
    await form.getByLabel('Issuer (authority)').fill('http://idp.example.com');
    await form.getByLabel('Client ID').fill('client');
    await form.getByLabel('Client secret').fill('secret');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByTestId('connection-form-errors').getByText(/issuer must use https/).waitFor();
    await shot(page, 'connection-oidc-error');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
  });

  test('add an OIDC connection → listed with its redirect URI; the secret never in the page', async () => {
    await page.getByRole('button', { name: 'Add OIDC connection' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Display name').fill('Entra test');
    expect(await form.getByLabel('Connection id').inputValue()).toBe('entra-test');
    await form.getByLabel('Issuer (authority)').fill(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    await form.getByLabel('Client ID').fill('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
    await form.getByLabel('Client secret').fill(CLIENT_SECRET);
    await form.getByText('Create admin users at first sign-in (JIT)').click();
    await shot(page, 'connection-oidc-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });

    const card = page.getByTestId('connection-entra-test');
    await card.waitFor();
    expect(await valueOf('value-entra-test-redirectUri')).toBe(`${app.origin}/api/sso/entra-test/callback`);
    expect(await valueOf('value-entra-test-signIn')).toBe(`${app.origin}/api/sso/entra-test/login`);
    await card.getByText('JIT: Yes').waitFor();
    await card.getByText('Client secret: set').waitFor();
    const test = card.getByRole('link', { name: 'Test sign-in with Entra test (opens a new tab)' });
    expect(await test.getAttribute('href')).toBe(`${app.origin}/api/sso/entra-test/login`);
    expect(await test.getAttribute('target')).toBe('_blank');
    expect(await page.content()).not.toContain(CLIENT_SECRET);
    await shot(page, 'connections-oidc');
  });

  test('edit keeps the secret ("unchanged" when left empty)', async () => {
    await page.getByRole('button', { name: 'Edit connection Entra test' }).click();
    const form = page.getByRole('dialog');
    expect(await form.getByLabel('Client secret').inputValue()).toBe('');
    await form.getByText('A secret is set. Leave empty to keep it unchanged').waitFor();
    await form.getByLabel('Display name').fill('Entra ID');
    await shot(page, 'connection-oidc-edit');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('connection-entra-test').getByRole('heading', { name: 'Entra ID' }).waitFor();
    const stored = await request('GET', `${app.origin}/api/sso/connections`);
    expect(stored.body.data).toEqual([{ id: 'entra-test', name: 'Entra ID', type: 'oidc', loginUrl: '/api/sso/entra-test/login' }]);
    const row = await app.strapi.plugin('identity-bridge').service('sso').listConnections();
    expect(row.find((connection: { id: string }) => connection.id === 'entra-test').clientSecretSet).toBe(true);
    expect(await page.content()).not.toContain(CLIENT_SECRET);
  });

  test('add a SAML connection by pasting IdP metadata → listed with its ACS URL; disable → gone from the public list', async () => {
    const idpMetadata = new TestIdp().metadataXml();
    await page.getByRole('button', { name: 'Add SAML connection' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Display name').fill('Okta SAML');
    await form.getByLabel('IdP metadata XML').fill(idpMetadata);
    await form.getByText('Allow IdP-initiated sign-in').click();
    await shot(page, 'connection-saml-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });

    const card = page.getByTestId('connection-okta-saml');
    await card.waitFor();
    expect(await valueOf('value-okta-saml-acs')).toBe(`${app.origin}/api/sso/okta-saml/acs`);
    expect(await valueOf('value-okta-saml-spMetadata')).toBe(`${app.origin}/api/sso/okta-saml/metadata`);
    expect(await valueOf('value-okta-saml-slo')).toBe(`${app.origin}/api/sso/okta-saml/slo`);
    expect(await card.getByRole('link', { name: 'Download SP metadata' }).getAttribute('href')).toBe(`${app.origin}/api/sso/okta-saml/metadata?download`);
    const metadata = await request('GET', `${app.origin}/api/sso/okta-saml/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.text).toContain(`${app.origin}/api/sso/okta-saml/acs`);
    await card.getByText(`SP entity ID: ${app.origin}/api/sso/okta-saml/metadata`).waitFor();
    await shot(page, 'connections');

    expect((await request('GET', `${app.origin}/api/sso/connections`)).body.data.map((c: { id: string }) => c.id).sort()).toEqual(['entra-test', 'okta-saml']);
    await page.getByRole('button', { name: 'Disable connection Okta SAML' }).click();
    await card.getByText('Disabled', { exact: true }).waitFor();
    expect((await request('GET', `${app.origin}/api/sso/connections`)).body.data.map((c: { id: string }) => c.id)).toEqual(['entra-test']);
    await shot(page, 'connections-disabled');
  });

  test('add a SAML connection by uploading the IdP metadata file: read in the browser, saved, listed', async () => {
    const idpMetadata = new TestIdp().metadataXml();
    await page.getByRole('button', { name: 'Add SAML connection' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Display name').fill('Uploaded SAML');
    await form.getByTestId('metadata-file').setInputFiles({ name: 'idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(idpMetadata) });
    await form.getByText(/Read idp-metadata\.xml/).waitFor();
    expect(await form.getByLabel('IdP metadata XML').inputValue()).toBe(idpMetadata);
    await shot(page, 'connection-saml-upload');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('connection-uploaded-saml').waitFor();
    expect(await valueOf('value-uploaded-saml-acs')).toBe(`${app.origin}/api/sso/uploaded-saml/acs`);
    const stored = await app.strapi.plugin('identity-bridge').service('sso').getConnection('uploaded-saml');
    expect(stored).toMatchObject({ type: 'saml', name: 'Uploaded SAML' });
    await app.strapi.plugin('identity-bridge').service('sso').deleteConnection('uploaded-saml');
    await page.reload();
    await page.getByTestId('connection-okta-saml').waitFor();
    expect(await page.getByTestId('connection-uploaded-saml').count()).toBe(0);
  });

  test('the login policy: the break-glass refusal is shown as a clear error', async () => {
    const policy = page.locator('section[aria-labelledby="ib-login-policy"]');
    await policy.getByLabel('SSO-only roles').fill('strapi-super-admin');
    await policy.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('policy-error').getByText(/Not saved: .*break-glass/).waitFor();
    await policy.scrollIntoViewIfNeeded();
    await shot(page, 'login-policy-refused');
    await policy.getByLabel('SSO-only roles').fill('strapi-editor');
    await policy.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Login method policy saved').first().waitFor();
    const saved = await app.strapi.plugin('identity-bridge').service('sso').getLoginPolicy();
    expect(saved.ssoOnlyRoles).toEqual(['strapi-editor']);
    // Back to none: the Editor signs in with a password below.
    // The first save's notice may still be showing: wait for the first one to go before saving again.
    await page.getByText('Login method policy saved').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
    await policy.getByLabel('SSO-only roles').fill('');
    await policy.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Login method policy saved').first().waitFor();
    expect((await app.strapi.plugin('identity-bridge').service('sso').getLoginPolicy()).ssoOnlyRoles).toEqual([]);
  });

  test('SAML by metadata URL (fetched when saved), an Entra /organizations connection with its allowed tenants, and Enable', async () => {
    const idp = await SamlIdpServer.start({ flavor: 'okta' });
    try {
      await page.getByRole('button', { name: 'Add SAML connection' }).click();
      const form = page.getByRole('dialog');
      await form.getByLabel('Display name').fill('Okta by URL');
      await form.getByText('Metadata URL', { exact: true }).click();
      await form.getByLabel('IdP metadata URL').fill(`${idp.origin}/metadata`);
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await page.getByTestId('connection-okta-by-url').getByText(`${idp.origin}/metadata`, { exact: false }).waitFor();
      const stored = await app.strapi.plugin('identity-bridge').service('sso').getConnection('okta-by-url');
      expect(stored).toMatchObject({ type: 'saml', idpMetadataUrl: `${idp.origin}/metadata` });
    } finally {
      await idp.close();
    }

    await page.getByRole('button', { name: 'Add OIDC connection' }).click();
    const oidc = page.getByRole('dialog');
    await oidc.getByLabel('Display name').fill('Entra multi-tenant');
    await oidc.getByLabel('Issuer (authority)').fill('https://login.microsoftonline.com/organizations/v2.0');
    await oidc.getByLabel('Allowed Entra tenants').fill(`${TENANT}, f8cdef31-a31e-4b4a-93e4-5f571e91255a`);
    await oidc.getByLabel('Client ID').fill('1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
    await oidc.getByLabel('Client secret').fill('another-secret-never-shown');
    await oidc.getByRole('button', { name: 'Save' }).click();
    await oidc.waitFor({ state: 'detached' });
    const multi = await app.strapi.plugin('identity-bridge').service('sso').getConnection('entra-multi-tenant');
    expect(multi.allowedTenants).toEqual([TENANT, 'f8cdef31-a31e-4b4a-93e4-5f571e91255a']);
    await page.getByTestId('connection-entra-multi-tenant').getByText(`Allowed Entra tenants: ${TENANT}, f8cdef31-a31e-4b4a-93e4-5f571e91255a`).waitFor();

    // Okta SAML was disabled above: Enable puts it back in the public list.
    await page.getByRole('button', { name: 'Enable connection Okta SAML' }).click();
    await page.getByTestId('connection-okta-saml').getByText('Enabled', { exact: true }).waitFor();
    expect((await request('GET', `${app.origin}/api/sso/connections`)).body.data.map((c: { id: string }) => c.id)).toContain('okta-saml');
    await shot(page, 'connections-url-tenants-enabled');
  });

  test('delete, with confirmation', async () => {
    await page.getByRole('button', { name: 'Delete connection Okta SAML' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('Delete this connection?').waitFor();
    await shot(page, 'connection-delete');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('connection-okta-saml').waitFor({ state: 'detached' });
    expect(await app.strapi.plugin('identity-bridge').service('sso').getConnection('okta-saml')).toBeNull();
  });
});

describe('an Editor', () => {
  test('sees no Identity bridge settings links and gets "no permission" on the page URLs', async () => {
    await asSignedIn(browser, app.origin, EDITOR, async (editorPage) => {
      await editorPage.goto(`${app.origin}/admin/settings`);
      await editorPage.waitForLoadState('networkidle');
      await editorPage.getByRole('link', { name: /Overview|Application/ }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
      expect(await editorPage.getByText('Identity bridge', { exact: true }).count()).toBe(0);
      expect(await editorPage.getByRole('link', { name: 'Provisioning (SCIM)' }).count()).toBe(0);
      await shot(editorPage, 'editor-settings');
      for (const path of ['provisioning', 'connections']) {
        await editorPage.goto(`${app.origin}/admin/settings/identity-bridge/${path}`);
        await editorPage.getByText("You don't have the permissions to access that content").waitFor({ timeout: 30_000 });
        expect(await editorPage.getByTestId('value-tenantUrl').count()).toBe(0);
      }
      await shot(editorPage, 'editor-no-permission');
      // The admin API refuses too (RBAC read).
      const token = await editorPage.evaluate(() => localStorage.getItem('jwtToken') ?? sessionStorage.getItem('jwtToken'));
      if (token) {
        const reply = await request('GET', `${app.origin}/identity-bridge/settings`, undefined, { token: JSON.parse(token) });
        expect(reply.status).toBe(403);
      }
    });
  });
});
