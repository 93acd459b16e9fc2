/**
 * An in-memory stand-in for the store behind `planFilter`: rows with the indexed columns, side tables for
 * lookup fields, and a `where` evaluator with SQL's three-valued logic (a comparison with NULL is unknown,
 * `$ne` does not match NULL, NOT unknown is unknown).
 *
 * String semantics follow SQLite by default (`=` compares bytes, LIKE ignores ASCII case only), the database
 * the integration tests run on and the one with the surprising LIKE; `insensitive` mimics MySQL's `*_ci`
 * collations (both `=` and LIKE ignore case).
 */
import type { ColumnType, FieldMap, FilterValue, LookupCondition } from '../../../../server/src/scim/filter';

export type Row = { id: string } & Record<string, unknown>;
export type Collation = 'sqlite' | 'insensitive';

export interface MemoryDatabase {
  rows: Row[];
  /** Lookup key → resource id → indexed values (already lower-cased for lower-cased fields). */
  index: Map<string, Map<string, string[]>>;
  columnTypes: Record<string, ColumnType>;
  collation: Collation;
}

/** NULL is `null`; true and false as usual. */
type Truth = boolean | null;

export function select(database: MemoryDatabase, where: Record<string, unknown> | undefined): Row[] {
  if (where === undefined) return database.rows;
  return database.rows.filter((row) => evaluate(database, where, row) === true);
}

function evaluate(database: MemoryDatabase, where: Record<string, unknown>, row: Row): Truth {
  const results = Object.entries(where).map(([key, operand]): Truth => {
    switch (key) {
      case '$and':
        return all((operand as Array<Record<string, unknown>>).map((part) => evaluate(database, part, row)));
      case '$or':
        return any((operand as Array<Record<string, unknown>>).map((part) => evaluate(database, part, row)));
      case '$not':
        return negate(evaluate(database, operand as Record<string, unknown>, row));
      case '$lookup':
        return lookup(database, operand as LookupCondition['$lookup'], row);
      default:
        return all(
          Object.entries(operand as Record<string, unknown>).map(([operator, value]) =>
            compareColumn(database, key, row[key], operator, value)
          )
        );
    }
  });
  return all(results);
}

/** `{ id: { $in: ids } }` / `$notIn`, with `ids` found in the side table as the caller will. */
function lookup(database: MemoryDatabase, condition: LookupCondition['$lookup'], row: Row): Truth {
  const values = database.index.get(condition.key)?.get(row.id) ?? [];
  const found = values.some((value) =>
    condition.op === 'pr' ? true : compareStrings(database.collation, value, condition.op, condition.value) === true
  );
  return condition.negate ? !found : found;
}

function compareColumn(
  database: MemoryDatabase,
  column: string,
  stored: unknown,
  operator: string,
  operand: unknown
): Truth {
  if (operator === '$null') return (stored === null || stored === undefined) === operand;
  if (operator === '$notNull') return (stored !== null && stored !== undefined) === operand;
  if (stored === null || stored === undefined) return null;
  const type = database.columnTypes[column] ?? 'string';
  if (type === 'string')
    return compareStrings(database.collation, stored as string, operator.slice(1), operand as FilterValue);
  const left = type === 'dateTime' ? (stored as number) : (stored as number | boolean);
  const right = type === 'dateTime' ? Date.parse(operand as string) : (operand as number | boolean);
  switch (operator) {
    case '$eq':
      return left === right;
    case '$ne':
      return left !== right;
    case '$gt':
      return left > right;
    case '$gte':
      return left >= right;
    case '$lt':
      return left < right;
    case '$lte':
      return left <= right;
    default:
      throw new Error(`operator ${operator} on a ${type} column`);
  }
}

/** `op` without the `$`: eq, ne, contains/co, startsWith/sw, endsWith/ew, notContains, gt… */
function compareStrings(collation: Collation, stored: string, op: string, operand: FilterValue): Truth {
  if (typeof operand !== 'string') throw new Error(`string column compared with ${String(operand)}`);
  const fold = collation === 'insensitive' ? (text: string) => text.toLowerCase() : (text: string) => text;
  // SQLite: "LIKE is case-insensitive by default for ASCII characters only".
  const likeFold =
    collation === 'insensitive' ? fold : (text: string) => text.replace(/[A-Z]/g, (char) => char.toLowerCase());
  const [left, right] = [fold(stored), fold(operand)];
  const [likeLeft, likeRight] = [likeFold(stored), likeFold(operand)];
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'contains':
    case 'co':
      return likeLeft.includes(likeRight);
    case 'notContains':
      return !likeLeft.includes(likeRight);
    case 'startsWith':
    case 'sw':
      return likeLeft.startsWith(likeRight);
    case 'endsWith':
    case 'ew':
      return likeLeft.endsWith(likeRight);
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      throw new Error('the planner must not order strings in SQL');
    default:
      throw new Error(`unknown string operator ${op}`);
  }
}

const all = (values: Truth[]): Truth => (values.includes(false) ? false : values.includes(null) ? null : true);
const any = (values: Truth[]): Truth => (values.includes(true) ? true : values.includes(null) ? null : false);
const negate = (value: Truth): Truth => (value === null ? null : !value);

/** Builds the table the way a store would index resources: served values, lower-cased where declared. */
export function loadDatabase(
  resources: Array<Record<string, unknown> & { id: string }>,
  fields: FieldMap,
  read: (resource: Record<string, unknown>, key: string) => unknown,
  collation: Collation
): MemoryDatabase {
  const columnTypes: Record<string, ColumnType> = {};
  const index = new Map<string, Map<string, string[]>>();
  const rows = resources.map((resource) => {
    const row: Row = { id: resource.id };
    for (const [key, field] of Object.entries(fields)) {
      const value = read(resource, key);
      if (field.kind === 'column') {
        columnTypes[field.column] = field.type;
        row[field.column] =
          value === undefined ? null : field.lowercased && typeof value === 'string' ? value.toLowerCase() : value;
      } else {
        const values = (Array.isArray(value) ? value : [value]).filter(
          (candidate): candidate is string => typeof candidate === 'string' && candidate !== ''
        );
        const byResource = index.get(field.key) ?? new Map<string, string[]>();
        byResource.set(
          resource.id,
          values.map((candidate) => (field.lowercased ? candidate.toLowerCase() : candidate))
        );
        index.set(field.key, byResource);
      }
    }
    return row;
  });
  return { rows, index, columnTypes, collation };
}
