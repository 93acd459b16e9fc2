/**
 * returnTo on any input (issue 6), beyond the named cases of return-to.test.ts: either the coded refusal, or a
 * path of this site inside the admin panel that is safe to put after the origin in a `Location` header —
 * and validating it again changes nothing.
 */
import fc from 'fast-check';
import { SsoError } from '../../../server/src/sso/errors';
import { validateReturnTo } from '../../../server/src/sso/return-to';

const ORIGIN = 'https://cms.example.com';
const pieces = fc.constantFrom(
  '/', '//', '\\', '/admin', '/admin/', 'admin', '..', '.', '%2e', '%2E', '%2f', '%5c', '%0d', '%0a', '%00', '%25', '\r', '\n', '\t', '\u0000',
  '@', ':', 'evil.example', 'https:', 'javascript:', '?', '#', '&', '=', '\u2028', '\u00e9', '\u{1F600}', ' ', '\uff0f', '\u202e', 'content-manager'
);
const candidates = fc.oneof(
  fc.array(pieces, { maxLength: 10 }).map((parts) => parts.join('')),
  fc.array(pieces, { maxLength: 8 }).map((parts) => `/admin/${parts.join('')}`),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 })
);

function outcome(raw: unknown): string | 'refused' {
  try {
    return validateReturnTo(raw, '/admin');
  } catch (error) {
    if (error instanceof SsoError && error.code === 'SSO_RETURN_TO_INVALID') return 'refused';
    throw error;
  }
}

describe('returnTo on any input', () => {
  it('is refused, or is an admin-panel path of this origin that is header-safe and stable', () => {
    let accepted = 0;
    fc.assert(
      fc.property(candidates, (raw) => {
        const result = outcome(raw);
        if (result === 'refused') return;
        accepted += 1;
        // Header-safe: printable ASCII only (everything else percent-encoded), so no CR/LF/NUL can break a header.
        expect(result).toMatch(/^[\x21-\x7e]+$/);
        expect(result.startsWith('/admin')).toBe(true);
        expect(result.startsWith('//')).toBe(false);
        expect(result).not.toContain('\\');
        const target = new URL(`${ORIGIN}${result}`);
        expect(target.origin).toBe(ORIGIN);
        expect(target.pathname === '/admin' || target.pathname.startsWith('/admin/')).toBe(true);
        // Relative to the page too (the admin origin may be '' in the redirect): still this origin.
        expect(new URL(result, `${ORIGIN}/api/sso/x/callback`).origin).toBe(ORIGIN);
        expect(outcome(result)).toBe(result);
      }),
      { numRuns: 5000 }
    );
    expect(accepted).toBeGreaterThan(200);
  });

  it('non-strings (repeated query parameters, objects from qs) are refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.string()), fc.object(), fc.integer(), fc.boolean()), (raw) => {
        expect(outcome(raw)).toBe('refused');
      }),
      { numRuns: 300 }
    );
  });
});
