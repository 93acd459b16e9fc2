/**
 * Evaluating one rule condition against a person's facts.
 *
 * Comparisons use `comparableText` (NFC, trimmed, lower-cased; see `./text`): IdPs do not keep case stable, and
 * a rule written as `Premium` must match `premium`. On a multi-valued source one matching value is enough.
 * A condition whose expected value is empty never holds: `contains ""` would otherwise match everyone
 * (`validatePolicy` refuses such conditions; this is the safe reading of one that slipped through).
 */
import { cleanText, comparableText, compareText } from './text';
import type { Condition, ConditionTrace, IdentityFacts, Source } from './types';

/** The person's values a source names, cleaned, without empty ones, in a stable order. */
export function valuesForSource(source: Source, facts: IdentityFacts): string[] {
  const raw = ((): (string | null)[] => {
    switch (source.type) {
      case 'userType':
        return [facts.userType];
      case 'role':
        return facts.roles;
      case 'group':
        return facts.groups.map((group) => (source.by === 'externalId' ? group.externalId : group.displayName));
      case 'attribute':
        // Own keys only: a rule naming `toString` must not read Object.prototype.
        return Object.prototype.hasOwnProperty.call(facts.attributes, source.key)
          ? (facts.attributes[source.key] ?? [])
          : [];
    }
  })();
  const cleaned = raw.flatMap((value) => (value === null ? [] : [cleanText(value)])).filter((value) => value !== '');
  return [...new Set(cleaned)].sort(compareText);
}

/** Whether the condition holds for these (cleaned) values. */
export function conditionHolds(condition: Condition, values: readonly string[]): boolean {
  const comparable = values.map(comparableText);
  switch (condition.op) {
    case 'present':
      return comparable.length > 0;
    case 'equals': {
      const expected = comparableText(condition.value);
      return expected !== '' && comparable.includes(expected);
    }
    case 'oneOf': {
      const expected = new Set(condition.values.map(comparableText).filter((value) => value !== ''));
      return comparable.some((value) => expected.has(value));
    }
    case 'contains': {
      const expected = comparableText(condition.value);
      return expected !== '' && comparable.some((value) => value.includes(expected));
    }
  }
}

/** Evaluates a condition and records what it looked at, for explain views. */
export function traceCondition(condition: Condition, facts: IdentityFacts): ConditionTrace {
  const values = valuesForSource(condition.source, facts);
  return { condition, holds: conditionHolds(condition, values), values };
}
