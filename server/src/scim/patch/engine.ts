/**
 * Applying PATCH operations (RFC 7644 §3.5.2) to the canonical stored form of a resource.
 *
 * Pure and atomic: the input is deep-copied first and every failure throws a 400 ScimError, so the caller
 * either gets the complete result or writes nothing. Shared by users (`./user`) and groups (`./group`, which
 * takes `members` out through `reserved`).
 *
 * Decisions (RFC text where it is clear, Entra/Okta behaviour where it is not):
 * - `null` as an add/replace value means "unassign" (RFC 7643 §2.5), like an explicit null in a body.
 * - add on a multi-valued attribute appends, merging an element into an equal one instead of duplicating it
 *   (same `value` and `type`, or equal JSON). replace without a filter replaces the whole list.
 * - add/replace on a single complex attribute merges sub-attributes: those not given are left unchanged
 *   (RFC 7644 §3.5.2.1, §3.5.2.3). Path-less values are the same, attribute by attribute.
 * - add/replace with a value filter that matches nothing creates the element from the filter's `eq`
 *   comparisons (Entra sends `Add emails[type eq "work"].value` even when the user has no work email);
 *   when the filter is not such a conjunction there is nothing to create from: noTarget.
 * - remove with a value filter that matches nothing is noTarget (RFC 7644 §3.5.2.2); remove of an attribute
 *   that has no value is a no-op: removal is idempotent, and a retried request must not fail.
 * - remove with a `value` on a multi-valued attribute removes only the listed elements (Entra's style for
 *   members and roles without aadOptscim062020).
 * - Attributes the schema does not define (unknown core attributes or sub-attributes) are ignored and
 *   reported in `ignored`, as they are in POST/PUT bodies; unknown extensions are stored as received.
 * - readOnly attributes → mutability; except `id` set to the resource's own id, which Okta echoes.
 */
import { scimErrors } from '../errors';
import { compileElementFilter, type AttributePath, type FilterNode, type PatchPath } from '../filter';
import type { AttributeDefinition, ResourceSchemas } from '../schema/attributes';
import { coerceAttributeValue, coerceFreeFormValue, coerceSingleValue } from '../resources/coerce';
import { cloneJson, findKeyIgnoringCase, isPlainObject, isUnsafeKey, jsonEqual, type JsonObject } from '../resources/json';
import {
  KNOWN_SCHEMA_URNS,
  canonicalName,
  formatAttributeName,
  getAt,
  namesWholeExtension,
  removeAt,
  resolveAttribute,
  setAt,
  splitAttributeName,
  type AttributeName,
  type ResolvedAttribute,
} from '../resources/paths';
import { parsePathSafely, type PatchOp, type PatchOperation } from './request';
import { equalityTemplate } from './element-template';

/** Where a reserved attribute (group `members`) was targeted. */
export interface ReservedTarget {
  /** The canonical attribute name (`members`). */
  attribute: string;
  /** The path-less form (`{"op":"add","value":{"members":[…]}}`) has no path. */
  path?: PatchPath;
}

export interface PatchEngineOptions {
  schemas: ResourceSchemas;
  /** The resource's own id: setting `id` to it is an echo, not a change (Okta). */
  id?: string;
  knownUrns?: string[];
  /** Top-level core attributes the caller applies itself (group members); never written to data. */
  reserved?: {
    names: string[];
    handle(op: PatchOp, target: ReservedTarget, value: unknown, hasValue: boolean): void;
  };
}

export interface PatchOutcome {
  data: JsonObject;
  /** Canonical names of the attributes whose stored value changed (or `password` when one was given). */
  changed: string[];
  /** Names of attributes that were targeted but are not defined for the resource. */
  ignored: string[];
  /** A password given by the patch; never part of `data`. */
  password?: string;
}

const VALID_OPS = new Set(['add', 'replace', 'remove']);

export function applyPatchOperations(
  data: JsonObject,
  operations: readonly PatchOperation[],
  options: PatchEngineOptions
): PatchOutcome {
  const original = (cloneJson(isPlainObject(data) ? data : {}) ?? {}) as JsonObject;
  const engine = new PatchEngine((cloneJson(original) ?? {}) as JsonObject, options);
  for (const operation of operations) {
    if (!isPlainObject(operation) || !VALID_OPS.has(String(operation.op))) {
      throw scimErrors.invalidSyntax('Each PATCH operation needs an op of add, replace or remove');
    }
    engine.apply(operation);
  }
  return engine.outcome(original);
}

class PatchEngine {
  private readonly touched = new Map<string, string[]>();
  private readonly ignored: string[] = [];
  private password: string | undefined;
  private readonly knownUrns: string[];

  constructor(
    private readonly draft: JsonObject,
    private readonly options: PatchEngineOptions
  ) {
    this.knownUrns = options.knownUrns ?? [...KNOWN_SCHEMA_URNS];
  }

  outcome(original: JsonObject): PatchOutcome {
    const changed = [...this.touched]
      .filter(([, keys]) => !jsonEqual(getAt(original, keys), getAt(this.draft, keys)))
      .map(([name]) => name);
    const outcome: PatchOutcome = { data: this.draft, changed, ignored: [...new Set(this.ignored)] };
    if (this.password !== undefined) {
      outcome.password = this.password;
      changed.push('password');
    }
    return outcome;
  }

  apply(operation: PatchOperation): void {
    const op = operation.op;
    const hasValue = Object.prototype.hasOwnProperty.call(operation, 'value') && operation.value !== undefined;
    if (!operation.path) {
      if (op === 'remove') throw scimErrors.noTarget('"remove" needs a "path"');
      this.applyPathless(op, operation.value);
      return;
    }
    this.applyPath(op, operation.path, operation.value, hasValue);
  }

  // --- path-less add/replace: the value is a set of attributes of the resource --------------------------------

  private applyPathless(op: PatchOp, value: unknown): void {
    if (!isPlainObject(value)) throw scimErrors.invalidValue(`A path-less "${op}" needs an object value`);
    for (const [key, member] of Object.entries(value)) {
      if (isUnsafeKey(key)) throw scimErrors.invalidPath(`"${key}" is not an attribute name`);
      if (key.toLowerCase() === 'schemas') continue;
      // Entra (with aadOptscim062020): path-less values keyed by attribute paths — `name.givenName`,
      // `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:employeeNumber`,
      // `urn:…:extension:2.0:Metadata:team` — are targets, never literal keys.
      if (key.includes('[')) {
        this.applyPath(op, parsePathSafely(key, this.knownUrns), member, true);
      } else if (key.toLowerCase().startsWith('urn:')) {
        this.applyUrnMember(op, key, member);
      } else {
        this.applyTarget(op, { path: key.split('.') }, member, true);
      }
    }
  }

  /** A URN key: a whole schema (`{"urn:…:enterprise:2.0:User": {…}}`) or one attribute written flat. */
  private applyUrnMember(op: PatchOp, key: string, value: unknown): void {
    const name = splitAttributeName(key, this.knownUrns);
    if (name.path.length === 0 && name.schema?.toLowerCase() === this.options.schemas.core.id.toLowerCase()) {
      this.applyPathless(op, value); // `{"urn:…:core:2.0:User": {"displayName": …}}`
      return;
    }
    this.applyTarget(op, name, value, true);
  }

  // --- explicit paths ---------------------------------------------------------------------------------------------

  private applyPath(op: PatchOp, patchPath: PatchPath, value: unknown, hasValue: boolean): void {
    const name = this.nameOf(patchPath);
    if (patchPath.filter) {
      if (patchPath.path.subAttribute !== undefined) {
        throw scimErrors.invalidPath('A value filter applies to a multi-valued attribute, not to a sub-attribute');
      }
      this.applyFiltered(op, name, patchPath.filter, patchPath.subAttribute, value, hasValue, patchPath);
      return;
    }
    if (patchPath.subAttribute !== undefined) {
      throw scimErrors.invalidPath('A sub-attribute after brackets needs a value filter');
    }
    this.applyTarget(op, name, value, hasValue, patchPath);
  }

  /**
   * The split name of a parsed path. Names under schemas we do not know are split again here, at the last
   * colon, so custom extension attributes resolve the same way from a path, a path-less key or a body.
   */
  private nameOf(patchPath: PatchPath): AttributeName {
    const { schema, attribute, subAttribute } = patchPath.path;
    const path = subAttribute === undefined ? [attribute] : [attribute, subAttribute];
    if (schema === undefined && !attribute.toLowerCase().startsWith('urn:')) return { path };
    if (schema !== undefined && this.knownUrns.some((urn) => urn.toLowerCase() === schema.toLowerCase())) return { schema, path };
    const full = schema === undefined ? path.join('.') : `${schema}:${path.join('.')}`;
    return splitAttributeName(full, this.knownUrns);
  }

  /**
   * Resolves a name. `urn:…:extension:2.0:Metadata` splits into attribute `Metadata` of `urn:…:extension:2.0`,
   * but may name the custom extension itself (see `namesWholeExtension`).
   */
  private resolve(name: AttributeName, value: unknown, mode: 'member' | 'path'): ResolvedAttribute | undefined {
    if (name.schema !== undefined && name.path.length === 1 && !this.knownUrns.includes(name.schema)) {
      const whole = `${name.schema}:${name.path[0] ?? ''}`;
      if (namesWholeExtension(whole, value, mode, this.draft)) {
        return resolveAttribute(this.draft, { schema: whole, path: [] }, this.options.schemas);
      }
    }
    return resolveAttribute(this.draft, name, this.options.schemas);
  }

  private touch(name: string, keys: string[]): void {
    if (!this.touched.has(name)) this.touched.set(name, keys);
  }

  private isReserved(resolved: ResolvedAttribute): boolean {
    const names = this.options.reserved?.names ?? [];
    const top = resolved.keys[0];
    return resolved.schema === undefined && top !== undefined && names.includes(top);
  }

  /** RFC 7643 §2.2: readOnly attributes cannot be written (mutability), except an echo of the own id. */
  private assertWritable(op: PatchOp, resolved: ResolvedAttribute, value: unknown): 'write' | 'skip' {
    const readOnly = resolved.definitions.some((definition) => definition.mutability === 'readOnly');
    if (readOnly) {
      // Okta's group rename is a path-less replace that echoes the group's own `id`.
      if (resolved.keys.join('.') === 'id' && op !== 'remove' && value === this.options.id && value !== undefined) return 'skip';
      throw scimErrors.mutability(`"${canonicalName(resolved)}" is read-only`);
    }
    if (resolved.definitions.some((definition) => definition.mutability === 'immutable')) {
      const current = getAt(this.draft, resolved.keys);
      if (current !== undefined && (op === 'remove' || !jsonEqual(current, value))) {
        throw scimErrors.mutability(`"${canonicalName(resolved)}" is immutable`);
      }
    }
    return 'write';
  }

  private applyTarget(
    op: PatchOp,
    name: AttributeName,
    value: unknown,
    hasValue: boolean,
    path?: PatchPath,
    mode: 'member' | 'path' = path ? 'path' : 'member'
  ): void {
    const resolved = this.resolve(name, value, mode);
    if (!resolved) {
      this.ignored.push(formatAttributeName(name));
      return;
    }
    if (this.isReserved(resolved)) {
      const target: ReservedTarget = { attribute: resolved.keys.join('.') };
      if (path) target.path = path;
      this.options.reserved?.handle(op, target, value, hasValue);
      return;
    }
    if (this.assertWritable(op, resolved, value) === 'skip') return;
    if (resolved.definition?.mutability === 'writeOnly') {
      this.writeOnly(op, resolved, value);
      return;
    }
    if (resolved.wholeExtension) {
      this.applyExtension(op, resolved, value);
      return;
    }
    const multiValuedParent = resolved.definitions.findIndex((definition) => definition.multiValued);
    if (multiValuedParent >= 0 && multiValuedParent < resolved.definitions.length - 1) {
      this.applyToEveryElement(op, resolved, multiValuedParent, value, hasValue);
      return;
    }
    this.applyAttribute(op, resolved, value, hasValue);
  }

  /** `password` (writeOnly): handed to the caller, never stored. */
  private writeOnly(op: PatchOp, resolved: ResolvedAttribute, value: unknown): void {
    if (op === 'remove' || value === null) return; // a password cannot be unassigned; nothing is stored anyway
    if (typeof value !== 'string') throw scimErrors.invalidValue(`"${canonicalName(resolved)}" must be a string`);
    this.password = value;
  }

  private applyExtension(op: PatchOp, resolved: ResolvedAttribute, value: unknown): void {
    const urn = resolved.keys[0] ?? '';
    if (op === 'remove' || value === null) {
      this.touch(urn, [urn]);
      removeAt(this.draft, [urn]);
      return;
    }
    if (!isPlainObject(value)) throw scimErrors.invalidValue(`"${urn}" must be an object of attributes`);
    for (const [key, member] of Object.entries(value)) {
      if (isUnsafeKey(key)) throw scimErrors.invalidPath(`"${key}" is not an attribute name`);
      // A member of an extension object is an attribute of that extension, resolved as its path
      // `<urn>:<key>` would be. As a 'member', an object value would make `<urn>:<key>` an extension of its
      // own: `{"…:Metadata": {"team": {…}}}` was stored under a key `…:Metadata:team` (unlike the same body in
      // a POST), and each nested object recursed once more — 10,000 levels overflowed the stack.
      this.applyTarget(op, { schema: urn, path: [key] }, member, true, undefined, 'path');
    }
  }

  /** `emails.value` without a filter: the sub-attribute of every element (created when the list is empty). */
  private applyToEveryElement(op: PatchOp, resolved: ResolvedAttribute, index: number, value: unknown, hasValue: boolean): void {
    const listKeys = resolved.keys.slice(0, resolved.keys.length - resolved.definitions.length + index + 1);
    const subKeys = resolved.keys.slice(listKeys.length);
    const listDefinition = resolved.definitions[index] as AttributeDefinition;
    const leaf = resolved.definition as AttributeDefinition;
    this.touch(canonicalName(resolved), listKeys);
    const list = this.listAt(listKeys, resolved);
    if (!hasValue && op !== 'remove') throw scimErrors.invalidSyntax(`"${op}" needs a "value"`);
    if (op === 'remove' || value === null) {
      const kept = list.map((element) => {
        if (!isPlainObject(element)) return element;
        removeAt(element, subKeys);
        return element;
      });
      this.writeList(listKeys, kept.filter((element) => !(isPlainObject(element) && Object.keys(element).length === 0)));
      return;
    }
    const coerced = coerceAttributeValue(leaf, value, canonicalName(resolved), this.ignored);
    if (coerced === undefined) return this.applyToEveryElement('remove', resolved, index, null, false);
    if (list.length === 0) {
      const element: JsonObject = {};
      setAt(element, subKeys, coerced);
      this.writeList(listKeys, [element]);
      return;
    }
    for (const element of list) if (isPlainObject(element)) setAt(element, subKeys, coerced);
    if (subKeys.join('.') === 'primary' && coerced === true && list.length > 1) {
      throw scimErrors.invalidValue(`Only one of "${listDefinition.name}" may be primary`);
    }
    this.writeList(listKeys, list);
  }

  private listAt(keys: string[], resolved: ResolvedAttribute): unknown[] {
    const current = getAt(this.draft, keys);
    if (current === undefined) return [];
    if (!Array.isArray(current)) {
      if (resolved.freeForm) throw scimErrors.invalidPath(`"${canonicalName(resolved)}" is not multi-valued`);
      return [current];
    }
    return current;
  }

  private writeList(keys: string[], list: unknown[]): void {
    if (list.length === 0) removeAt(this.draft, keys);
    else setAt(this.draft, keys, list);
  }

  /** A whole attribute or a sub-attribute of a single complex attribute (`name.givenName`, `manager.value`). */
  private applyAttribute(op: PatchOp, resolved: ResolvedAttribute, value: unknown, hasValue: boolean): void {
    const { keys, definition } = resolved;
    const name = canonicalName(resolved);
    this.touch(name, keys);
    const current = getAt(this.draft, keys);
    const multiValued = definition ? definition.multiValued : Array.isArray(current);

    if (op === 'remove') {
      if (hasValue && value !== null && multiValued) {
        // Entra (without aadOptscim062020): `Remove` with a value list removes only the listed values.
        const listed = Array.isArray(value) ? value : [value];
        const remaining = (Array.isArray(current) ? current : []).filter(
          (element) => !listed.some((item) => sameElement(element, item, definition))
        );
        this.writeList(keys, remaining);
        return;
      }
      removeAt(this.draft, keys); // absent already: nothing to do (idempotent)
      return;
    }
    if (value === null) {
      removeAt(this.draft, keys);
      return;
    }
    if (!definition) {
      this.applyFreeForm(op, keys, current, value);
      return;
    }
    if (definition.multiValued) {
      const given = (coerceAttributeValue(definition, value, name, this.ignored) ?? []) as unknown[];
      const next = op === 'add' ? mergeElements(Array.isArray(current) ? current : [], given, definition) : { list: given, written: given };
      this.writeList(keys, keepOnePrimary(next.list, next.written, definition));
      return;
    }
    if (definition.type === 'complex') {
      this.mergeComplex(keys, definition, value, name);
      return;
    }
    const coerced = coerceSingleValue(definition, value, name, this.ignored);
    if (coerced === undefined) removeAt(this.draft, keys);
    else setAt(this.draft, keys, coerced);
  }

  /**
   * RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes given replace or add; those not given are left unchanged;
   * sub-attributes given as null are unassigned.
   */
  private mergeComplex(keys: string[], definition: AttributeDefinition, value: unknown, name: string): void {
    if (isPlainObject(value)) {
      for (const [key, member] of Object.entries(value)) {
        if (member !== null) continue;
        const sub = definition.subAttributes?.find((candidate) => candidate.name.toLowerCase() === key.toLowerCase());
        if (sub) removeAt(this.draft, [...keys, sub.name]);
      }
    }
    const coerced = coerceSingleValue(definition, value, name, this.ignored);
    if (!isPlainObject(coerced)) return;
    for (const [key, member] of Object.entries(coerced)) setAt(this.draft, [...keys, key], member);
  }

  /**
   * Extensions without definitions: values as received. add merges into what is there (arrays: union without
   * duplicates, objects: member by member); replace sets. Entra sends a multi-valued custom attribute (a
   * `Split()` result) as `Add` with the full list of `{"value": …}` items: read per RFC 7644 §3.5.2.1 as a
   * union, so repeated cycles do not duplicate items; Entra removes items with `Remove` and a value list.
   */
  private applyFreeForm(op: PatchOp, keys: string[], current: unknown, value: unknown): void {
    const copy = coerceFreeFormValue(value);
    if (copy === undefined) {
      removeAt(this.draft, keys);
      return;
    }
    if (op === 'add' && Array.isArray(current)) {
      this.writeList(keys, mergeElements(current, Array.isArray(copy) ? copy : [copy], undefined).list);
    } else if (op === 'add' && isPlainObject(current) && isPlainObject(copy)) {
      setAt(this.draft, keys, { ...current, ...copy });
    } else {
      setAt(this.draft, keys, copy);
    }
  }

  // --- value filters: `emails[type eq "work"]`, `emails[type eq "work"].value` -----------------------------------

  private applyFiltered(
    op: PatchOp,
    name: AttributeName,
    filter: FilterNode,
    subAttribute: string | undefined,
    value: unknown,
    hasValue: boolean,
    path: PatchPath
  ): void {
    const resolved = this.resolve(name, undefined, 'path');
    if (!resolved) {
      this.ignored.push(formatAttributeName(name));
      return;
    }
    if (this.isReserved(resolved)) {
      this.options.reserved?.handle(op, { attribute: resolved.keys.join('.'), path }, value, hasValue);
      return;
    }
    const definition = resolved.definition;
    if (resolved.wholeExtension || (definition && !definition.multiValued)) {
      throw scimErrors.invalidPath(`"${canonicalName(resolved)}" is not multi-valued: it cannot take a value filter`);
    }
    this.assertWritable(op, resolved, value);
    if (subAttribute !== undefined && isUnsafeKey(subAttribute)) throw scimErrors.invalidPath(`"${subAttribute}" is not an attribute name`);

    let subKey: string | undefined;
    let subDefinition: AttributeDefinition | undefined;
    if (subAttribute !== undefined && definition) {
      if (!definition.subAttributes) throw scimErrors.invalidPath(`"${canonicalName(resolved)}" has no sub-attributes`);
      subDefinition = definition.subAttributes.find((sub) => sub.name.toLowerCase() === subAttribute.toLowerCase());
      if (!subDefinition) {
        this.ignored.push(`${canonicalName(resolved)}.${subAttribute}`);
        return;
      }
      if (subDefinition.mutability === 'readOnly') {
        throw scimErrors.mutability(`"${canonicalName(resolved)}.${subDefinition.name}" is read-only`);
      }
      subKey = subDefinition.name;
    } else if (subAttribute !== undefined) {
      subKey = subAttribute;
    }

    const displayName = subKey === undefined ? canonicalName(resolved) : `${canonicalName(resolved)}.${subKey}`;
    this.touch(displayName, resolved.keys);
    const list = [...this.listAt(resolved.keys, resolved)];
    const subAttributes = definition?.subAttributes;
    // The same element semantics as filters in queries (case rules, Entra's string booleans, plain values).
    const attributePath: AttributePath =
      resolved.schema === undefined
        ? { attribute: resolved.keys[0] ?? '' }
        : { schema: resolved.schema, attribute: resolved.keys[1] ?? '' };
    const matches = compileElementFilter(filter, attributePath, this.options.schemas);
    const matched = new Set(list.filter((element) => element !== null && element !== undefined && matches(element)));

    if (op === 'remove' || value === null) {
      if (matched.size === 0) {
        if (op === 'remove') throw scimErrors.noTarget(`No value of "${canonicalName(resolved)}" matches the filter`);
        return; // unassigning what is not there
      }
      const remaining = list.flatMap((element) => {
        if (!matched.has(element)) return [element];
        if (subKey === undefined || !isPlainObject(element)) return [];
        const key = findKeyIgnoringCase(element, subKey);
        if (key !== undefined) delete element[key];
        return Object.keys(element).length > 0 ? [element] : [];
      });
      this.writeList(resolved.keys, remaining);
      return;
    }
    if (!hasValue) throw scimErrors.invalidSyntax(`"${op}" needs a "value"`);

    // The element value the operation writes: `{ [subKey]: value }` or the given element.
    const raw: unknown = subKey === undefined ? value : { [subKey]: value };
    if (subKey === undefined && definition?.type === 'complex' && !isPlainObject(value)) {
      throw scimErrors.invalidValue(`"${displayName}" needs an object value`);
    }
    const coerce = (element: unknown) =>
      definition ? coerceSingleValue(definition, element, canonicalName(resolved), this.ignored) : coerceFreeFormValue(element);

    const written: unknown[] = [];
    if (matched.size > 0) {
      const update = coerce(raw);
      const next = list.map((element) => {
        if (!matched.has(element)) return element;
        const merged = isPlainObject(element) && isPlainObject(update) ? { ...element, ...update } : (update ?? element);
        if (isPlainObject(merged) && isPlainObject(raw)) {
          for (const [key, member] of Object.entries(raw)) {
            const existingKey = member === null ? findKeyIgnoringCase(merged, key) : undefined;
            if (existingKey !== undefined) delete merged[existingKey];
          }
        }
        written.push(merged);
        return merged;
      });
      this.writeList(resolved.keys, keepOnePrimary(next, written, definition));
      return;
    }
    // Entra: `Add emails[type eq "work"].value` on a user without a work email must create that email
    // (RFC 7644 §3.5.2.3 would answer noTarget for replace).
    const template = equalityTemplate(filter, subAttributes);
    if (!template) {
      throw scimErrors.noTarget(`No value of "${canonicalName(resolved)}" matches the filter, and it does not say what to create`);
    }
    const created = coerce(isPlainObject(raw) ? { ...template, ...raw } : raw);
    if (created === undefined) return;
    this.writeList(resolved.keys, keepOnePrimary([...list, created], [created], definition));
  }
}

// --- multi-valued helpers ---------------------------------------------------------------------------------------

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);

/**
 * Whether `candidate` denotes the same value as `element`: equal JSON, or for complex values the same
 * `value` (case-insensitively unless the definition says caseExact) and the same `type`.
 */
function sameElement(element: unknown, candidate: unknown, definition: AttributeDefinition | undefined): boolean {
  if (jsonEqual(element, candidate)) return true;
  if (!isPlainObject(element) || !isPlainObject(candidate)) return false;
  const valueKey = findKeyIgnoringCase(element, 'value');
  const candidateValueKey = findKeyIgnoringCase(candidate, 'value');
  if (valueKey === undefined || candidateValueKey === undefined) return false;
  const caseExact = definition?.subAttributes?.find((sub) => sub.name === 'value')?.caseExact ?? false;
  const left = element[valueKey];
  const right = candidate[candidateValueKey];
  if (!(caseExact ? jsonEqual(left, right) : jsonEqual(lower(left), lower(right)))) return false;
  const typeKey = findKeyIgnoringCase(element, 'type');
  const candidateTypeKey = findKeyIgnoringCase(candidate, 'type');
  if (typeKey === undefined || candidateTypeKey === undefined) return true;
  return jsonEqual(lower(element[typeKey]), lower(candidate[candidateTypeKey]));
}

/** RFC 7644 §3.5.2.1 add: new values are appended; a value already present is merged into, not duplicated. */
function mergeElements(
  current: unknown[],
  added: unknown[],
  definition: AttributeDefinition | undefined
): { list: unknown[]; written: unknown[] } {
  const list = [...current];
  const written: unknown[] = [];
  for (const element of added) {
    const index = list.findIndex((existing) => sameElement(existing, element, definition));
    const existing = list[index];
    const merged = index !== -1 && isPlainObject(existing) && isPlainObject(element) ? { ...existing, ...element } : element;
    if (index === -1) list.push(merged);
    else list[index] = merged;
    written.push(merged);
  }
  return { list, written };
}

/**
 * RFC 7643 §2.4: at most one value is primary. When a written value is primary, the others lose the flag;
 * among several written primaries the first wins.
 */
function keepOnePrimary(list: unknown[], written: unknown[], definition: AttributeDefinition | undefined): unknown[] {
  if (!definition?.subAttributes?.some((sub) => sub.name === 'primary')) return list;
  const isPrimary = (element: unknown) => isPlainObject(element) && element.primary === true;
  const winner = written.find((element) => isPrimary(element) && list.includes(element)) ?? list.find(isPrimary);
  if (winner === undefined) return list;
  return list.map((element) => {
    if (element === winner || !isPrimary(element)) return element;
    const { primary: _primary, ...rest } = element as JsonObject;
    return rest;
  });
}
