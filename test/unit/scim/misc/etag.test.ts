import { checkIfMatch, isNotModified, parseEntityTags, weakEtag } from '../../../../server/src/scim/etag';
import { expectScimError } from './expect-scim-error';

describe('etag (RFC 7644 §3.14, RFC 7232 weak comparison)', () => {
  it('weakEtag', () => {
    expect(weakEtag(3)).toBe('W/"3"');
  });

  it('parses lists, weak and strong tags, quoted commas', () => {
    expect(parseEntityTags('W/"1", "2",W/"a,b"')).toEqual([
      { weak: true, opaque: '1' },
      { weak: false, opaque: '2' },
      { weak: true, opaque: 'a,b' },
    ]);
    expect(parseEntityTags(' * ')).toBe('*');
  });

  it.each([
    [undefined],
    [''],
    ['*'],
    ['W/"3"'],
    ['"3"'],
    ['W/"1", W/"3"'],
    ['w/"3"'],
    ['W/3'],
  ])('If-Match %p matches W/"3"', (header) => {
    expect(() => checkIfMatch(header, weakEtag(3))).not.toThrow();
  });

  it.each([['W/"2"'], ['"4"'], ['W/"1", "2"'], ['W/"33"'], ['garbage']])('If-Match %p → 412', (header) => {
    expectScimError(() => checkIfMatch(header, weakEtag(3)), 412);
  });

  it('isNotModified', () => {
    expect(isNotModified('W/"3"', 'W/"3"')).toBe(true);
    expect(isNotModified('"3"', 'W/"3"')).toBe(true);
    expect(isNotModified('*', 'W/"3"')).toBe(true);
    expect(isNotModified('W/"2"', 'W/"3"')).toBe(false);
    expect(isNotModified(undefined, 'W/"3"')).toBe(false);
    expect(isNotModified('', 'W/"3"')).toBe(false);
  });
});
