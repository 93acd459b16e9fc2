/**
 * Lengths of the values that land in indexed columns. Strapi's `string` attribute is `varchar(255)` on
 * PostgreSQL and MySQL, and SQLite enforces no length at all: without a check here a 300-character userName
 * is stored on SQLite and is a database error (a 500) on PostgreSQL. Checked before anything is written,
 * so every database answers the same 400 invalidValue and no half-written user is left behind.
 *
 * Only the columns are limited; other attribute values live in the JSON `data` column and are bounded by the
 * request body limit (`scim.maxBodyBytes`).
 */
import { scimErrors } from '../scim/errors';

/** PostgreSQL counts varchar lengths in characters (code points), not UTF-16 units: an emoji counts once. */
export const MAX_COLUMN_CHARACTERS = 255;

const characters = (value: string): number => {
  // Cheap exits first: a UTF-16 length within the limit is within it in code points too.
  if (value.length <= MAX_COLUMN_CHARACTERS) return value.length;
  let count = 0;
  for (const _ of value) count += 1;
  return count;
};

/**
 * Throws invalidValue when `value` (as stored: callers pass lower-cased forms too, since lower-casing can
 * lengthen a text — "İ" becomes "i̇", two characters) is longer than a column holds.
 */
export function assertFitsColumn(attribute: string, value: string | null | undefined): void {
  if (typeof value !== 'string') return;
  const length = characters(value);
  if (length > MAX_COLUMN_CHARACTERS) {
    throw scimErrors.invalidValue(`"${attribute}" is ${length} characters long; at most ${MAX_COLUMN_CHARACTERS} are accepted`);
  }
}
