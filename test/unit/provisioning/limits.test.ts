import { ScimError } from '../../../server/src/scim/errors';
import { MAX_COLUMN_CHARACTERS, assertFitsColumn } from '../../../server/src/provisioning/limits';

const refusal = (value: string) => {
  try {
    assertFitsColumn('userName', value);
    return undefined;
  } catch (error) {
    return error instanceof ScimError ? { status: error.status, scimType: error.scimType, detail: error.message } : error;
  }
};

describe('column limits (varchar(255) on PostgreSQL)', () => {
  test('255 characters fit; 256 are a 400 invalidValue naming the attribute and the limit', () => {
    expect(MAX_COLUMN_CHARACTERS).toBe(255);
    expect(refusal('a'.repeat(255))).toBeUndefined();
    expect(refusal('a'.repeat(256))).toEqual({ status: 400, scimType: 'invalidValue', detail: '"userName" is 256 characters long; at most 255 are accepted' });
  });

  test('characters are code points, as PostgreSQL counts them: 255 emoji (510 UTF-16 units) fit', () => {
    expect(refusal('\u{1F600}'.repeat(255))).toBeUndefined();
    expect(refusal('\u{1F600}'.repeat(256))).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining('256 characters') });
  });

  test('the lower-cased form can be longer ("İ" → "i̇"): callers check what is stored', () => {
    const name = '\u0130'.repeat(200);
    expect(refusal(name)).toBeUndefined();
    expect(refusal(name.toLowerCase())).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining('400 characters') });
  });

  test('absent values pass', () => {
    expect(() => assertFitsColumn('externalId', null)).not.toThrow();
    expect(() => assertFitsColumn('externalId', undefined)).not.toThrow();
  });
});
