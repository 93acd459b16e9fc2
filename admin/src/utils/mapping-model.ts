/**
 * Pure helpers of the Attribute mapping page (no React, no browser APIs): the rules in force ↔ the page's form,
 * the form → the admin API's body, the server's validation messages placed next to the part of the form they
 * name, and a preview change read as parts a person can scan. Unit-tested in test/unit/admin/mapping-model.test.ts.
 *
 * The server validates everything (server/src/mapping/policy.ts, declared-attributes.ts, content-bindings.ts);
 * the page sends what was typed, trimmed, and shows the server's `details.errors` where they belong.
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

// ---- The server's validation messages, next to what they name ----

export interface PlacedErrors {
  /** Messages about one declared attribute, by its index in the form. */
  attributes: Record<number, string[]>;
  /** Messages about one rule, by its index in the form. */
  rules: Record<number, string[]>;
  /** Messages about one content binding, by its index. */
  content: Record<number, string[]>;
  /** About the declared attributes as a whole (keys used twice). */
  attributeList: string[];
  /** About the rules as a whole (ids used twice). */
  ruleList: string[];
  /** Unmatched people, Super Admin, folders attribute. */
  policy: string[];
  /** Naming nothing we recognise (shown only in the list at the top). */
  general: string[];
}

/** `rule "premium-editors"` / `rule 3` / `attribute "team"` / `attribute 2` at the start of a message → the index. */
function indexNamed(message: string, kind: 'rule' | 'attribute', ids: string[]): number | undefined {
  const quoted = new RegExp(`^${kind} "([^"]*)"`).exec(message);
  if (quoted) {
    const index = ids.findIndex((id) => id.trim() === quoted[1]);
    return index >= 0 ? index : undefined;
  }
  const counted = new RegExp(`^${kind} (\\d+)\\b`).exec(message);
  if (counted) {
    const index = Number(counted[1]) - 1;
    return index >= 0 && index < ids.length ? index : undefined;
  }
  return undefined;
}

const push = (into: Record<number, string[]>, index: number, message: string) => (into[index] ??= []).push(message);

/**
 * Places each message of the server's `details.errors` (server/src/mapping/*: they name rules and attributes by
 * the id or key the owner wrote, content bindings as `content.<index>`) next to the form part it is about.
 */
export function placeErrors(errors: string[], form: MappingForm): PlacedErrors {
  const placed: PlacedErrors = { attributes: {}, rules: {}, content: {}, attributeList: [], ruleList: [], policy: [], general: [] };
  const ruleIds = form.rules.map((rule) => rule.id);
  const keys = form.attributes.map((attribute) => attribute.key);
  for (const message of errors) {
    const rule = indexNamed(message, 'rule', ruleIds);
    const attribute = rule === undefined ? indexNamed(message, 'attribute', keys) : undefined;
    const binding = /^content\.(\d+)\b/.exec(message);
    if (rule !== undefined) push(placed.rules, rule, message);
    else if (attribute !== undefined) push(placed.attributes, attribute, message);
    else if (binding && Number(binding[1]) < form.content.length) push(placed.content, Number(binding[1]), message);
    else if (/^attribute keys must be unique\b/.test(message)) placed.attributeList.push(message);
    else if (/^rule ids must be unique\b/.test(message)) placed.ruleList.push(message);
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

/** A condition as one line, e.g. `group = "Sales and Marketing"`, `team ∈ {Blue, Red}`, `userType is set`. */
export function conditionText(condition: Condition): string {
  const { source } = condition;
  const subject =
    source.type === 'attribute' ? source.key : source.type === 'group' ? (source.by === 'externalId' ? 'group (object id)' : 'group') : source.type === 'role' ? 'app role' : 'userType';
  switch (condition.op) {
    case 'present':
      return `${subject} is set`;
    case 'oneOf':
      return `${subject} is one of ${condition.values.map((value) => `"${value}"`).join(', ')}`;
    case 'contains':
      return `${subject} contains "${condition.value}"`;
    default:
      return `${subject} = "${condition.value}"`;
  }
}
