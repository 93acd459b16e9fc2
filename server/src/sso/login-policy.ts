/**
 * Login method policy: which admin users must sign in through SSO ("SSO only") — listed by email, or through
 * one of their roles — and the break-glass rule: at least one active Super Admin with a password can always
 * sign in with it, so an IdP outage or a misconfigured connection never locks the owners out of Strapi.
 *
 * The rule is enforced twice: a policy that would leave no such Super Admin is refused when saved, and at
 * sign-in a Super Admin is let through when no other Super Admin could use a password any more (people change
 * after the policy was saved: deactivated, demoted, password never set).
 */
import { z } from 'zod';

export interface LoginPolicy {
  /** Admin users' emails (lower-case). */
  ssoOnlyUsers: string[];
  /** Admin role codes (or names). */
  ssoOnlyRoles: string[];
}

export const EMPTY_LOGIN_POLICY: LoginPolicy = { ssoOnlyUsers: [], ssoOnlyRoles: [] };

export const loginPolicySchema = z
  .object({
    ssoOnlyUsers: z.array(z.string().trim().toLowerCase().email()).max(10000).default([]),
    ssoOnlyRoles: z.array(z.string().trim().min(1)).max(1000).default([]),
  })
  .strict();

export interface PolicySubject {
  id: number;
  email: string;
  isActive: boolean;
  hasPassword: boolean;
  superAdmin: boolean;
  roles: { code: string; name: string }[];
}

export function isSsoOnly(user: Pick<PolicySubject, 'email' | 'roles'>, policy: LoginPolicy): boolean {
  if (policy.ssoOnlyUsers.includes(user.email.toLowerCase())) return true;
  const roles = new Set(policy.ssoOnlyRoles.map((role) => role.toLowerCase()));
  return user.roles.some((role) => roles.has(role.code.toLowerCase()) || roles.has(role.name.toLowerCase()));
}

/** Super Admins who can sign in with a password under `policy`. */
export const breakGlassAdmins = (superAdmins: PolicySubject[], policy: LoginPolicy): PolicySubject[] =>
  superAdmins.filter((user) => user.superAdmin && user.isActive && user.hasPassword && !isSsoOnly(user, policy));

/** Why `policy` cannot be saved, or undefined. `superAdmins`: every Super Admin. */
export function loginPolicyProblem(policy: LoginPolicy, superAdmins: PolicySubject[]): string | undefined {
  if (breakGlassAdmins(superAdmins, policy).length > 0) return undefined;
  return (
    'this policy would leave no active Super Admin able to sign in with a password (break-glass): ' +
    'keep at least one Super Admin with a password out of the SSO-only users and roles'
  );
}

/** Whether `user` may sign in (or reset a password) locally now. */
export function mayUsePassword(user: PolicySubject, policy: LoginPolicy, superAdmins: PolicySubject[]): boolean {
  if (!isSsoOnly(user, policy)) return true;
  // Break-glass: a Super Admin is never locked out when no other Super Admin could use a password.
  return user.superAdmin && breakGlassAdmins(superAdmins.filter((admin) => admin.id !== user.id), policy).length === 0;
}
