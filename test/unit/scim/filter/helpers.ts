/** Small builders that keep the expected ASTs in the tables readable. */
import { ScimError } from '../../../../server/src/scim/errors';
import type { AttributePath, CompareOperator, FilterNode, FilterValue } from '../../../../server/src/scim/filter';

export const path = (attribute: string, subAttribute?: string, schema?: string): AttributePath => ({
  ...(schema === undefined ? {} : { schema }),
  attribute,
  ...(subAttribute === undefined ? {} : { subAttribute }),
});

/** `"name.givenName"` or `["urn:…", "employeeNumber"]` to an AttributePath. */
const toPath = (name: string | AttributePath): AttributePath => {
  if (typeof name !== 'string') return name;
  const [attribute = '', subAttribute] = name.split('.');
  return path(attribute, subAttribute);
};

export const cmp = (name: string | AttributePath, op: CompareOperator, value: FilterValue): FilterNode => ({
  kind: 'compare',
  path: toPath(name),
  op,
  value,
});
export const pr = (name: string | AttributePath): FilterNode => ({ kind: 'present', path: toPath(name) });
export const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
export const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
export const not = (filter: FilterNode): FilterNode => ({ kind: 'not', filter });
export const valuePath = (name: string | AttributePath, filter: FilterNode): FilterNode => ({
  kind: 'valuePath',
  path: toPath(name),
  filter,
});

/** Runs `action` and returns the ScimError it throws (failing the test if it throws anything else or nothing). */
export function scimErrorOf(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw new Error(`expected a ScimError, got ${String(error)}`);
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}
