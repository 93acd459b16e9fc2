/**
 * CSV (RFC 4180) for exports opened in spreadsheets. Pure: no Strapi, no I/O.
 *
 * Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
 * return) as a formula — "CSV injection": an IdP-supplied userName like `=HYPERLINK(...)` would become a
 * live link in the admin's spreadsheet. Such cells get a leading apostrophe, which spreadsheets show as text.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as text, neutralised against formulas, quoted when it holds a quote, a separator or a line break. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF terminator. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
