/**
 * Recognising the Super Admin role in rules, whichever way an owner names it.
 *
 * Rules may name roles by code or by name, so both Strapi's code and its display name count, compared like
 * other rule values (ignoring case and spacing): a typo in case must not slip a Super Admin grant through.
 */
import { comparableText } from './text';

/** Strapi's Super Admin role: its code, and the name Strapi gives it. */
export const SUPER_ADMIN_ROLE = 'strapi-super-admin';
export const SUPER_ADMIN_ROLE_NAME = 'Super Admin';

export const DEFAULT_SUPER_ADMIN_ROLES: readonly string[] = [SUPER_ADMIN_ROLE, SUPER_ADMIN_ROLE_NAME];

/** A predicate telling Super Admin role references apart; `superAdminRole` replaces the defaults when given. */
export function superAdminMatcher(superAdminRole?: string | readonly string[]): (role: string) => boolean {
  const names =
    superAdminRole === undefined
      ? DEFAULT_SUPER_ADMIN_ROLES
      : typeof superAdminRole === 'string'
        ? [superAdminRole]
        : superAdminRole;
  const comparable = new Set(names.map(comparableText));
  return (role) => comparable.has(comparableText(role));
}
