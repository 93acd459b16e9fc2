/**
 * Allowed values of declared attributes, checked on SCIM writes (the caller answers 400 `invalidValue`).
 *
 * Decision: a value is allowed when it equals an allowed value after trimming and ignoring case (the same
 * `comparableText` rules use). SCIM string attributes are not case-exact by default (RFC 7643 §2.3.1,
 * `userType` included) and Entra expressions easily produce `premium` for `Premium`; rules compare ignoring
 * case anyway, so accepting it loses nothing. Missing and empty values are not violations: Entra does not send
 * null attributes, and "no value" is for rules (`present`) to judge.
 */
import { readScimValues } from './scim-values';
import { comparableText } from './text';
import type { DeclaredAttribute } from './types';

export interface AllowedValueViolation {
  key: string;
  scimPath: string;
  /** The offending value as sent (trimmed). */
  value: string;
  allowed: string[];
}

/** Every value of every declared attribute with `allowedValues` that is not one of them, in declaration order. */
export function findAllowedValueViolations(
  data: Record<string, unknown>,
  declared: DeclaredAttribute[]
): AllowedValueViolation[] {
  return declared.flatMap((attribute) => {
    const allowed = attribute.allowedValues;
    if (allowed === undefined || allowed.length === 0) return [];
    const comparable = new Set(allowed.map(comparableText));
    return readScimValues(data, attribute.scimPath)
      .filter((value) => !comparable.has(comparableText(value)))
      .map((value) => ({ key: attribute.key, scimPath: attribute.scimPath, value, allowed: [...allowed] }));
  });
}

/**
 * `userType must be one of: Premium, Standard (got "Gold")`. Named by SCIM path, the name the IdP's admin
 * mapped and sees in their provisioning logs.
 */
export const formatViolation = (violation: AllowedValueViolation): string =>
  `${violation.scimPath} must be one of: ${violation.allowed.join(', ')} (got "${violation.value}")`;
