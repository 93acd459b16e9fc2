/**
 * Pure helpers of the Attribute mapping page (no React, no browser APIs): the rules in force ↔ the page's form,
 * the form → the admin API's body, the server's validation messages placed next to the part of the form they
 * name, and a preview change read as parts a person can scan. Unit-tested in test/unit/admin/mapping-model.test.ts.
 *
 * The server validates everything (server/src/mapping/policy.ts, declared-attributes.ts, access/content-bindings.ts)
 * and stays the authority: the page first checks only what the server would refuse as missing (`formProblems`, so
 * nothing is sent with a field left empty), then sends what was typed, trimmed, and shows the server's
 * `details.errors` where they belong, on the field they name when they name one.
 *
 * No text shown to people is built here: sentences are message ids of admin/src/translations/en.json with their
 * values, translated by the page.
 */
import { splitList } from './model';

export type SourceType = 'userType' | 'role' | 'group' | 'attribute';
export type ConditionOp = 'equals' | 'oneOf' | 'contains' | 'present';

export const SOURCE_TYPES: SourceType[] = ['group', 'attribute', 'userType', 'role'];
export const CONDITION_OPS: ConditionOp[] = ['equals', 'oneOf', 'contains', 'present'];

/** Where Entra sends custom extension attributes (README "Sending the attributes from Entra ID"). */
export const ENTRA_CUSTOM_EXTENSION = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:';
export const ENTRA_METADATA_EXTENSION = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:';

// ---- What the admin API answers (server/src/sync/mapping-rules.ts, mapping/types.ts) ----

export type Source = { type: 'userType' } | { type: 'role' } | { type: 'group'; by?: 'displayName' | 'externalId' } | { type: 'attribute'; key: string };
export type Condition =
  | { source: Source; op: 'equals'; value: string }
  | { source: Source; op: 'oneOf'; values: string[] }
  | { source: Source; op: 'contains'; value: string }
  | { source: Source; op: 'present' };

export interface DeclaredAttribute {
  key: string;
  scimPath: string;
  claim?: string;
  multiValued: boolean;
  allowedValues?: string[];
}

export interface MappingSettingsView {
  attributes: DeclaredAttribute[];
  policy: {
    roleRules: { id: string; description?: string; when: Condition[]; roles: string[] }[];
    unmatched: { action: 'defaultRole'; role: string } | { action: 'deactivate' };
    allowSuperAdmin: boolean;
    foldersAttribute?: string;
    createMissingFolders?: boolean;
  };
  content?: { uid: string; field: string; attribute: string }[];
}

export interface MappingView extends MappingSettingsView {
  version: number;
  source: 'config' | 'database' | 'default';
  managesRoles: boolean;
  readOnly: boolean;
  progress: { pending: number; total: number; running: boolean };
}

export interface MappingChange {
  rolesAdded: string[];
  rolesRemoved: string[];
  foldersAdded: string[];
  foldersRemoved: string[];
  activation: 'deactivated' | 'reactivated' | null;
}

export interface MappingPreview {
  total: number;
  changed: number;
  deactivated: number;
  reactivated: number;
  rolesAdded: Record<string, number>;
  rolesRemoved: Record<string, number>;
  changes: { identityId: number; directoryId: number; userName: string; change: MappingChange }[];
  truncated: boolean;
}

// ---- The form ----

export interface AttributeForm {
  key: string;
  scimPath: string;
  claim: string;
  multiValued: boolean;
  /** As typed: one per line or comma separated; empty = any value. */
  allowedValues: string;
}

export interface ConditionForm {
  source: SourceType;
  groupBy: 'displayName' | 'externalId';
  /** Declared attribute key, for source `attribute`. */
  attribute: string;
  op: ConditionOp;
  /** One value; for `oneOf` several, one per line or comma separated. */
  value: string;
}

export interface RuleForm {
  id: string;
  description: string;
  conditions: ConditionForm[];
  /** Role codes. */
  roles: string[];
}

export interface BindingForm {
  uid: string;
  field: string;
  attribute: string;
}

export interface MappingForm {
  attributes: AttributeForm[];
  rules: RuleForm[];
  unmatched: 'defaultRole' | 'deactivate';
  defaultRole: string;
  allowSuperAdmin: boolean;
  /** '' = no folders attribute. */
  foldersAttribute: string;
  createMissingFolders: boolean;
  content: BindingForm[];
}

export const emptyAttribute = (): AttributeForm => ({ key: '', scimPath: '', claim: '', multiValued: false, allowedValues: '' });
export const emptyCondition = (): ConditionForm => ({ source: 'group', groupBy: 'displayName', attribute: '', op: 'equals', value: '' });
export const emptyBinding = (): BindingForm => ({ uid: '', field: '', attribute: '' });

/** A new rule with an id no other rule has (`rule-1`, `rule-2`, …) and one condition to fill in. */
export function newRule(existing: RuleForm[]): RuleForm {
  const ids = new Set(existing.map((rule) => rule.id));
  let n = existing.length + 1;
  while (ids.has(`rule-${n}`)) n += 1;
  return { id: `rule-${n}`, description: '', conditions: [emptyCondition()], roles: [] };
}

/** The Entra path a new attribute probably has: a multi-valued list (folders) is a custom extension, else Metadata. */
export const suggestedScimPath = (key: string, multiValued: boolean): string =>
  key.trim() === '' ? '' : `${multiValued ? ENTRA_CUSTOM_EXTENSION : ENTRA_METADATA_EXTENSION}${key.trim()}`;

const conditionForm = (condition: Condition): ConditionForm => ({
  source: condition.source.type,
  groupBy: condition.source.type === 'group' && condition.source.by === 'externalId' ? 'externalId' : 'displayName',
  attribute: condition.source.type === 'attribute' ? condition.source.key : '',
  op: condition.op,
  value: condition.op === 'oneOf' ? condition.values.join(', ') : condition.op === 'present' ? '' : condition.value,
});

/** The form showing the rules in force. */
export function formOfMapping(mapping: MappingSettingsView): MappingForm {
  const { policy } = mapping;
  return {
    attributes: mapping.attributes.map((attribute) => ({
      key: attribute.key,
      scimPath: attribute.scimPath,
      claim: attribute.claim ?? '',
      multiValued: attribute.multiValued,
      allowedValues: (attribute.allowedValues ?? []).join(', '),
    })),
    rules: policy.roleRules.map((rule) => ({
      id: rule.id,
      description: rule.description ?? '',
      conditions: rule.when.map(conditionForm),
      roles: [...rule.roles],
    })),
    unmatched: policy.unmatched.action,
    defaultRole: policy.unmatched.action === 'defaultRole' ? policy.unmatched.role : '',
    allowSuperAdmin: policy.allowSuperAdmin,
    foldersAttribute: policy.foldersAttribute ?? '',
    createMissingFolders: Boolean(policy.createMissingFolders),
    content: (mapping.content ?? []).map((binding) => ({ ...binding })),
  };
}

function sourceOf(condition: ConditionForm): Source {
  switch (condition.source) {
    case 'group':
      return condition.groupBy === 'externalId' ? { type: 'group', by: 'externalId' } : { type: 'group' };
    case 'attribute':
      return { type: 'attribute', key: condition.attribute.trim() };
    default:
      return { type: condition.source };
  }
}

function conditionOf(condition: ConditionForm): Condition {
  const source = sourceOf(condition);
  switch (condition.op) {
    case 'present':
      return { source, op: 'present' };
    case 'oneOf':
      // Group names hold spaces ("Sales and Marketing"): only commas and line breaks separate values.
      return { source, op: 'oneOf', values: splitList(condition.value, /[\n,]+/) };
    default:
      return { source, op: condition.op, value: condition.value.trim() };
  }
}

/** The body of `POST /mapping/preview` and (with `expectedVersion`) `PUT /mapping`. */
export function mappingPayload(form: MappingForm): Required<MappingSettingsView> {
  return {
    attributes: form.attributes.map((attribute) => {
      const allowed = splitList(attribute.allowedValues, /[\n,]+/);
      return {
        key: attribute.key.trim(),
        scimPath: attribute.scimPath.trim(),
        ...(attribute.claim.trim() ? { claim: attribute.claim.trim() } : {}),
        multiValued: attribute.multiValued,
        ...(allowed.length > 0 ? { allowedValues: allowed } : {}),
      };
    }),
    policy: {
      roleRules: form.rules.map((rule) => ({
        id: rule.id.trim(),
        ...(rule.description.trim() ? { description: rule.description.trim() } : {}),
        when: rule.conditions.map(conditionOf),
        roles: rule.roles,
      })),
      unmatched: form.unmatched === 'deactivate' ? { action: 'deactivate' } : { action: 'defaultRole', role: form.defaultRole.trim() },
      allowSuperAdmin: form.allowSuperAdmin,
      ...(form.foldersAttribute.trim() ? { foldersAttribute: form.foldersAttribute.trim() } : {}),
      createMissingFolders: form.createMissingFolders,
    },
    content: form.content.map((binding) => ({ uid: binding.uid, field: binding.field.trim(), attribute: binding.attribute })),
  };
}

// ---- Fields, by the name their `Field.Root` has on the page ----

export type AttributeField = 'key' | 'scimPath' | 'claim' | 'allowed';
export type RuleField = 'id' | 'description' | 'roles';
export type ConditionField = 'source' | 'groupBy' | 'attribute' | 'op' | 'value';
export type BindingField = 'uid' | 'field' | 'attribute';

/** One name per field of the form: the page names its `Field.Root`s with these, problems and messages point at them. */
export const fieldName = {
  attribute: (index: number, field: AttributeField) => `attribute-${index}-${field}`,
  rule: (index: number, field: RuleField) => `rule-${index}-${field}`,
  condition: (rule: number, position: number, field: ConditionField) => `rule-${rule}-condition-${position}-${field}`,
  binding: (index: number, field: BindingField) => `binding-${index}-${field}`,
  defaultRole: 'defaultRole',
  foldersAttribute: 'foldersAttribute',
} as const;

// ---- What the server would refuse as missing, checked before anything is sent ----

/**
 * Same pattern as the server's ATTRIBUTE_KEY_PATTERN (server/src/mapping/declared-attributes.ts; the admin bundle
 * cannot import server code). A unit test keeps the two equal.
 */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** What to fix, as a message id of en.json (the page translates it). */
export type ProblemKey =
  | 'mapping.check.attributeKeyMissing'
  | 'mapping.check.attributeKeyInvalid'
  | 'mapping.check.scimPathMissing'
  | 'mapping.check.ruleIdMissing'
  | 'mapping.check.rolesMissing'
  | 'mapping.check.conditionAttributeMissing'
  | 'mapping.check.conditionValueMissing'
  | 'mapping.check.conditionValuesMissing'
  | 'mapping.check.defaultRoleMissing'
  | 'mapping.check.contentTypeMissing'
  | 'mapping.check.contentFieldMissing'
  | 'mapping.check.contentAttributeMissing';

export interface FormProblem {
  /** The field to fix (`fieldName`). */
  field: string;
  key: ProblemKey;
}

/**
 * Fields the server would refuse for being empty (or, for an attribute key, for not being an identifier), in the
 * order of the page, so the first one is the one to focus. The same checks as the server's, on the body
 * `mappingPayload` would send: a claim, allowed values and a folders attribute left empty are left out, so they
 * are never refused. What needs the server's knowledge (roles that exist, a valid SCIM path, unique ids and
 * keys, declared attributes) is left to the server.
 */
export function formProblems(form: MappingForm): FormProblem[] {
  const problems: FormProblem[] = [];
  const add = (field: string, key: ProblemKey) => problems.push({ field, key });
  form.attributes.forEach((attribute, index) => {
    const key = attribute.key.trim();
    if (key === '') add(fieldName.attribute(index, 'key'), 'mapping.check.attributeKeyMissing');
    else if (!ATTRIBUTE_KEY_PATTERN.test(key)) add(fieldName.attribute(index, 'key'), 'mapping.check.attributeKeyInvalid');
    if (attribute.scimPath.trim() === '') add(fieldName.attribute(index, 'scimPath'), 'mapping.check.scimPathMissing');
  });
  form.rules.forEach((rule, index) => {
    if (rule.id.trim() === '') add(fieldName.rule(index, 'id'), 'mapping.check.ruleIdMissing');
    rule.conditions.forEach((condition, position) => {
      if (condition.source === 'attribute' && condition.attribute.trim() === '')
        add(fieldName.condition(index, position, 'attribute'), 'mapping.check.conditionAttributeMissing');
      if (condition.op === 'oneOf' && splitList(condition.value, /[\n,]+/).length === 0)
        add(fieldName.condition(index, position, 'value'), 'mapping.check.conditionValuesMissing');
      if ((condition.op === 'equals' || condition.op === 'contains') && condition.value.trim() === '')
        add(fieldName.condition(index, position, 'value'), 'mapping.check.conditionValueMissing');
    });
    if (rule.roles.length === 0) add(fieldName.rule(index, 'roles'), 'mapping.check.rolesMissing');
  });
  if (form.unmatched === 'defaultRole' && form.defaultRole.trim() === '') add(fieldName.defaultRole, 'mapping.check.defaultRoleMissing');
  form.content.forEach((binding, index) => {
    if (binding.uid === '') add(fieldName.binding(index, 'uid'), 'mapping.check.contentTypeMissing');
    if (binding.field.trim() === '') add(fieldName.binding(index, 'field'), 'mapping.check.contentFieldMissing');
    if (binding.attribute === '') add(fieldName.binding(index, 'attribute'), 'mapping.check.contentAttributeMissing');
  });
  return problems;
}

// ---- The server's validation messages, next to what they name ----

export interface PlacedErrors {
  /** Messages naming one field (`fieldName`): shown at that field, which is marked invalid. */
  fields: Record<string, string[]>;
  /** Messages about one declared attribute but no field of it, by its index in the form. */
  attributes: Record<number, string[]>;
  /** Messages about one rule but no field of it, by its index in the form. */
  rules: Record<number, string[]>;
  /** Messages about one content binding but no field of it, by its index. */
  content: Record<number, string[]>;
  /** About the declared attributes as a whole (keys used twice). */
  attributeList: string[];
  /** About the rules as a whole (ids used twice). */
  ruleList: string[];
  /** Unmatched people, Super Admin, folders attribute, when no field is named. */
  policy: string[];
  /** Naming nothing we recognise (shown only in the list at the top). */
  general: string[];
}

/**
 * `rule "premium-editors"` / `rule 3` / `attribute "team"` / `attribute 2` at the start of a message → the index,
 * and what follows (which says the field).
 */
function itemNamed(message: string, kind: 'rule' | 'attribute', ids: string[]): { index: number; rest: string } | undefined {
  const quoted = new RegExp(`^${kind} "([^"]*)"`).exec(message);
  if (quoted) {
    const index = ids.findIndex((id) => id.trim() === quoted[1]);
    return index >= 0 ? { index, rest: message.slice(quoted[0].length) } : undefined;
  }
  const counted = new RegExp(`^${kind} (\\d+)\\b`).exec(message);
  if (counted) {
    const index = Number(counted[1]) - 1;
    return index >= 0 && index < ids.length ? { index, rest: message.slice(counted[0].length) } : undefined;
  }
  return undefined;
}

/**
 * The field of a rule a message names, from what follows `rule "id"`: zod paths (`: id: …`, `: roles: …`,
 * `: condition 2 source.key: …`) and the cross-checks of server/src/mapping/policy.ts (` grants …`,
 * `: condition 2 uses attribute …`, `: condition 1 (equals) needs a non-empty value`).
 */
function ruleField(rest: string, index: number, rule: RuleForm): string | undefined {
  if (/^: id\b/.test(rest)) return fieldName.rule(index, 'id');
  if (/^: description\b/.test(rest)) return fieldName.rule(index, 'description');
  if (/^(: roles?\b| grants )/.test(rest)) return fieldName.rule(index, 'roles');
  const condition = /^: condition (\d+)(.*)$/s.exec(rest);
  if (!condition) return undefined;
  const position = Number(condition[1]) - 1;
  if (position < 0 || position >= rule.conditions.length) return undefined;
  const inner = condition[2]!;
  if (/^( source\.key\b| uses attribute )/.test(inner)) return fieldName.condition(index, position, 'attribute');
  if (/^ source\b/.test(inner)) return fieldName.condition(index, position, 'source');
  if (/^( values?\b| \((oneOf|equals|contains)\) needs )/.test(inner)) return fieldName.condition(index, position, 'value');
  if (/^ op\b/.test(inner)) return fieldName.condition(index, position, 'op');
  return undefined;
}

/** The field of an attribute a message names, from what follows `attribute "key"` (declared-attributes.ts). */
function attributeField(rest: string, index: number): string | undefined {
  if (/^( key\b|: "[^"]*" cannot be used as a key|: the key ")/.test(rest)) return fieldName.attribute(index, 'key');
  if (/^( scimPath\b|: scimPath )/.test(rest)) return fieldName.attribute(index, 'scimPath');
  if (/^ claim\b/.test(rest)) return fieldName.attribute(index, 'claim');
  if (/^ allowedValues\b/.test(rest)) return fieldName.attribute(index, 'allowed');
  return undefined;
}

/** The field of a content binding a message names: `content.0.uid: …` (zod) or the cross-checks' wording. */
function bindingField(path: string | undefined, rest: string, index: number): string | undefined {
  if (path === 'uid' || /^: there is no content type /.test(rest)) return fieldName.binding(index, 'uid');
  if (path === 'field' || / has no field "/.test(rest)) return fieldName.binding(index, 'field');
  if (path === 'attribute' || /^: attribute "/.test(rest)) return fieldName.binding(index, 'attribute');
  return undefined;
}

const push = <K extends string | number>(into: Record<K, string[]>, at: K, message: string) => (into[at] ??= []).push(message);

/**
 * Places each message of the server's `details.errors` (server/src/mapping/*: they name rules and attributes by
 * the id or key the owner wrote, content bindings as `content.<index>`) next to the form part it is about, and on
 * the field of that part when the message names one.
 */
export function placeErrors(errors: string[], form: MappingForm): PlacedErrors {
  const placed: PlacedErrors = { fields: {}, attributes: {}, rules: {}, content: {}, attributeList: [], ruleList: [], policy: [], general: [] };
  const ruleIds = form.rules.map((rule) => rule.id);
  const keys = form.attributes.map((attribute) => attribute.key);
  for (const message of errors) {
    const rule = itemNamed(message, 'rule', ruleIds);
    const attribute = rule === undefined ? itemNamed(message, 'attribute', keys) : undefined;
    const binding = /^content\.(\d+)(?:\.(\w+))?/.exec(message);
    if (rule !== undefined) {
      const field = ruleField(rule.rest, rule.index, form.rules[rule.index]!);
      if (field) push(placed.fields, field, message);
      else push(placed.rules, rule.index, message);
    } else if (attribute !== undefined) {
      const field = attributeField(attribute.rest, attribute.index);
      if (field) push(placed.fields, field, message);
      else push(placed.attributes, attribute.index, message);
    } else if (binding && Number(binding[1]) < form.content.length) {
      const index = Number(binding[1]);
      const field = bindingField(binding[2], message.slice(binding[0].length), index);
      if (field) push(placed.fields, field, message);
      else push(placed.content, index, message);
    } else if (/^attribute keys must be unique\b/.test(message)) placed.attributeList.push(message);
    else if (/^rule ids must be unique\b/.test(message)) placed.ruleList.push(message);
    else if (/^unmatched\.role\b/.test(message) && form.unmatched === 'defaultRole') push(placed.fields, fieldName.defaultRole, message);
    else if (/^foldersAttribute\b/.test(message)) push(placed.fields, fieldName.foldersAttribute, message);
    else if (/^(unmatched|allowSuperAdmin|foldersAttribute|createMissingFolders)\b/.test(message)) placed.policy.push(message);
    else placed.general.push(message);
  }
  return placed;
}

/** The `details.errors` list of an admin API ValidationError, or the message alone. */
export function validationErrors(error: unknown): string[] {
  const body = (error as { response?: { data?: { error?: { message?: unknown; details?: { errors?: unknown } } } } } | null)?.response?.data?.error;
  const list = body?.details?.errors;
  if (Array.isArray(list) && list.every((item) => typeof item === 'string') && list.length > 0) return list as string[];
  if (typeof body?.message === 'string' && body.message.trim() !== '') return [body.message];
  return [error instanceof Error ? error.message : String(error)];
}

// ---- Reading results ----

export type ChangePart =
  | { kind: 'roleAdded' | 'roleRemoved' | 'folderAdded' | 'folderRemoved'; value: string }
  | { kind: 'deactivated' | 'reactivated' };

/** What changes for one person, in reading order: activation first (it matters most), then roles, then folders. */
export function changeParts(change: MappingChange): ChangePart[] {
  return [
    ...(change.activation ? [{ kind: change.activation } as ChangePart] : []),
    ...change.rolesAdded.map((value): ChangePart => ({ kind: 'roleAdded', value })),
    ...change.rolesRemoved.map((value): ChangePart => ({ kind: 'roleRemoved', value })),
    ...change.foldersAdded.map((value): ChangePart => ({ kind: 'folderAdded', value })),
    ...change.foldersRemoved.map((value): ChangePart => ({ kind: 'folderRemoved', value })),
  ];
}

/** Role display name by code (rules store codes; people read names); the code itself when unknown. */
export function roleNamer(roles: { code: string; name: string }[]): (code: string) => string {
  const names = new Map(roles.map((role) => [role.code, role.name]));
  return (code) => names.get(code) ?? code;
}

/** "How many people gain / lose each role", sorted by count then role, for the preview's summary. */
export function roleTallies(tally: Record<string, number>): { role: string; count: number }[] {
  return Object.entries(tally)
    .map(([role, count]) => ({ role, count }))
    .sort((a, b) => b.count - a.count || a.role.localeCompare(b.role));
}

/** Re-mapping after a save: how far it has got (0–100) and whether to keep asking. */
export function remapStatus(progress: { pending: number; total: number; running: boolean }): { percent: number; done: boolean } {
  const done = progress.pending === 0;
  const percent = progress.total === 0 ? 100 : Math.round(((progress.total - progress.pending) / progress.total) * 100);
  return { percent: done ? 100 : Math.min(percent, 99), done };
}

/** What a condition reads, as the `source` value of the condition messages (an ICU `select`). */
export type ConditionSubject = 'group' | 'groupId' | 'role' | 'userType' | 'attribute';

/**
 * A condition as one sentence to translate, e.g. `group = "Sales and Marketing"`, `team is one of "Blue", "Red"`,
 * `userType is set`: the message id for its operator, with what it reads (`source`, and the attribute's key) and
 * the value or, for `oneOf`, the values (listed by the page in the reader's language).
 */
export function conditionMessage(condition: Condition): {
  key: 'mapping.condition.text.equals' | 'mapping.condition.text.oneOf' | 'mapping.condition.text.contains' | 'mapping.condition.text.present';
  source: ConditionSubject;
  attribute: string;
  value: string;
  values: string[];
} {
  const { source } = condition;
  const subject: ConditionSubject = source.type === 'group' && source.by === 'externalId' ? 'groupId' : source.type;
  return {
    key: `mapping.condition.text.${condition.op}`,
    source: subject,
    attribute: source.type === 'attribute' ? source.key : '',
    value: condition.op === 'equals' || condition.op === 'contains' ? condition.value : '',
    values: condition.op === 'oneOf' ? condition.values : [],
  };
}
