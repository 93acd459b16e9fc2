/**
 * The User resource (RFC 7643 §4.1 and the enterprise extension §4.3): reading POST/PUT bodies into the
 * canonical stored form, writing the SCIM representation, and the facts the Strapi admin user is built from.
 */
import { scimErrors } from '../errors';
import { USER_SCHEMAS } from '../schema/attributes';
import { URN } from '../schema/urns';
import { readResourceBody } from './input';
import { isPlainObject } from './json';
import { resourceBody, resourceMeta, type StoredResource } from './serialize';
import type { ScimUserData } from './types';

export interface ParsedUserInput {
  data: ScimUserData;
  /** Okta sends a password with every create; it is never stored in `data` (the caller hashes or drops it). */
  password?: string;
  /** Attributes present in the body but not stored (unknown core attributes, unknown sub-attributes). */
  ignored: string[];
}

/**
 * Reads a POST or PUT body. PUT is a full replace (RFC 7644 §3.5.1): the result is the complete new data.
 * `id`, `meta` and `groups` are ignored (Okta's PUT echoes them); unknown `schemas` URNs are accepted.
 */
export function parseUserInput(body: unknown): ParsedUserInput {
  const { data, reserved, ignored } = readResourceBody(body, USER_SCHEMAS, ['password']);
  const userName = data.userName;
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw scimErrors.invalidValue('"userName" is required and must be a non-empty string');
  }
  const result: ParsedUserInput = { data, ignored };
  const password = reserved.get('password');
  if (password !== undefined && password !== null) {
    if (typeof password !== 'string') throw scimErrors.invalidValue('"password" must be a string');
    result.password = password;
  }
  return result;
}

export interface StoredUser extends StoredResource {
  /** The groups the user is a direct member of; omitted from the output when undefined. */
  groups?: { value: string; display?: string }[];
}

export interface SerializeUserOptions {
  /** The user's own URL, for `meta.location`. */
  location: string;
  /** Builds each group's `$ref`; without it `$ref` is omitted (it is optional, RFC 7643 §4.1.2). */
  groupLocation?: (id: string) => string;
}

export function serializeUser(record: StoredUser, options: SerializeUserOptions): Record<string, unknown> {
  const user = resourceBody(URN.user, record);
  delete user.password; // returned: never (RFC 7643 §4.1.1), should a caller ever store one
  if (record.groups) {
    user.groups = record.groups.map((group) => {
      const entry: Record<string, unknown> = { value: group.value };
      if (options.groupLocation) entry.$ref = options.groupLocation(group.value);
      if (group.display !== undefined) entry.display = group.display;
      entry.type = 'direct'; // memberships are only ever direct: nested groups are not expanded
      return entry;
    });
  }
  user.meta = resourceMeta('User', record, options.location);
  return user;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const emailValues = (data: ScimUserData): { value: string; type?: unknown; primary?: unknown }[] => {
  const emails = data.emails;
  if (!Array.isArray(emails)) return [];
  return emails.flatMap((email) =>
    isPlainObject(email) && typeof email.value === 'string' && email.value.trim() !== ''
      ? [{ value: email.value.trim(), type: email.type, primary: email.primary }]
      : []
  );
};

/**
 * The address the Strapi admin user is bound to: the primary email, else the work email, else the first,
 * else `userName` when it is an address (Entra's default userName is the UPN, usually the mail address).
 */
export function primaryEmail(data: ScimUserData): string | undefined {
  const emails = emailValues(data);
  const chosen =
    emails.find((email) => email.primary === true) ??
    emails.find((email) => typeof email.type === 'string' && email.type.toLowerCase() === 'work') ??
    emails[0];
  if (chosen) return chosen.value;
  const userName = typeof data.userName === 'string' ? data.userName.trim() : '';
  return EMAIL_PATTERN.test(userName) ? userName : undefined;
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * First and last name for the Strapi admin user: `name.givenName`/`name.familyName`, else `displayName` or
 * `name.formatted` split at the first space, else the local part of userName — Strapi requires a first name.
 */
export function displayNameParts(data: ScimUserData): { firstname: string; lastname?: string } {
  const name = isPlainObject(data.name) ? data.name : {};
  const given = nonEmpty(name.givenName);
  const family = nonEmpty(name.familyName);
  if (given) return family ? { firstname: given, lastname: family } : { firstname: given };
  const full = nonEmpty(data.displayName) ?? nonEmpty(name.formatted);
  if (full) {
    const [first = full, ...rest] = full.split(/\s+/);
    if (rest.length > 0) return { firstname: first, lastname: rest.join(' ') };
    return family ? { firstname: first, lastname: family } : { firstname: first };
  }
  const userName = nonEmpty(data.userName) ?? '';
  const localPart = userName.split('@')[0] || userName;
  return family ? { firstname: localPart, lastname: family } : { firstname: localPart };
}
