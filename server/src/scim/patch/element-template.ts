/**
 * What a PATCH value filter (`emails[type eq "work"]`, RFC 7644 §3.5.2) says about the element it selects,
 * so add/replace can create that element when none matches. (Matching itself is `compileElementFilter` in
 * `../filter`, shared with queries.)
 */
import type { FilterNode, FilterValue } from '../filter';
import type { AttributeDefinition } from '../schema/attributes';
import { isUnsafeKey } from '../resources/json';

type SubAttributes = AttributeDefinition[] | undefined;

const findDefinition = (list: SubAttributes, name: string) =>
  list?.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());

/**
 * The element a filter describes when it is only `eq` comparisons joined by `and`
 * (`type eq "work"` → `{ type: 'work' }`), so add/replace can create it when nothing matches; otherwise
 * undefined. Sub-attribute names take their canonical spelling.
 */
export function equalityTemplate(filter: FilterNode, subAttributes: SubAttributes): Record<string, FilterValue> | undefined {
  if (filter.kind === 'compare') {
    if (filter.op !== 'eq' || filter.value === null || filter.path.subAttribute !== undefined || filter.path.schema !== undefined) {
      return undefined;
    }
    if (isUnsafeKey(filter.path.attribute)) return undefined;
    const name = findDefinition(subAttributes, filter.path.attribute)?.name ?? filter.path.attribute;
    return { [name]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = equalityTemplate(filter.left, subAttributes);
    const right = equalityTemplate(filter.right, subAttributes);
    if (!left || !right) return undefined;
    for (const [key, value] of Object.entries(right)) {
      if (Object.prototype.hasOwnProperty.call(left, key) && left[key] !== value) return undefined;
    }
    return { ...left, ...right };
  }
  return undefined;
}
