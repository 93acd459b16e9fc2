/**
 * SCIM filters and paths (RFC 7644 §3.4.2.2, §3.5.2, §3.10): parsing, formatting, in-memory evaluation and
 * translation to Strapi query-engine `where` objects. Framework-free.
 */
export type {
  AttributePath,
  CompareNode,
  CompareOperator,
  FilterNode,
  FilterValue,
  LogicalNode,
  NotNode,
  PatchPath,
  PresentNode,
  ValuePathNode,
} from './ast';
export {
  MAX_NESTING_DEPTH,
  MAX_TEXT_LENGTH,
  parseAttributePath,
  parseFilter,
  parsePatchPath,
  type ParseOptions,
} from './parser';
export { DEFAULT_KNOWN_URNS, formatAttributePath, pathKey } from './attribute-path';
export { formatFilter } from './format';
export {
  compileElementFilter,
  compileFilter,
  evaluateElementFilter,
  evaluateFilter,
  type ScimResource,
} from './evaluate';
export {
  planFilter,
  type ColumnField,
  type ColumnType,
  type FieldMap,
  type FilterPlan,
  type LookupCondition,
  type LookupField,
  type PlanOptions,
} from './plan';
