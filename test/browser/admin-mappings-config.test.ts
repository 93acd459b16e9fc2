/**
 * Attribute mapping with the rules declared in the plugin configuration (`mapping`): the page shows them read-only
 * and says why — no Save, no add or remove, every field disabled — while preview and explain still work.
 * Screenshot: test-output/screenshots/mapping-config-read-only.png.
 */
import type { Browser, Page } from 'playwright-core';
import { bootApp, type TestApp } from '../integration/helpers/app';
import { createSuperAdmin } from '../integration/helpers/admin';
import { scimClient } from '../integration/helpers/http';
import { launchBrowser, shotWholePage, signInWithPassword } from './helpers/browser';
import { OWNER } from './helpers/admin';

const TEAM = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team';

let app: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await bootApp({
    adminPanel: true,
    pluginConfig: {
      mapping: {
        attributes: [{ key: 'team', scimPath: TEAM, multiValued: false, allowedValues: ['Blue', 'Red'] }],
        policy: {
          roleRules: [{ id: 'blue-editors', when: [{ source: { type: 'attribute', key: 'team' }, op: 'equals', value: 'Blue' }], roles: ['strapi-editor'] }],
          unmatched: { action: 'defaultRole', role: 'strapi-author' },
          allowSuperAdmin: false,
        },
      },
    },
  });
  await createSuperAdmin(app, OWNER.email, OWNER.password);
  const created = await scimClient(app.scimUrl, app.scimToken).post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'blue@example.com',
    emails: [{ value: 'blue@example.com', primary: true, type: 'work' }],
    active: true,
    'urn:ietf:params:scim:schemas:extension:2.0:Metadata': { team: 'Blue' },
  });
  expect(created.status).toBe(201);
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('config-declared rules are shown read-only, with why; preview and explain still work', async () => {
  await signInWithPassword(page, app.origin, OWNER.email, OWNER.password);
  await page.goto(`${app.origin}/admin/settings/identity-bridge/mappings`);
  const status = page.getByTestId('mapping-status');
  await status.getByText('From the configuration').waitFor({ timeout: 60_000 });
  await status.getByText('Read-only').waitFor();
  await page.getByText('declared in the plugin configuration (mapping), so they cannot be changed here', { exact: false }).waitFor();

  const rule = page.getByTestId('rule-0');
  expect(await rule.getByLabel('Rule id').inputValue()).toBe('blue-editors');
  expect(await rule.getByLabel('Rule id').isDisabled()).toBe(true);
  expect(await page.getByTestId('attribute-0').getByLabel('Key').isDisabled()).toBe(true);
  for (const name of ['Save rules', 'Add rule', 'Add attribute', 'Add content condition', 'Remove rule blue-editors']) {
    expect(await page.getByRole('button', { name }).count()).toBe(0);
  }

  // Preview compares the rules with what they last gave people: nobody changes.
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await page.getByTestId('preview-summary').getByText(/Nobody changes out of 1/).waitFor();

  const explain = page.locator('section[aria-labelledby="ib-mapping-explain"]');
  await explain.getByLabel('userName or email').fill('blue@example.com');
  await explain.getByRole('button', { name: 'Explain' }).click();
  await page.getByTestId('explain-rule-blue-editors').getByText('✓ team = "Blue" — values: Blue').waitFor();

  await shotWholePage(page, 'mapping-config-read-only');
});
