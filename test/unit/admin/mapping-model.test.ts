/**
 * The Attribute mapping page's pure helpers: rules ↔ form, the admin API body, what is checked before sending,
 * server messages placed on their field, previews and explanations read (messages of en.json, formatted here as
 * the admin formats them).
 */
import { createIntl } from 'react-intl';
import en from '../../../admin/src/translations/en.json';
import { ATTRIBUTE_KEY_PATTERN as SERVER_KEY_PATTERN } from '../../../server/src/mapping/declared-attributes';
import { validateMappingSettings, MappingValidationError } from '../../../server/src/sync/mapping-rules';
import {
  ATTRIBUTE_KEY_PATTERN,
  changeParts,
  conditionMessage,
  emptyAttribute,
  emptyBinding,
  emptyCondition,
  fieldName,
  formOfMapping,
  formProblems,
  mappingPayload,
  newRule,
  placeErrors,
  remapStatus,
  roleNamer,
  roleTallies,
  suggestedScimPath,
  validationErrors,
  type Condition,
  type MappingForm,
  type MappingSettingsView,
} from '../../../admin/src/utils/mapping-model';

const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';
const TEAM = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team';

const settings: MappingSettingsView = {
  attributes: [
    { key: 'folders', scimPath: FOLDERS, multiValued: true },
    { key: 'team', scimPath: TEAM, claim: 'team', multiValued: false, allowedValues: ['Blue', 'Red'] },
  ],
  policy: {
    roleRules: [
      { id: 'sales-authors', description: 'Sales', when: [{ source: { type: 'group' }, op: 'equals', value: 'Sales and Marketing' }], roles: ['strapi-author'] },
      {
        id: 'teams',
        when: [
          { source: { type: 'attribute', key: 'team' }, op: 'oneOf', values: ['Blue', 'Red'] },
          { source: { type: 'group', by: 'externalId' }, op: 'present' },
        ],
        roles: ['strapi-editor', 'site-admin'],
      },
    ],
    unmatched: { action: 'deactivate' },
    allowSuperAdmin: false,
    foldersAttribute: 'folders',
    createMissingFolders: true,
  },
  content: [{ uid: 'api::article.article', field: 'team', attribute: 'team' }],
};

describe('rules ↔ form', () => {
  test('the form of the rules in force gives back the same rules (round trip)', () => {
    const form = formOfMapping(settings);
    expect(form.rules[1]!.conditions[0]).toMatchObject({ source: 'attribute', attribute: 'team', op: 'oneOf', value: 'Blue, Red' });
    expect(form.rules[1]!.conditions[1]).toMatchObject({ source: 'group', groupBy: 'externalId', op: 'present', value: '' });
    expect(form.attributes[1]!.allowedValues).toBe('Blue, Red');
    expect(form.unmatched).toBe('deactivate');
    expect(mappingPayload(form)).toEqual(settings);
  });

  test('what is typed is trimmed; empty optional fields are left out; oneOf splits on commas and lines, not spaces', () => {
    const form = formOfMapping({ attributes: [], policy: { roleRules: [], unmatched: { action: 'defaultRole', role: 'strapi-author' }, allowSuperAdmin: false } });
    form.attributes.push({ key: ' dept ', scimPath: ' urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department ', claim: '  ', multiValued: false, allowedValues: ' \n' });
    form.rules.push({
      id: ' r1 ',
      description: '  ',
      conditions: [{ source: 'group', groupBy: 'displayName', attribute: 'ignored', op: 'oneOf', value: 'Sales and Marketing,\n Support ,' }],
      roles: ['strapi-editor'],
    });
    form.defaultRole = ' strapi-author ';
    const payload = mappingPayload(form);
    expect(payload.attributes).toEqual([{ key: 'dept', scimPath: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', multiValued: false }]);
    expect(payload.policy.roleRules).toEqual([
      { id: 'r1', when: [{ source: { type: 'group' }, op: 'oneOf', values: ['Sales and Marketing', 'Support'] }], roles: ['strapi-editor'] },
    ]);
    expect(payload.policy.unmatched).toEqual({ action: 'defaultRole', role: 'strapi-author' });
    expect(payload.policy).not.toHaveProperty('foldersAttribute');
  });

  test('a new rule gets an id no other rule has', () => {
    const first = newRule([]);
    expect(first.id).toBe('rule-1');
    expect(newRule([first, { ...first, id: 'rule-3' }]).id).toBe('rule-4');
    expect(newRule([{ ...first, id: 'rule-2' }]).id).toBe('rule-3');
  });

  test('a suggested SCIM path follows Entra: lists as custom extension attributes, single values under Metadata', () => {
    expect(suggestedScimPath('folders', true)).toBe(FOLDERS);
    expect(suggestedScimPath(' team ', false)).toBe(TEAM);
    expect(suggestedScimPath(' ', false)).toBe('');
  });
});

/** What the server says about the body the form would send ([] when it accepts it). */
const KNOWN_ROLES = ['strapi-author', 'strapi-editor', 'site-admin'];
function serverRefusal(form: MappingForm): string[] {
  try {
    validateMappingSettings(mappingPayload(form), KNOWN_ROLES);
    return [];
  } catch (error) {
    if (error instanceof MappingValidationError) return error.errors;
    throw error;
  }
}

/** The valid form of `settings`, changed by `change` (a copy: nothing shared between cases). */
const formWith = (change: (form: MappingForm) => void): MappingForm => {
  const form = formOfMapping(settings);
  change(form);
  return form;
};

describe('what is checked before sending', () => {
  test('the form of valid rules has no problem, and the server accepts it', () => {
    const form = formOfMapping(settings);
    expect(formProblems(form)).toEqual([]);
    expect(serverRefusal(form)).toEqual([]);
  });

  // Each: a field left empty (or a key that is no identifier), the problem said at that field, and the server
  // refusing the same body with a message `placeErrors` puts on that same field — the page mirrors the server.
  const cases: [string, (form: MappingForm) => void, string, string][] = [
    ['attribute key empty', (form) => (form.attributes[1]!.key = ' '), fieldName.attribute(1, 'key'), 'mapping.check.attributeKeyMissing'],
    ['attribute key no identifier', (form) => (form.attributes[1]!.key = '1team'), fieldName.attribute(1, 'key'), 'mapping.check.attributeKeyInvalid'],
    ['SCIM attribute empty', (form) => (form.attributes[0]!.scimPath = ''), fieldName.attribute(0, 'scimPath'), 'mapping.check.scimPathMissing'],
    ['rule id empty', (form) => (form.rules[1]!.id = '  '), fieldName.rule(1, 'id'), 'mapping.check.ruleIdMissing'],
    ['rule without a role', (form) => (form.rules[0]!.roles = []), fieldName.rule(0, 'roles'), 'mapping.check.rolesMissing'],
    [
      'attribute condition without its attribute',
      (form) => (form.rules[1]!.conditions[0]!.attribute = ''),
      fieldName.condition(1, 0, 'attribute'),
      'mapping.check.conditionAttributeMissing',
    ],
    ['equals without a value', (form) => (form.rules[0]!.conditions[0]!.value = ' '), fieldName.condition(0, 0, 'value'), 'mapping.check.conditionValueMissing'],
    [
      'contains without a value',
      (form) => Object.assign(form.rules[1]!.conditions[1]!, { op: 'contains', value: '' }),
      fieldName.condition(1, 1, 'value'),
      'mapping.check.conditionValueMissing',
    ],
    ['oneOf without a value', (form) => (form.rules[1]!.conditions[0]!.value = ' ,\n, '), fieldName.condition(1, 0, 'value'), 'mapping.check.conditionValuesMissing'],
    ['default role not chosen', (form) => Object.assign(form, { unmatched: 'defaultRole', defaultRole: '' }), fieldName.defaultRole, 'mapping.check.defaultRoleMissing'],
    ['content type not chosen', (form) => (form.content[0]!.uid = ''), fieldName.binding(0, 'uid'), 'mapping.check.contentTypeMissing'],
    ['content field not chosen', (form) => (form.content[0]!.field = ''), fieldName.binding(0, 'field'), 'mapping.check.contentFieldMissing'],
    ['content attribute not chosen', (form) => (form.content[0]!.attribute = ''), fieldName.binding(0, 'attribute'), 'mapping.check.contentAttributeMissing'],
  ];
  test.each(cases)('%s: said at the field; the server refuses it there too', (_, change, field, key) => {
    const form = formWith(change);
    expect(formProblems(form)).toEqual([{ field, key }]);
    expect(Object.keys(en)).toContain(key);
    const refusal = serverRefusal(form);
    expect(refusal.length).toBeGreaterThan(0);
    expect(placeErrors(refusal, form).fields[field]).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  test('optional fields left empty are no problem (they are left out of the body), nor is "is set" without a value', () => {
    const form = formWith((draft) => {
      draft.attributes[1]!.claim = ' ';
      draft.attributes[1]!.allowedValues = ' , ';
      draft.rules[0]!.description = '';
      draft.foldersAttribute = '';
      draft.unmatched = 'deactivate';
      draft.defaultRole = '';
    });
    expect(formProblems(form)).toEqual([]);
    expect(serverRefusal(form)).toEqual([]);
  });

  test('in the order of the page, so the first is the one to focus', () => {
    const form = formOfMapping(settings);
    form.attributes.push(emptyAttribute());
    form.rules.push({ ...newRule(form.rules), conditions: [emptyCondition()] });
    form.content.push(emptyBinding());
    form.unmatched = 'defaultRole';
    form.defaultRole = '';
    expect(formProblems(form).map((problem) => problem.field)).toEqual([
      'attribute-2-key',
      'attribute-2-scimPath',
      'rule-2-condition-0-value',
      'rule-2-roles',
      'defaultRole',
      'binding-1-uid',
      'binding-1-field',
      'binding-1-attribute',
    ]);
  });

  test("the attribute key pattern is the server's", () => {
    expect(ATTRIBUTE_KEY_PATTERN.source).toBe(SERVER_KEY_PATTERN.source);
    expect(ATTRIBUTE_KEY_PATTERN.flags).toBe(SERVER_KEY_PATTERN.flags);
  });
});

describe('server messages next to what they name', () => {
  test('on the field they name: by rule id or number, attribute key or number, content index; the rest on the part, the list or the policy', () => {
    const form = formOfMapping(settings);
    const placed = placeErrors(
      [
        'rule "teams" grants unknown role "site-admin"',
        'rule 1: roles: a rule must grant at least one role',
        'rule "teams": condition 1 uses attribute "tem" that is not declared',
        'rule "teams": condition 2 source.key: must not be empty',
        'rule "sales-authors": condition 1 (equals) needs a non-empty value',
        'rule "teams": condition 3 (equals) needs a non-empty value',
        'rule 2: id: must not be empty',
        'rule "teams": when: Expected array, received string',
        'attribute "team": scimPath "x" is neither a User …',
        'attribute 1 key: key must start with a letter',
        'attribute "team": the key "groups" is reserved for the SCIM groups attribute; choose another key',
        'attribute "folders" allowedValues: allowedValues needs at least one value when given',
        'attribute "team": something new',
        'content.0: api::article.article has no field "tem"',
        'content.0.uid: uid must look like api::article.article',
        'content.0: attribute "tem" is not declared',
        'content.0: something new',
        'unmatched.role: unknown role "strapi-autor" (did you mean "strapi-author"?)',
        'foldersAttribute "folder" is not a declared attribute',
        'allowSuperAdmin: Expected boolean, received string',
        'rule ids must be unique: "teams" is used by 2 rules',
        'rule "gone" uses something',
        'attribute keys must be unique (ignoring case): "team" is declared 2 times',
        'the rules were changed by someone else (now version 2); reload and retry',
      ],
      { ...form, unmatched: 'defaultRole', defaultRole: 'strapi-autor' }
    );
    expect(placed.fields).toEqual({
      'rule-1-roles': ['rule "teams" grants unknown role "site-admin"'],
      'rule-0-roles': ['rule 1: roles: a rule must grant at least one role'],
      'rule-1-condition-0-attribute': ['rule "teams": condition 1 uses attribute "tem" that is not declared'],
      'rule-1-condition-1-attribute': ['rule "teams": condition 2 source.key: must not be empty'],
      'rule-0-condition-0-value': ['rule "sales-authors": condition 1 (equals) needs a non-empty value'],
      'rule-1-id': ['rule 2: id: must not be empty'],
      'attribute-1-scimPath': ['attribute "team": scimPath "x" is neither a User …'],
      'attribute-0-key': ['attribute 1 key: key must start with a letter'],
      'attribute-1-key': ['attribute "team": the key "groups" is reserved for the SCIM groups attribute; choose another key'],
      'attribute-0-allowed': ['attribute "folders" allowedValues: allowedValues needs at least one value when given'],
      'binding-0-field': ['content.0: api::article.article has no field "tem"'],
      'binding-0-uid': ['content.0.uid: uid must look like api::article.article'],
      'binding-0-attribute': ['content.0: attribute "tem" is not declared'],
      defaultRole: ['unmatched.role: unknown role "strapi-autor" (did you mean "strapi-author"?)'],
      foldersAttribute: ['foldersAttribute "folder" is not a declared attribute'],
    });
    // A condition the form does not have (3 of 2) or no field: on the rule card.
    expect(placed.rules).toEqual({
      1: ['rule "teams": condition 3 (equals) needs a non-empty value', 'rule "teams": when: Expected array, received string'],
    });
    expect(placed.attributes).toEqual({ 1: ['attribute "team": something new'] });
    expect(placed.content).toEqual({ 0: ['content.0: something new'] });
    expect(placed.policy).toEqual(['allowSuperAdmin: Expected boolean, received string']);
    expect(placed.ruleList).toEqual(['rule ids must be unique: "teams" is used by 2 rules']);
    expect(placed.attributeList).toEqual(['attribute keys must be unique (ignoring case): "team" is declared 2 times']);
    expect(placed.general).toEqual(['rule "gone" uses something', 'the rules were changed by someone else (now version 2); reload and retry']);
  });

  test('the default role is named only while people no rule matches get one', () => {
    const placed = placeErrors(['unmatched.role: must not be empty'], formOfMapping(settings));
    expect(placed.fields).toEqual({});
    expect(placed.policy).toEqual(['unmatched.role: must not be empty']);
  });

  test('the details.errors list of a ValidationError, else its message, else the error', () => {
    const refusal = (error: unknown) => ({ response: { data: { error } } });
    expect(validationErrors(refusal({ message: 'invalid mapping: a; b', details: { errors: ['a', 'b'] } }))).toEqual(['a', 'b']);
    expect(validationErrors(refusal({ message: 'the rules were changed by someone else' }))).toEqual(['the rules were changed by someone else']);
    expect(validationErrors(new Error('network down'))).toEqual(['network down']);
  });
});

describe('reading previews and explanations', () => {
  test('one person\'s change, activation first', () => {
    expect(changeParts({ rolesAdded: ['strapi-editor'], rolesRemoved: ['strapi-author'], foldersAdded: ['Marketing'], foldersRemoved: [], activation: 'reactivated' })).toEqual([
      { kind: 'reactivated' },
      { kind: 'roleAdded', value: 'strapi-editor' },
      { kind: 'roleRemoved', value: 'strapi-author' },
      { kind: 'folderAdded', value: 'Marketing' },
    ]);
    expect(changeParts({ rolesAdded: [], rolesRemoved: [], foldersAdded: [], foldersRemoved: [], activation: null })).toEqual([]);
  });

  test('role names by code, tallies by count', () => {
    const name = roleNamer([{ code: 'strapi-editor', name: 'Editor' }]);
    expect(name('strapi-editor')).toBe('Editor');
    expect(name('gone')).toBe('gone');
    expect(roleTallies({ a: 1, c: 3, b: 3 })).toEqual([{ role: 'b', count: 3 }, { role: 'c', count: 3 }, { role: 'a', count: 1 }]);
  });

  test('re-mapping progress: never 100 % while someone waits', () => {
    expect(remapStatus({ pending: 0, total: 0, running: false })).toEqual({ percent: 100, done: true });
    expect(remapStatus({ pending: 1, total: 1000, running: true })).toEqual({ percent: 99, done: false });
    expect(remapStatus({ pending: 3, total: 4, running: true })).toEqual({ percent: 25, done: false });
  });

  test('a condition is one message of en.json with its values, not words put together in code', () => {
    expect(conditionMessage({ source: { type: 'group', by: 'externalId' }, op: 'equals', value: 'abc' })).toEqual({
      key: 'mapping.condition.text.equals',
      source: 'groupId',
      attribute: '',
      value: 'abc',
      values: [],
    });
    expect(conditionMessage({ source: { type: 'attribute', key: 'team' }, op: 'oneOf', values: ['Blue', 'Red'] })).toEqual({
      key: 'mapping.condition.text.oneOf',
      source: 'attribute',
      attribute: 'team',
      value: '',
      values: ['Blue', 'Red'],
    });
  });

  test('conditions read as one line in English (formatted as the page does, with react-intl)', () => {
    const intl = createIntl({ locale: 'en', messages: en });
    const say = (key: string, values?: Record<string, string>) => intl.formatMessage({ id: key }, values);
    const text = (condition: Condition) => {
      const { key, values, ...rest } = conditionMessage(condition);
      expect(Object.keys(en)).toContain(key);
      return say(key, { ...rest, values: intl.formatList(values.map((value) => say('mapping.condition.text.listed', { value })), { type: 'unit', style: 'short' }) });
    };
    expect(text({ source: { type: 'group' }, op: 'equals', value: 'Sales' })).toBe('group = "Sales"');
    expect(text({ source: { type: 'attribute', key: 'team' }, op: 'oneOf', values: ['Blue', 'Red'] })).toBe('team is one of "Blue", "Red"');
    expect(text({ source: { type: 'group', by: 'externalId' }, op: 'present' })).toBe('group (object id) is set');
    expect(text({ source: { type: 'role' }, op: 'contains', value: 'Adm' })).toBe('app role contains "Adm"');
    expect(text({ source: { type: 'userType' }, op: 'present' })).toBe('userType is set');
    expect(say('mapping.explain.trace', { holds: 'true', condition: 'group = "Sales"', values: 'Sales' })).toBe('✓ group = "Sales" — values: Sales');
    expect(say('mapping.explain.trace', { holds: 'false', condition: 'userType is set', values: 'None' })).toBe('✗ userType is set — values: None');
  });
});
