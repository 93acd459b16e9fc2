/**
 * Settings → Identity bridge → Attribute mapping in real headless Chromium, against the playground's built admin
 * panel: two people provisioned over SCIM the way Entra sends them (a custom extension `folders` list, a Metadata
 * `team`, a group), then the owner declares the attributes, writes a rule (group → Editor), a folder grant and a
 * content condition (Article's team ↔ team). Fields left empty are said at each field, marked invalid and the
 * first focused, before any request; a field the server refuses is marked invalid and linked to the server's
 * message. Then the preview of who changes how, the save (version 1, re-mapping to the end, the content condition
 * read back from the admin API), and explaining one person. An Editor cannot open the page.
 * Every state is saved under test-output/screenshots/mapping-*.png.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { adminUserByEmail, login } from '../integration/helpers/admin';
import { request, scimClient } from '../integration/helpers/http';
import { launchBrowser, shotWholePage, signInWithPassword } from './helpers/browser';
import { asSignedIn, createOwnerAndEditor, OWNER, EDITOR } from './helpers/admin';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

let app: TestApp;
let browser: Browser;
let page: Page;
/** The Attribute mapping admin API calls that send the form (preview, save), as `METHOD /path`, in order. */
const sent: string[] = [];

/** An Entra-shaped create: custom extension attributes nested under the URN before their last colon. */
const entraUser = (login: string, folders: string[], team: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  userName: login,
  active: true,
  emails: [{ primary: true, type: 'work', value: login }],
  name: { givenName: login.split('@')[0], familyName: 'Example' },
  [CUSTOM]: { folders: folders.map((value) => ({ value })) },
  [METADATA]: { team },
});

beforeAll(async () => {
  app = await bootApp({ adminPanel: true });
  await createOwnerAndEditor(app);
  await app.strapi.plugin('upload').service('folder').create({ name: 'Marketing', parent: null });

  const scim = scimClient(app.scimUrl, app.scimToken);
  const ada = await scim.post('/Users', entraUser('ada@example.com', ['Marketing'], 'Blue'));
  expect(ada.status).toBe(201);
  expect((await scim.post('/Users', entraUser('bob@example.com', [], 'Red'))).status).toBe(201);
  const group = await scim.post('/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Sales and Marketing',
    externalId: '5a4c3f3e-0000-4000-8000-000000000001',
    members: [{ value: ada.body.id }],
  });
  expect(group.status).toBe(201);

  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('request', (sending) => {
    const { pathname } = new URL(sending.url());
    if (pathname.startsWith('/identity-bridge/mapping') && sending.method() !== 'GET') sent.push(`${sending.method()} ${pathname}`);
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const shot = (target: Page, name: string) => shotWholePage(target, name);

/** Picks `option` in the design system's select labelled `label` (inside `scope`). */
async function choose(scope: ReturnType<Page['locator']> | Page, label: string, option: string) {
  await scope.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Whether the field says it is invalid (`aria-invalid`), and the text of what describes it (`aria-describedby`). */
async function fieldState(field: Locator): Promise<{ invalid: boolean; says: string | null }> {
  const described = await field.getAttribute('aria-describedby');
  return {
    invalid: (await field.getAttribute('aria-invalid')) === 'true',
    says: described ? await page.locator(`[id="${described}"]`).textContent() : null,
  };
}

/** The `name` of the element that has the keyboard focus (the page names its fields: rule-0-roles, …). */
const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.id ?? null);

const roleCodes = async (email: string) => ((await adminUserByEmail(app, email))?.roles ?? []).map((role: { code: string }) => role.code).sort();

describe('Attribute mapping', () => {
  test('the page opens from Settings → Identity bridge, showing the rules in force (none yet)', async () => {
    await signInWithPassword(page, app.origin, OWNER.email, OWNER.password);
    await page.goto(`${app.origin}/admin/settings`);
    const link = page.getByRole('link', { name: 'Attribute mapping' });
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page.getByRole('heading', { name: 'Attribute mapping', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/settings/identity-bridge/mappings');
    const status = page.getByTestId('mapping-status');
    await status.getByText('Default (no rules yet)').waitFor();
    await status.getByText('Version 0').waitFor();
    await page.getByText('No rule yet', { exact: false }).waitFor();
    await page.getByTestId('known-folders').getByText('Marketing').waitFor();
    await shot(page, 'mapping-empty');
  });

  test('declare the folders list and the team attribute; the Entra SCIM path is suggested from the key', async () => {
    const attributes = page.locator('section[aria-labelledby="ib-mapping-attributes"]');
    await attributes.getByRole('button', { name: 'Add attribute' }).click();
    const folders = page.getByTestId('attribute-0');
    await folders.getByText('A list of values (multi-valued)').click();
    await folders.getByLabel('Key').fill('folders');
    await folders.getByLabel('Key').press('Tab');
    expect(await folders.getByLabel('SCIM attribute').inputValue()).toBe(`${CUSTOM}:folders`);

    await attributes.getByRole('button', { name: 'Add attribute' }).click();
    const team = page.getByTestId('attribute-1');
    await team.getByLabel('Key').fill('team');
    await team.getByLabel('Key').press('Tab');
    expect(await team.getByLabel('SCIM attribute').inputValue()).toBe(`${METADATA}:team`);
    await team.getByLabel('Allowed values').fill('Blue, Red');
  });

  test('a rule and a content condition left incomplete: each field says what to fix, the first is focused, nothing is sent', async () => {
    await page.locator('section[aria-labelledby="ib-mapping-rules"]').getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByTestId('rule-0');
    await rule.getByLabel('Rule id').fill('sales-editors');
    await choose(page.locator('section[aria-labelledby="ib-mapping-policy"]'), 'Folders attribute (Media Library)', 'folders');
    await page.locator('section[aria-labelledby="ib-mapping-content"]').getByRole('button', { name: 'Add content condition' }).click();
    const binding = page.getByTestId('binding-0');
    await choose(binding, 'Content type', 'Article');
    // Before any attempt, nothing is said to be invalid.
    expect(await fieldState(rule.getByLabel('Value'))).toEqual({ invalid: false, says: null });

    await page.getByRole('button', { name: 'Preview changes' }).click();
    await page.getByTestId('mapping-problems').getByText('Nothing was sent: 4 fields need a fix, marked below.').waitFor();
    expect(await fieldState(rule.getByLabel('Value'))).toEqual({ invalid: true, says: 'Type the value to compare with, or choose the operator "is set".' });
    expect(await fieldState(rule.getByRole('combobox', { name: 'Then grant roles' }))).toEqual({ invalid: true, says: 'Choose at least one role this rule grants.' });
    expect(await fieldState(binding.getByRole('combobox', { name: 'Field' }))).toEqual({ invalid: true, says: 'Choose the field whose value must match.' });
    expect(await fieldState(binding.getByRole('combobox', { name: 'Must match attribute' }))).toEqual({ invalid: true, says: 'Choose the attribute the field must match.' });
    // Filled fields are not marked.
    expect((await fieldState(rule.getByLabel('Rule id'))).invalid).toBe(false);
    expect((await fieldState(binding.getByRole('combobox', { name: 'Content type' }))).invalid).toBe(false);
    expect(await focusedName()).toBe('rule-0-condition-0-value');
    expect(sent).toEqual([]);
    await shot(page, 'mapping-client-check');

    // A filled field's message goes at once; Save checks the same way and focuses the first field left.
    await rule.getByLabel('Value').fill('Sales and Marketing');
    expect(await fieldState(rule.getByLabel('Value'))).toEqual({ invalid: false, says: null });
    await page.getByTestId('mapping-problems').getByText('Nothing was sent: 3 fields need a fix, marked below.').waitFor();
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'rule-0-roles');
    expect(sent).toEqual([]);
  });

  test("a field the server refuses is marked invalid, linked to the server's message, and focused", async () => {
    const rule = page.getByTestId('rule-0');
    await rule.getByRole('combobox', { name: 'Then grant roles' }).click();
    await page.getByRole('option', { name: 'Editor', exact: true }).click();
    await page.keyboard.press('Escape');
    const binding = page.getByTestId('binding-0');
    await choose(binding, 'Field', 'team');
    await choose(binding, 'Must match attribute', 'team');
    expect(await page.getByTestId('mapping-problems').count()).toBe(0);
    // Only the server knows which SCIM attributes can carry an identity fact.
    const scimPath = page.getByTestId('attribute-1').getByLabel('SCIM attribute');
    await scimPath.fill('groups');

    await page.getByRole('button', { name: 'Preview changes' }).click();
    const message = 'attribute "team": scimPath "groups" is not stored with users: rules read group membership through the "group" source';
    await page.getByTestId('mapping-errors').getByText(message).waitFor();
    expect(sent).toEqual(['POST /identity-bridge/mapping/preview']);
    expect(await fieldState(scimPath)).toEqual({ invalid: true, says: message });
    expect(await focusedName()).toBe('attribute-1-scimPath');
    // Said at the field, not again under the attribute; other fields are not marked.
    expect(await page.getByTestId('attribute-1-errors').count()).toBe(0);
    expect((await fieldState(page.getByTestId('attribute-1').getByLabel('Key'))).invalid).toBe(false);
    expect((await fieldState(rule.getByRole('combobox', { name: 'Then grant roles' }))).invalid).toBe(false);
    await shot(page, 'mapping-server-field-error');
    await scimPath.fill(`${METADATA}:team`);
  });

  test('group → Editor and the folder grant: the preview says who changes how, nothing saved', async () => {
    await page.getByRole('button', { name: 'Preview changes' }).click();
    const ada = page.getByTestId('preview-ada@example.com');
    await ada.waitFor();
    await ada.getByText('+ Editor').waitFor();
    await ada.getByText('+ folder Marketing').waitFor();
    expect(await page.getByTestId('mapping-errors').count()).toBe(0);
    expect(await page.getByTestId('preview-bob@example.com').count()).toBe(0);
    await page.getByTestId('preview-summary').getByText(/1 person changes out of 2/).waitFor();
    await page.getByTestId('preview-tallies').getByText('1 person gains Editor').waitFor();
    expect(await roleCodes('ada@example.com')).toEqual(['strapi-author']);
    expect(sent).toEqual(['POST /identity-bridge/mapping/preview', 'POST /identity-bridge/mapping/preview']);
    // The server's message went with the field fixed.
    expect((await fieldState(page.getByTestId('attribute-1').getByLabel('SCIM attribute'))).invalid).toBe(false);
    await shot(page, 'mapping-preview');
  });

  test('save: version 1, saved here, everyone re-mapped; Ada is an Editor now', async () => {
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Rules saved (version 1)', { exact: false }).first().waitFor();
    const status = page.getByTestId('mapping-status');
    await status.getByText('Version 1').waitFor();
    await status.getByText('Saved here').waitFor();
    await page.getByTestId('mapping-progress').getByText('Everyone is up to date (2 people).').waitFor({ timeout: 60_000 });
    expect(await roleCodes('ada@example.com')).toEqual(['strapi-editor']);
    expect(await roleCodes('bob@example.com')).toEqual(['strapi-author']);
    // The form now shows what was saved, the content condition with it.
    expect(await page.getByTestId('rule-0').getByLabel('Rule id').inputValue()).toBe('sales-editors');
    expect(await page.getByTestId('binding-0').getByRole('combobox', { name: 'Content type' }).textContent()).toContain('Article');
    expect(sent.at(-1)).toBe('PUT /identity-bridge/mapping');
    // Read back through the admin API: the rules in force have the content condition.
    const token = await login(app, OWNER.email, OWNER.password);
    const inForce = await request('GET', `${app.origin}/identity-bridge/mapping`, undefined, { headers: { authorization: `Bearer ${token}` } });
    expect(inForce.status).toBe(200);
    expect(inForce.body.data).toMatchObject({ version: 1, source: 'database', content: [{ uid: 'api::article.article', field: 'team', attribute: 'team' }] });
    await shot(page, 'mapping-saved');
  });

  test('explain one person: which rule matched, on which values, and what it granted', async () => {
    const explain = page.locator('section[aria-labelledby="ib-mapping-explain"]');
    await explain.getByRole('button', { name: 'Explain' }).click();
    await explain.getByText("Type the person's userName or email.").waitFor();
    await explain.getByLabel('userName or email').fill('nobody@example.com');
    await explain.getByLabel('userName or email').press('Enter');
    await page.getByTestId('explain-error').getByText('no provisioned person has the userName or email "nobody@example.com"').waitFor();

    await explain.getByLabel('userName or email').fill('ADA@example.com');
    await explain.getByLabel('userName or email').press('Enter');
    const explanation = page.getByTestId('explanation');
    await explanation.getByText('ada@example.com (rules version 1)').waitFor();
    const row = page.getByTestId('explain-rule-sales-editors');
    await row.getByText('Matched', { exact: true }).waitFor();
    await row.getByText('✓ group = "Sales and Marketing" — values: Sales and Marketing').waitFor();
    await explanation.getByText('Folders: Marketing').waitFor();
    await shot(page, 'mapping-explain');
  });

  test('someone else saved in between: the save is refused, said so, and the current rules load on request', async () => {
    const admin = app.strapi.plugin('identity-bridge').service('admin');
    const current = await admin.getMapping();
    const elsewhere = {
      attributes: current.attributes,
      policy: { ...current.policy, roleRules: current.policy.roleRules.map((rule: object) => ({ ...rule, description: 'Changed elsewhere' })) },
      content: current.content,
    };
    await admin.saveMapping(await admin.validateMapping(elsewhere), current.version);

    const rule = page.getByTestId('rule-0');
    expect(await page.getByTestId('mapping-unsaved').count()).toBe(0);
    await rule.getByLabel('Description').fill('Changed here');
    await page.getByTestId('mapping-unsaved').getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save rules' }).click();
    const refusal = page.getByTestId('mapping-errors');
    await refusal.getByText('Not saved: someone else saved rules since this page loaded.').waitFor();
    await refusal.getByText('the rules were changed by someone else (now version 2); reload and retry').waitFor();
    // Said once, at the top: it is about the whole save, not about a rule.
    expect(await page.locator('section[aria-labelledby="ib-mapping-rules"]').getByText('reload and retry', { exact: false }).count()).toBe(0);
    await shot(page, 'mapping-conflict');
    await refusal.getByRole('button', { name: 'Load the current rules' }).click();
    await page.getByTestId('mapping-status').getByText('Version 2').waitFor();
    expect(await rule.getByLabel('Description').inputValue()).toBe('Changed elsewhere');
    expect(await page.getByTestId('mapping-errors').count()).toBe(0);
  });
});

describe('an Editor', () => {
  test('cannot open the Attribute mapping page', async () => {
    await asSignedIn(browser, app.origin, EDITOR, async (editorPage) => {
      await editorPage.goto(`${app.origin}/admin/settings/identity-bridge/mappings`);
      await editorPage.getByText("You don't have the permissions to access that content").waitFor({ timeout: 30_000 });
      expect(await editorPage.getByTestId('mapping-status').count()).toBe(0);
      await shot(editorPage, 'mapping-editor-refused');
    });
  });
});
