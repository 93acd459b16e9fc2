import { checkEntraTenant, entraAuthorityOf, entraConfigProblem } from '../../../server/src/sso/entra';
import { ssoErrorCodeOf } from './helpers/outcomes';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

describe('Entra tenants', () => {
  test('authorities', () => {
    expect(entraAuthorityOf(`https://login.microsoftonline.com/${TENANT}/v2.0`)).toEqual({ kind: 'tenant', tenant: TENANT });
    expect(entraAuthorityOf('https://login.microsoftonline.com/common/v2.0')).toEqual({ kind: 'multi-tenant', name: 'common' });
    expect(entraAuthorityOf('https://login.microsoftonline.com/Organizations/v2.0')).toEqual({ kind: 'multi-tenant', name: 'organizations' });
  });

  test('/common and /organizations are refused unless allowedTenants is set; allowedTenants must be GUIDs', () => {
    expect(entraConfigProblem('https://login.microsoftonline.com/common/v2.0', undefined)).toMatch(/any tenant/);
    expect(entraConfigProblem('https://login.microsoftonline.com/organizations/v2.0', [])).toMatch(/any tenant/);
    expect(entraConfigProblem('https://login.microsoftonline.com/common/v2.0', [TENANT])).toBeUndefined();
    expect(entraConfigProblem(`https://login.microsoftonline.com/${TENANT}/v2.0`, undefined)).toBeUndefined();
    expect(entraConfigProblem(`https://login.microsoftonline.com/${TENANT}/v2.0`, ['contoso.com'])).toMatch(/GUID/);
  });

  test('a tenant authority accepts only its own tid', () => {
    const authority = entraAuthorityOf(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    expect(checkEntraTenant(authority, undefined, { tid: TENANT })).toBe(TENANT);
    expect(checkEntraTenant(authority, undefined, { tid: TENANT.toUpperCase() })).toBe(TENANT.toUpperCase());
    expect(ssoErrorCodeOf(() => checkEntraTenant(authority, undefined, { tid: OTHER }))).toBe('SSO_TENANT_NOT_ALLOWED');
    expect(ssoErrorCodeOf(() => checkEntraTenant(authority, undefined, {}))).toBe('SSO_TENANT_MISSING');
    expect(ssoErrorCodeOf(() => checkEntraTenant(authority, [OTHER], { tid: TENANT }))).toBe('SSO_TENANT_NOT_ALLOWED');
  });

  test('a multi-tenant authority accepts only allowed tenants (fails closed without a list)', () => {
    const authority = entraAuthorityOf('https://login.microsoftonline.com/organizations/v2.0');
    expect(checkEntraTenant(authority, [TENANT], { tid: TENANT })).toBe(TENANT);
    expect(ssoErrorCodeOf(() => checkEntraTenant(authority, [TENANT], { tid: OTHER }))).toBe('SSO_TENANT_NOT_ALLOWED');
    expect(ssoErrorCodeOf(() => checkEntraTenant(authority, undefined, { tid: TENANT }))).toBe('SSO_CONFIG_INVALID');
  });

  test('a tenant given by domain name relies on allowedTenants (when set) and the issuer check', () => {
    const authority = entraAuthorityOf('https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
    expect(checkEntraTenant(authority, undefined, { tid: TENANT })).toBe(TENANT);
    expect(ssoErrorCodeOf(() => checkEntraTenant(authority, [OTHER], { tid: TENANT }))).toBe('SSO_TENANT_NOT_ALLOWED');
  });
});
