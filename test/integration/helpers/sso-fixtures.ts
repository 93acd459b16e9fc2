/**
 * What the OIDC and SAML sign-in suites share: the Entra-shaped tenant and group ids, and helpers bound to the
 * running app and its owner's admin token.
 */
import type { TestApp } from './app';
import { request } from './http';
import { adminUserByEmail } from './admin';
import type { TestBrowser } from './oidc-browser';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const EDITORS_GROUP = '5b9a1c2d-0000-4000-8000-00000000ed17';

/** No Strapi session cookie came back on any hop, and the browser holds none. */
export function expectNoSession(browser: TestBrowser, hops: { setCookies: string[] }[]) {
  const sessionCookies = hops.flatMap((hop) => hop.setCookies).filter((header) => /^(strapi_admin_refresh|jwtToken)=[^;]+/.test(header));
  expect(sessionCookies).toEqual([]);
  expect(browser.cookie('strapi_admin_refresh')).toBeUndefined();
  expect(browser.cookie('jwtToken')).toBeUndefined();
}

/** Helpers on the suite's app and owner token, read at each call (the suite sets both in `beforeAll`). */
export function ssoFixtures(current: () => { app: TestApp; ownerToken: string }) {
  const adminApi = (method: string, path: string, body?: unknown) =>
    request(method, `${current().app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${current().ownerToken}` }, contentType: 'application/json' });

  const roleCodes = async (email: string) => ((await adminUserByEmail(current().app, email))?.roles ?? []).map((role: { code: string }) => role.code).sort();

  const isAdminLanding = (location: URL) => location.origin === current().app.origin && location.pathname.startsWith('/admin');

  /** Fails with what the refusal page and the provisioning log said, so a broken flow explains itself. */
  async function expectLanded(result: { landed: boolean; status: number; text: string; url: string }) {
    if (result.landed) return;
    const code = /Error code: ([A-Z0-9_]+)/.exec(result.text)?.[1];
    const events = await adminApi('GET', '/events?outcome=failure&pageSize=1');
    throw new Error(`sign-in did not land: ${result.status} ${result.url} ${code ?? result.text.slice(0, 300)} — ${events.body?.results?.[0]?.detail ?? ''}`);
  }

  /** The admin user the browser's Strapi session belongs to. */
  const me = (browser: TestBrowser) =>
    request('GET', `${current().app.origin}/admin/users/me`, undefined, { headers: { authorization: `Bearer ${browser.cookie('jwtToken')?.value ?? ''}` } });

  return { adminApi, roleCodes, isAdminLanding, expectLanded, me };
}
