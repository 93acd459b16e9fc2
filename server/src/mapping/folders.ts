/**
 * Media Library folder paths from identity attribute values (`Marketing/Campaigns`, `\\Sales\\EMEA\\`).
 *
 * Values come from an IdP expression an owner wrote, so they are normalised, and anything that could climb out
 * of the tree it names is refused rather than repaired: dropping a `..` segment from `Sales/../HR` would grant
 * `Sales/HR`, a folder nobody asked for.
 */
import { cleanText, compareText } from './text';

export type FolderPath = { ok: true; path: string } | { ok: false; reason: string };

/** Control characters, including line breaks: never part of a folder name, a sign of a broken expression. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Normalises one value: NFC and trimmed; `\` read as `/` (Windows-style paths from directory attributes);
 * segments trimmed; empty and `.` segments dropped (so repeated, leading and trailing `/` disappear).
 * Refused: a `..` segment (path traversal), control characters, and values with no segment left.
 * Case is kept: it is the folder's name as the owner spelt it.
 */
export function normaliseFolderPath(value: string): FolderPath {
  const text = cleanText(value);
  if (CONTROL_CHARACTERS.test(text)) return { ok: false, reason: 'contains control characters' };
  const segments = text
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { ok: false, reason: 'contains a ".." segment' };
  if (segments.length === 0) return { ok: false, reason: 'names no folder' };
  return { ok: true, path: segments.join('/') };
}

export interface NormalisedFolders {
  /** Unique (ignoring case) and sorted. */
  folders: string[];
  /** Why values were refused or merged. */
  notes: string[];
}

/**
 * Normalises every value and merges paths that differ only by case, keeping the spelling that sorts first
 * (code-unit order, so upper case wins: `Marketing` over `marketing`). Whether two such folders can coexist
 * depends on the database's collation (distinct on PostgreSQL, the same on MySQL); one folder per path
 * whatever the database is the predictable choice, and picking by sort order rather than by arrival keeps the
 * result independent of the order the IdP sends values in.
 */
export function normaliseFolders(values: readonly string[]): NormalisedFolders {
  const notes: string[] = [];
  const paths: string[] = [];
  for (const value of values) {
    const result = normaliseFolderPath(value);
    if (result.ok) paths.push(result.path);
    else notes.push(`Folder value "${value}" ignored: it ${result.reason}.`);
  }
  const byComparable = new Map<string, string[]>();
  for (const path of [...new Set(paths)].sort(compareText)) {
    const key = path.toLowerCase();
    byComparable.set(key, [...(byComparable.get(key) ?? []), path]);
  }
  const folders: string[] = [];
  for (const spellings of byComparable.values()) {
    const [kept, ...merged] = spellings;
    if (kept === undefined) continue;
    folders.push(kept);
    if (merged.length > 0)
      notes.push(
        `Folder ${merged.map((path) => `"${path}"`).join(', ')} merged into "${kept}" (same path ignoring case).`
      );
  }
  return { folders: folders.sort(compareText), notes: notes.sort(compareText) };
}
