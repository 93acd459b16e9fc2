import { breakGlassAdmins, isSsoOnly, loginPolicyProblem, mayUsePassword, type PolicySubject } from '../../../server/src/sso/login-policy';

const superAdmin = (id: number, extra: Partial<PolicySubject> = {}): PolicySubject => ({
  id, email: `owner${id}@example.com`, isActive: true, hasPassword: true, superAdmin: true, roles: [{ code: 'strapi-super-admin', name: 'Super Admin' }], ...extra,
});
const editor: PolicySubject = { id: 9, email: 'ed@example.com', isActive: true, hasPassword: true, superAdmin: false, roles: [{ code: 'strapi-editor', name: 'Editor' }] };

describe('login method policy', () => {
  test('SSO-only by email or by role (code or name, ignoring case)', () => {
    expect(isSsoOnly(editor, { ssoOnlyUsers: ['ed@example.com'], ssoOnlyRoles: [] })).toBe(true);
    expect(isSsoOnly(editor, { ssoOnlyUsers: [], ssoOnlyRoles: ['STRAPI-EDITOR'] })).toBe(true);
    expect(isSsoOnly(editor, { ssoOnlyUsers: [], ssoOnlyRoles: ['Editor'] })).toBe(true);
    expect(isSsoOnly(editor, { ssoOnlyUsers: [], ssoOnlyRoles: ['strapi-author'] })).toBe(false);
  });

  test('a policy leaving no Super Admin with password sign-in is refused', () => {
    const admins = [superAdmin(1), superAdmin(2, { hasPassword: false }), superAdmin(3, { isActive: false })];
    expect(loginPolicyProblem({ ssoOnlyUsers: [], ssoOnlyRoles: ['strapi-super-admin'] }, admins)).toMatch(/break-glass/);
    expect(loginPolicyProblem({ ssoOnlyUsers: ['owner1@example.com'], ssoOnlyRoles: [] }, admins)).toMatch(/break-glass/);
    expect(loginPolicyProblem({ ssoOnlyUsers: ['owner2@example.com'], ssoOnlyRoles: ['strapi-editor'] }, admins)).toBeUndefined();
    expect(breakGlassAdmins(admins, { ssoOnlyUsers: [], ssoOnlyRoles: [] }).map((admin) => admin.id)).toEqual([1]);
  });

  test('SSO-only users cannot use a password; the last password Super Admin always can (break-glass at run time)', () => {
    const policy = { ssoOnlyUsers: ['ed@example.com', 'owner1@example.com'], ssoOnlyRoles: [] };
    expect(mayUsePassword(editor, policy, [superAdmin(1)])).toBe(false);
    // owner1 is listed SSO-only, but no other Super Admin could use a password: let them in.
    expect(mayUsePassword(superAdmin(1), policy, [superAdmin(1)])).toBe(true);
    // With another password Super Admin around, the policy holds.
    expect(mayUsePassword(superAdmin(1), policy, [superAdmin(1), superAdmin(2)])).toBe(false);
  });
});
