import { normaliseAdminPath, validateReturnTo } from '../../../server/src/sso/return-to';
import { SsoError } from '../../../server/src/sso/errors';

const refused = (raw: unknown) => {
  try {
    validateReturnTo(raw, '/admin');
  } catch (error) {
    return error instanceof SsoError && error.code === 'SSO_RETURN_TO_INVALID';
  }
  return false;
};

describe('returnTo', () => {
  test('absent → the admin dashboard', () => {
    expect(validateReturnTo(undefined, '/admin')).toBe('/admin');
    expect(validateReturnTo('', '/admin/')).toBe('/admin');
  });

  test('admin paths are kept with their query and fragment', () => {
    expect(validateReturnTo('/admin/content-manager/collection-types/api::page.page?page=2#top', '/admin')).toBe(
      '/admin/content-manager/collection-types/api::page.page?page=2#top'
    );
    expect(validateReturnTo('/admin', '/admin')).toBe('/admin');
  });

  test.each([
    ['another origin', 'https://evil.example/admin'],
    ['protocol-relative', '//evil.example/admin'],
    ['backslash (read as // by browsers)', '/\\evil.example/admin'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['CRLF header injection', '/admin\r\nSet-Cookie: x=y'],
    ['encoded CRLF is kept encoded, but a raw one is refused', '/admin\nx'],
    ['NUL', '/admin\u0000'],
    ['outside the admin panel', '/api/users'],
    ['a prefix look-alike', '/administrator'],
    ['dot segments out of the admin panel', '/admin/../api/users'],
    ['encoded dot segments', '/admin/%2e%2e/api'],
    ['relative path', 'admin/x'],
    ['too long', `/admin/${'a'.repeat(3000)}`],
    ['an array (repeated query parameter)', ['/admin', '/admin']],
  ])('refuses %s', (_why, raw) => {
    expect(refused(raw)).toBe(true);
  });

  test('percent-encoded CR/LF stay encoded in the result (never a raw header break)', () => {
    const result = validateReturnTo('/admin/%0d%0aSet-Cookie:x', '/admin');
    expect(result).not.toMatch(/[\r\n]/);
  });

  test('admin path normalisation', () => {
    expect(normaliseAdminPath('admin/')).toBe('/admin');
    expect(normaliseAdminPath('https://cms.example.com/dashboard/')).toBe('/dashboard');
    expect(normaliseAdminPath('')).toBe('/admin');
  });
});
