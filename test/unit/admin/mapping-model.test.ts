/** The Attribute mapping page's pure helpers: rules ↔ form, the admin API body, server messages placed, previews read. */
import {
  changeParts,
  conditionText,
  formOfMapping,
  mappingPayload,
  newRule,
  placeErrors,
  remapStatus,
  roleNamer,
  roleTallies,
  suggestedScimPath,
  validationErrors,
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

describe('server messages next to what they name', () => {
  test('by rule id or number, attribute key or number, content index; policy and the rest apart', () => {
    const form = formOfMapping(settings);
    const placed = placeErrors(
      [
        'rule "teams" grants unknown role "site-admin"',
        'rule 1: roles: a rule must grant at least one role',
        'attribute "team": scimPath "x" is neither a User …',
        'attribute 1 key: key must start with a letter',
        'content.0: api::article.article has no field "tem"',
        'unmatched.role: unknown role "strapi-autor" (did you mean "strapi-author"?)',
        'foldersAttribute "folder" is not a declared attribute',
        'rule ids must be unique: "teams" is used by 2 rules',
        'rule "gone" uses something',
        'attribute keys must be unique (ignoring case): "team" is declared 2 times',
        'the rules were changed by someone else (now version 2); reload and retry',
      ],
      form
    );
    expect(placed.rules).toEqual({ 1: ['rule "teams" grants unknown role "site-admin"'], 0: ['rule 1: roles: a rule must grant at least one role'] });
    expect(placed.attributes).toEqual({ 1: ['attribute "team": scimPath "x" is neither a User …'], 0: ['attribute 1 key: key must start with a letter'] });
    expect(placed.content).toEqual({ 0: ['content.0: api::article.article has no field "tem"'] });
    expect(placed.policy).toHaveLength(2);
    expect(placed.ruleList).toEqual(['rule ids must be unique: "teams" is used by 2 rules']);
    expect(placed.attributeList).toEqual(['attribute keys must be unique (ignoring case): "team" is declared 2 times']);
    expect(placed.general).toEqual(['rule "gone" uses something', 'the rules were changed by someone else (now version 2); reload and retry']);
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

  test('conditions read as one line', () => {
    expect(conditionText({ source: { type: 'group' }, op: 'equals', value: 'Sales' })).toBe('group = "Sales"');
    expect(conditionText({ source: { type: 'attribute', key: 'team' }, op: 'oneOf', values: ['Blue', 'Red'] })).toBe('team is one of "Blue", "Red"');
    expect(conditionText({ source: { type: 'group', by: 'externalId' }, op: 'present' })).toBe('group (object id) is set');
    expect(conditionText({ source: { type: 'role' }, op: 'contains', value: 'Adm' })).toBe('app role contains "Adm"');
  });
});
