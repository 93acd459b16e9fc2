/**
 * How the mapping layer treats text, in one place so facts, conditions, allowed values and folders agree.
 *
 * Identity providers are sloppy about case and spacing ("premium", " Premium ", "PREMIUM" all arrive for the
 * same value) and may send the same accented letter composed or decomposed. So:
 * - values are kept as given apart from Unicode NFC and trimming (`cleanText`): that is what owners see;
 * - comparisons use `comparableText`: NFC, trimmed, then `toLowerCase()`, the locale-independent Unicode
 *   mapping — never the runtime's locale, which would make a Turkish server compare `I` and `i` differently;
 * - lists are sorted by UTF-16 code units (`compareText`), not `localeCompare`, so results are byte-for-byte
 *   the same on every machine whatever its ICU data.
 */

/** NFC and trimmed: the form in which values are kept and shown. */
export const cleanText = (value: string): string => value.normalize('NFC').trim();

/** The form in which values are compared: `cleanText`, then lower-cased. */
export const comparableText = (value: string): string => cleanText(value).toLowerCase();

/** Whether two values are the same for rules and allowed values. */
export const sameText = (left: string, right: string): boolean => comparableText(left) === comparableText(right);

/** Code-unit order: stable across machines and locales. */
export const compareText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

/** Unique (exactly) and sorted by code units. */
export const uniqueSorted = (values: Iterable<string>): string[] => [...new Set(values)].sort(compareText);
