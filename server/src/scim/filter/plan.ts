/**
 * Turns a filter into a `where` for Strapi's query engine plus, when SQL cannot say exactly what SCIM means,
 * a residual filter to run in memory on the rows it returns.
 *
 * The contract: the rows matching `where` are a superset of the resources matching the filter, and keeping
 * those rows for which `evaluateFilter(residual, resource)` holds gives exactly the matching resources.
 * `residual: undefined` means `where` is exact; `where: undefined` means no restriction (a full scan).
 *
 * Fields: only attributes the caller indexes take part. A `ColumnField` is a column of the resource table, a
 * `LookupField` a side table of values of a multi-valued attribute (e.g. `emails.value`, `members.value`), which
 * the caller queries when it meets a `LookupCondition` and replaces by `{ id: { $in: ids } }` (`$notIn` when
 * negated). Both must hold exactly what is served, lower-cased when `lowercased`, and nothing (NULL, no row)
 * for unassigned values.
 *
 * How a leaf becomes SQL, and why some stay residual:
 * - Negation is pushed down to the leaves (De Morgan). A negated leaf also matches NULL: SCIM's "not equal"
 *   is true for a missing attribute, SQL's `<>` is not.
 * - `""` is unassigned to SCIM (RFC 7643 §2.5) but a value to SQL, so string operands `""` stay residual.
 * - String equality is exact on a lower-cased column of a case-insensitive attribute and on an as-is column of
 *   a caseExact one (SQLite and PostgreSQL compare bytes); a lower-cased column of a caseExact attribute only
 *   narrows; an as-is column of a case-insensitive attribute cannot be used.
 * - `co`/`sw`/`ew` become `$contains`/`$startsWith`/`$endsWith`. Operands with `%`, `_` or `\` stay residual:
 *   not every Strapi release in our peer range escapes LIKE wildcards in these operators. LIKE ignores ASCII
 *   case in SQLite but not in PostgreSQL, so on caseExact columns it only narrows.
 * - `gt`/`ge`/`lt`/`le` on strings follow the database collation, not code-unit order: residual. On
 *   dateTime and integer columns they are exact.
 * - Attributes without a field, extension attributes without a definition, and multi-valued attributes mapped
 *   to a column (a column holds one value) are residual.
 */
import type { ResourceSchemas } from '../schema/attributes';
import { scimErrors } from '../errors';
import type {
  AttributePath,
  CompareNode,
  CompareOperator,
  FilterNode,
  FilterValue,
  PresentNode,
  ValuePathNode,
} from './ast';
import { pathKey } from './attribute-path';
import {
  bindAttribute,
  bindComparison,
  nullAsPresence,
  type AttributeBinding,
  type BoundComparison,
  type Failure,
} from './binding';
import { compileFilter } from './evaluate';

export type ColumnType = 'string' | 'boolean' | 'dateTime' | 'integer';

/**
 * A value stored in its own indexed column. `lowercased`: the column holds the value lower-cased, so compare
 * with the lower-cased operand. `caseExact` must repeat the attribute definition's; when it does not, the
 * attribute is left to the residual rather than trusted either way.
 */
export interface ColumnField {
  kind: 'column';
  column: string;
  type: ColumnType;
  lowercased: boolean;
  caseExact: boolean;
}

/**
 * A multi-valued attribute whose values live in a side index table the caller queries (e.g. emails.value,
 * members.value). Exact plans need `lowercased` for case-insensitive attributes (emails.value) and values kept
 * as they are for caseExact ones (members.value); the other two combinations only narrow or are unusable.
 */
export interface LookupField {
  kind: 'lookup';
  key: string;
  lowercased: boolean;
}

/** Keys as produced by `pathKey()`. */
export type FieldMap = Record<string, ColumnField | LookupField>;

/**
 * Placeholder the caller replaces by `{ id: { $in: ids } }` (or `$notIn` when `negate`) after querying its index:
 * `ids` are the resources with at least one indexed value `v` (for `key`) such that `v op value`, where `value`
 * is already lower-cased for a `lowercased` field. `op` is one of `eq`, `ne`, `co`, `sw`, `ew` (LIKE, `value`
 * free of wildcards), or `pr` (`value` null): the resource has any indexed value.
 */
export interface LookupCondition {
  $lookup: { key: string; op: CompareOperator | 'pr'; value: FilterValue; negate: boolean };
}

export interface FilterPlan {
  where: Record<string, unknown> | undefined;
  residual: FilterNode | undefined;
}

export interface PlanOptions {
  /**
   * `'binary'` (default): `=` and LIKE distinguish case and accents on stored text, as in SQLite and PostgreSQL.
   * `'insensitive'`: they do not (MySQL and MariaDB `*_ci` collations), so every string comparison only narrows
   * and negated ones stay residual.
   */
  stringComparison?: 'binary' | 'insensitive';
}

export function planFilter(
  node: FilterNode,
  fields: FieldMap,
  schemas: ResourceSchemas,
  options: PlanOptions = {}
): FilterPlan {
  // Reject exactly what evaluation rejects (unknown attributes, mistyped operands), wherever it sits.
  compileFilter(node, schemas);
  const context: PlanContext = {
    fields,
    schemas,
    fail: scimErrors.invalidFilter,
    insensitiveStrings: options.stringComparison === 'insensitive',
  };
  const { where, residual } = planNode(node, false, context);
  return { where, residual };
}

// --- structure -----------------------------------------------------------------------------------------------

type Where = Record<string, unknown>;

interface PlanContext {
  fields: FieldMap;
  schemas: ResourceSchemas;
  fail: Failure;
  insensitiveStrings: boolean;
}

interface Planned {
  where: Where | undefined;
  /** What the rows of `where` must still satisfy; undefined when `where` is exact. */
  residual: FilterNode | undefined;
}

/** A leaf's SQL: `where` (undefined: unrestricted) is a superset of the leaf's matches, equal to them if `exact`. */
interface LeafPlan {
  where: Where | undefined;
  exact: boolean;
}

const UNRESTRICTED: LeafPlan = { where: undefined, exact: false };

/** Plans `node`, or `not (node)` when `negated`. */
function planNode(node: FilterNode, negated: boolean, context: PlanContext): Planned {
  switch (node.kind) {
    case 'not':
      return planNode(node.filter, !negated, context);
    case 'and':
    case 'or': {
      const left = planNode(node.left, negated, context);
      const right = planNode(node.right, negated, context);
      // De Morgan: under negation `and` turns into `or` and `or` into `and`.
      if ((node.kind === 'and') !== negated) {
        // Rows of an exact side satisfy it; only the inexact sides need checking.
        const residual =
          left.residual && right.residual
            ? { kind: 'and' as const, left: left.residual, right: right.residual }
            : (left.residual ?? right.residual);
        return { where: allOf([left.where, right.where]), residual };
      }
      // A row may come from either side, so an inexact side means re-checking the whole disjunction.
      const exact = !left.residual && !right.residual;
      return { where: anyOf([left.where, right.where]), residual: exact ? undefined : withPolarity(node, negated) };
    }
    case 'valuePath':
      return fromLeaf(node, negated, planValuePath(node, negated, context));
    case 'compare':
    case 'present':
      return fromLeaf(node, negated, planLeaf(node, negated, context));
  }
}

function fromLeaf(node: FilterNode, negated: boolean, leaf: LeafPlan): Planned {
  return { where: leaf.where, residual: leaf.exact ? undefined : withPolarity(node, negated) };
}

const withPolarity = (node: FilterNode, negated: boolean): FilterNode =>
  negated ? { kind: 'not', filter: node } : node;

/** `$and` of the restricting parts; nested `$and`s are flattened for readable plans. */
function allOf(wheres: Array<Where | undefined>): Where | undefined {
  const parts = wheres.flatMap((where) => (where === undefined ? [] : (only(where, '$and') ?? [where])));
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { $and: parts };
}

/** `$or`, unrestricted as soon as one side is. */
function anyOf(wheres: Array<Where | undefined>): Where | undefined {
  if (wheres.some((where) => where === undefined)) return undefined;
  const parts = (wheres as Where[]).flatMap((where) => only(where, '$or') ?? [where]);
  return parts.length === 1 ? parts[0] : { $or: parts };
}

/** The operand list of a where that is nothing but `{ [operator]: [...] }`. */
function only(where: Where, operator: '$and' | '$or'): Where[] | undefined {
  const keys = Object.keys(where);
  const list = where[operator];
  return keys.length === 1 && Array.isArray(list) ? (list as Where[]) : undefined;
}

// --- value paths ---------------------------------------------------------------------------------------------

/**
 * `emails[type eq "work" and value co "@x"]` holds when one element satisfies the whole bracket. A conjunct
 * made of positive comparisons joined by `or` can be lifted to the attribute (`emails.value co "@x"`): "some
 * element has a value containing @x" is exactly what the multi-valued comparison means. With one conjunct the
 * lifted filter is equivalent; with several, each lifted conjunct only narrows (they may hold in different
 * elements), so the value path stays residual. Entra's `emails[type eq "work"].value eq "x"` thus becomes a
 * lookup on `emails.value` narrowed in memory by the `type` part.
 */
function planValuePath(node: ValuePathNode, negated: boolean, context: PlanContext): LeafPlan {
  const lifted = conjuncts(node.filter).map((conjunct) => lift(conjunct, node.path));
  const [first] = lifted;
  if (lifted.length === 1 && first) {
    const planned = planNode(first, negated, context);
    return { where: planned.where, exact: planned.residual === undefined };
  }
  if (negated) return UNRESTRICTED;
  const wheres = lifted.flatMap((conjunct) => (conjunct ? [planNode(conjunct, false, context).where] : []));
  return { where: allOf(wheres), exact: false };
}

function conjuncts(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

/**
 * Rewrites `value co "@x"` inside `emails[…]` as `emails.value co "@x"`, for positive tests only: `ne`, `eq null`
 * and `not` are true for elements lacking the sub-attribute, which the lifted form cannot see.
 */
function lift(node: FilterNode, parent: AttributePath): FilterNode | undefined {
  const liftPath = (inner: AttributePath): AttributePath =>
    parent.schema === undefined
      ? { attribute: parent.attribute, subAttribute: inner.attribute }
      : { schema: parent.schema, attribute: parent.attribute, subAttribute: inner.attribute };
  switch (node.kind) {
    case 'or': {
      const left = lift(node.left, parent);
      const right = lift(node.right, parent);
      return left && right ? { kind: 'or', left, right } : undefined;
    }
    case 'present':
      return { kind: 'present', path: liftPath(node.path) };
    case 'compare':
      return node.op === 'ne' || node.value === null ? undefined : { ...node, path: liftPath(node.path) };
    default:
      return undefined;
  }
}

// --- leaves --------------------------------------------------------------------------------------------------

function planLeaf(node: CompareNode | PresentNode, negated: boolean, context: PlanContext): LeafPlan {
  const binding = bindAttribute(node.path, context.schemas, context.fail);
  if (binding.freeForm) return UNRESTRICTED;
  if (node.kind === 'present') return planPresence(node.path, binding, negated, context);
  if (node.value === null) {
    const { negate } = nullAsPresence(node, context.fail);
    return planPresence(node.path, binding, negated !== negate, context);
  }
  const comparison = bindComparison(node, binding, context.fail);
  // `emails eq "x"` compares `emails.value`, and is indexed under that key.
  const keyPath = comparison.viaValue ? { ...node.path, subAttribute: 'value' } : node.path;
  const field = fieldFor(keyPath, context);
  if (!field) return UNRESTRICTED;
  if (field.kind === 'lookup') return planLookup(field, comparison, negated, context);
  if (binding.multiValued) return UNRESTRICTED;
  return planColumn(field, comparison, negated, context);
}

function fieldFor(path: AttributePath, context: PlanContext): ColumnField | LookupField | undefined {
  const key = pathKey(path, context.schemas);
  return Object.hasOwn(context.fields, key) ? context.fields[key] : undefined;
}

function planPresence(
  path: AttributePath,
  binding: AttributeBinding,
  negated: boolean,
  context: PlanContext
): LeafPlan {
  // A complex value is present when any of its sub-attributes is, which no single field records.
  if (binding.definition?.type === 'complex') return UNRESTRICTED;
  const field = fieldFor(path, context);
  if (!field) return UNRESTRICTED;
  if (field.kind === 'lookup') return { where: lookup(field, 'pr', null, negated), exact: true };
  if (binding.multiValued) return UNRESTRICTED;
  const { column } = field;
  if (field.type !== 'string')
    return { where: { [column]: negated ? { $null: true } : { $notNull: true } }, exact: true };
  // "" is not a value to SCIM (RFC 7644 §3.4.2.2 pr: "a non-empty value").
  return negated
    ? { where: { $or: [{ [column]: { $null: true } }, { [column]: { $eq: '' } }] }, exact: true }
    : { where: { $and: [{ [column]: { $notNull: true } }, { [column]: { $ne: '' } }] }, exact: true };
}

function planColumn(field: ColumnField, comparison: BoundComparison, negated: boolean, context: PlanContext): LeafPlan {
  const { op, operand } = comparison;
  switch (operand.type) {
    case 'string':
      if (field.type !== 'string' || field.caseExact !== operand.caseExact) return UNRESTRICTED;
      return planStringColumn(field, op, operand.value, negated, context);
    case 'boolean':
      return field.type === 'boolean' ? planOrdered(field.column, op, operand.value, negated) : UNRESTRICTED;
    case 'dateTime':
      return field.type === 'dateTime' ? planOrdered(field.column, op, operand.text, negated) : UNRESTRICTED;
    case 'number':
      return field.type === 'integer' ? planOrdered(field.column, op, operand.value, negated) : UNRESTRICTED;
    case 'untyped':
      return UNRESTRICTED;
  }
}

const ORDER: Partial<Record<CompareOperator, string>> = { gt: '$gt', ge: '$gte', lt: '$lt', le: '$lte' };
const NEGATED_ORDER: Partial<Record<CompareOperator, string>> = { gt: '$lte', ge: '$lt', lt: '$gte', le: '$gt' };
const LIKE: Partial<Record<CompareOperator, string>> = { co: '$contains', sw: '$startsWith', ew: '$endsWith' };
const LIKE_WILDCARDS = /[%_\\]/;

/** Booleans, instants and integers: SQL compares them as SCIM does, so every operator is exact. */
function planOrdered(
  column: string,
  op: CompareOperator,
  value: string | number | boolean,
  negated: boolean
): LeafPlan {
  if (op === 'eq' || op === 'ne') {
    const equal = (op === 'eq') !== negated;
    return {
      where: equal ? { [column]: { $eq: value } } : orMissing(column, { [column]: { $ne: value } }),
      exact: true,
    };
  }
  const operator = (negated ? NEGATED_ORDER : ORDER)[op];
  if (operator === undefined) return UNRESTRICTED; // co/sw/ew on an instant look at its text
  const where = { [column]: { [operator]: value } };
  return { where: negated ? orMissing(column, where) : where, exact: true };
}

function planStringColumn(
  field: ColumnField,
  op: CompareOperator,
  operand: string,
  negated: boolean,
  context: PlanContext
): LeafPlan {
  if (operand === '') return UNRESTRICTED;
  const { column } = field;
  const value = field.lowercased ? operand.toLowerCase() : operand;
  if (op === 'eq' || op === 'ne') {
    const fidelity = equalityFidelity(field.lowercased, field.caseExact, context);
    if ((op === 'eq') !== negated) {
      return fidelity === 'none' ? UNRESTRICTED : { where: { [column]: { $eq: value } }, exact: fidelity === 'exact' };
    }
    return fidelity === 'exact'
      ? { where: orMissing(column, { [column]: { $ne: value } }), exact: true }
      : UNRESTRICTED;
  }
  const like = LIKE[op];
  if (like === undefined || LIKE_WILDCARDS.test(operand)) return UNRESTRICTED;
  const fidelity = likeFidelity(field.lowercased, field.caseExact, context);
  const matches = { [column]: { [like]: value } };
  if (!negated) return fidelity === 'none' ? UNRESTRICTED : { where: matches, exact: fidelity === 'exact' };
  if (fidelity !== 'exact') return UNRESTRICTED;
  return {
    where: orMissing(column, op === 'co' ? { [column]: { $notContains: value } } : { $not: matches }),
    exact: true,
  };
}

function planLookup(field: LookupField, comparison: BoundComparison, negated: boolean, context: PlanContext): LeafPlan {
  const { op, operand } = comparison;
  if (operand.type !== 'string' || operand.value === '') return UNRESTRICTED;
  const value = field.lowercased ? operand.value.toLowerCase() : operand.value;
  const equality = equalityFidelity(field.lowercased, operand.caseExact, context);
  if (op === 'eq') {
    if (!negated)
      return equality === 'none'
        ? UNRESTRICTED
        : { where: lookup(field, 'eq', value, false), exact: equality === 'exact' };
    return equality === 'exact' ? { where: lookup(field, 'eq', value, true), exact: true } : UNRESTRICTED;
  }
  if (op === 'ne') {
    if (equality !== 'exact') return UNRESTRICTED;
    // Multi-valued "not equal": some value differs, or there is no value at all.
    return negated
      ? { where: allOf([lookup(field, 'ne', value, true), lookup(field, 'pr', null, false)]), exact: true }
      : { where: anyOf([lookup(field, 'ne', value, false), lookup(field, 'pr', null, true)]), exact: true };
  }
  if (LIKE[op] === undefined || LIKE_WILDCARDS.test(operand.value)) return UNRESTRICTED;
  const fidelity = likeFidelity(field.lowercased, operand.caseExact, context);
  if (!negated)
    return fidelity === 'none' ? UNRESTRICTED : { where: lookup(field, op, value, false), exact: fidelity === 'exact' };
  return fidelity === 'exact' ? { where: lookup(field, op, value, true), exact: true } : UNRESTRICTED;
}

const lookup = (field: LookupField, op: CompareOperator | 'pr', value: FilterValue, negate: boolean): Where =>
  ({ $lookup: { key: field.key, op, value, negate } }) satisfies LookupCondition;

/** SCIM's negations also hold when nothing is stored. */
const orMissing = (column: string, where: Where): Where => ({ $or: [where, { [column]: { $null: true } }] });

/** How a SQL string comparison on the stored form relates to SCIM's: the same, a superset, or unrelated. */
type Fidelity = 'exact' | 'superset' | 'none';

/**
 * `=`: exact on a lower-cased column of a case-insensitive attribute and on an as-is column of a caseExact one;
 * a superset on a lower-cased column of a caseExact attribute (all case variants match); unusable on an as-is
 * column of a case-insensitive attribute (`=` would miss other cases), except under case-insensitive collations.
 */
function equalityFidelity(lowercased: boolean, caseExact: boolean, context: PlanContext): Fidelity {
  if (context.insensitiveStrings) return 'superset';
  if (lowercased) return caseExact ? 'superset' : 'exact';
  return caseExact ? 'exact' : 'none';
}

/** LIKE: as `=`, except that SQLite's LIKE ignores ASCII case, so on as-is caseExact text it only narrows. */
function likeFidelity(lowercased: boolean, caseExact: boolean, context: PlanContext): Fidelity {
  if (context.insensitiveStrings) return 'superset';
  if (caseExact) return 'superset';
  return lowercased ? 'exact' : 'none';
}
