/**
 * Every `operation` the provisioning log holds, in one list: the admin panel offers them as the log's
 * Operation filter and gives each a label (test/unit/admin/log-vocabulary.test.ts checks the two agree and
 * that no writer logs an operation missing here).
 */
import { ROUTE_NAMES } from '../scim-http/router';
import { PASSWORD_ROUTES } from '../strapi/admin-session';

/** SCIM requests: every route's name (writes always, reads only when refused), and `unknown` for no route. */
export const SCIM_OPERATIONS: readonly string[] = [...ROUTE_NAMES, 'unknown'];

/** The browser-facing SSO endpoints (controllers/sso.ts). */
export const SSO_OPERATIONS = ['sso-login-start', 'sso-login', 'sso-metadata', 'sso-logout'] as const;
export type SsoOperation = (typeof SSO_OPERATIONS)[number];

/** A password sign-in (or reset, registration) refused to someone the login policy makes SSO-only. */
export const SSO_ONLY_OPERATIONS: readonly string[] = PASSWORD_ROUTES.map((route) => `sso-only-${route}`);

/** Admin actions on the Identities page, and the re-mapping after a rule change. */
export const ADMIN_OPERATIONS: readonly string[] = [
  'reapply-mapping',
  'approve-deactivate',
  'reject-deactivate',
  'approve-delete',
  'reject-delete',
  'remap',
];

export const LOGGED_OPERATIONS: readonly string[] = [...SCIM_OPERATIONS, ...SSO_OPERATIONS, ...SSO_ONLY_OPERATIONS, ...ADMIN_OPERATIONS];
