/**
 * Turning zod issues into messages an owner can act on: they name rules and attributes by the id or key the
 * owner wrote, not by array index (`rule "premium-editors": condition 2: …`).
 */
import type { ZodIssue } from 'zod';
import { isPlainObject } from '../scim/resources/json';

export type IssuePath = (string | number)[];

/** `rule "premium-editors"`, or `rule 3` (counted from 1) when the item has no usable id. */
export function describeItem(kind: string, item: unknown, idField: string, index: number): string {
  const id = isPlainObject(item) ? item[idField] : undefined;
  return typeof id === 'string' && id.trim() !== '' ? `${kind} "${id.trim()}"` : `${kind} ${index + 1}`;
}

/** `where: message`, where `describe` names the place `issue.path` points at ('' for the whole input). */
export function formatIssues(issues: ZodIssue[], describe: (path: IssuePath) => string): string[] {
  return issues.map((issue) => {
    const where = describe([...issue.path]);
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
}
