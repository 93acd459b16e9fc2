/**
 * What applying a new mapping result changes, for dry-run previews and for skipping writes that change nothing.
 */
import { compareText } from './text';
import type { MappingChange, MappingResult } from './types';

/**
 * The difference from `before` to `after`. `before` null is a person seen for the first time: all their roles
 * and folders are added, and `activation` stays null (nothing flips; `after.active` says how they start).
 * Roles and folders compare exactly: a folder spelt differently is a different Strapi folder.
 */
export function diffMappings(before: MappingResult | null, after: MappingResult): MappingChange {
  const activation =
    before === null || before.active === after.active ? null : after.active ? 'reactivated' : 'deactivated';
  return {
    rolesAdded: missingFrom(before?.roles ?? [], after.roles),
    rolesRemoved: missingFrom(after.roles, before?.roles ?? []),
    foldersAdded: missingFrom(before?.folders ?? [], after.folders),
    foldersRemoved: missingFrom(after.folders, before?.folders ?? []),
    activation,
  };
}

export function isNoChange(change: MappingChange): boolean {
  return (
    change.rolesAdded.length === 0 &&
    change.rolesRemoved.length === 0 &&
    change.foldersAdded.length === 0 &&
    change.foldersRemoved.length === 0 &&
    change.activation === null
  );
}

/** Values of `list` not in `reference`, unique and sorted. */
const missingFrom = (reference: readonly string[], list: readonly string[]): string[] => {
  const known = new Set(reference);
  return [...new Set(list.filter((value) => !known.has(value)))].sort(compareText);
};
