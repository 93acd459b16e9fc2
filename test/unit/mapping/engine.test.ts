import { diffMappings, evaluateMapping, isNoChange } from '../../../server/src/mapping/engine';
import { factsFromScim } from '../../../server/src/mapping/facts';
import type { MappingResult, RoleRule } from '../../../server/src/mapping/types';
import { CUSTOM, DECLARED, entraUser, facts, policy } from './fixtures';

const premiumEditors: RoleRule = {
  id: 'premium-editors',
  when: [
    { source: { type: 'userType' }, op: 'equals', value: 'Premium' },
    { source: { type: 'attribute', key: 'team' }, op: 'oneOf', values: ['Blue', 'Green'] },
  ],
  roles: ['strapi-editor'],
};
const appAdmins: RoleRule = {
  id: 'app-admins',
  when: [{ source: { type: 'role' }, op: 'equals', value: 'admin' }],
  roles: ['strapi-editor', 'Publisher'],
};
const marketing: RoleRule = {
  id: 'marketing',
  when: [{ source: { type: 'group' }, op: 'contains', value: 'marketing' }],
  roles: ['Marketing'],
};
const owners: RoleRule = {
  id: 'owners',
  when: [{ source: { type: 'group' }, op: 'equals', value: 'Owners' }],
  roles: ['strapi-super-admin', 'Publisher'],
};

const everyone: RoleRule = { id: 'everyone', when: [], roles: ['Reader'] };

const ada = factsFromScim(
  entraUser(),
  [
    { displayName: 'Marketing Editors', externalId: 'g-1' },
    { displayName: 'Owners', externalId: 'g-2' },
  ],
  DECLARED
);

describe('evaluateMapping: roles', () => {
  it('combines the roles of every matching rule, unique and sorted', () => {
    const result = evaluateMapping(ada, policy({ roleRules: [premiumEditors, appAdmins, marketing] }), DECLARED);
    expect(result.roles).toEqual(['Marketing', 'Publisher', 'strapi-editor']);
    expect(result.active).toBe(true);
    expect(result.notes).toEqual([]);
  });

  it('gives the default role when no rule matches, and says so', () => {
    const result = evaluateMapping(facts(), policy({ roleRules: [premiumEditors] }), DECLARED);
    expect(result.roles).toEqual(['strapi-author']);
    expect(result.active).toBe(true);
    expect(result.notes).toEqual(['No role rule matched: default role "strapi-author" given.']);
  });

  it('deactivates unmatched people when the policy says so', () => {
    const result = evaluateMapping(
      facts(),
      policy({ roleRules: [premiumEditors], unmatched: { action: 'deactivate' } }),
      DECLARED
    );
    expect(result.roles).toEqual([]);
    expect(result.active).toBe(false);
    expect(result.notes).toEqual(['No role rule matched: deactivated, as the policy says for unmatched people.']);
  });

  it('keeps the IdP inactive flag even when rules match', () => {
    const result = evaluateMapping({ ...ada, active: false }, policy({ roleRules: [appAdmins] }), DECLARED);
    expect(result.roles).toEqual(['Publisher', 'strapi-editor']);
    expect(result.active).toBe(false);
    expect(result.notes).toContain('The identity provider marks this person inactive.');
  });

  it('an empty rule always matches (a baseline role for everyone)', () => {
    expect(
      evaluateMapping(facts(), policy({ roleRules: [everyone], unmatched: { action: 'deactivate' } }), []).roles
    ).toEqual(['Reader']);
  });
});

describe('evaluateMapping: Super Admin', () => {
  it('withholds Super Admin (by code or name, any case) unless the policy allows it', () => {
    const byName: RoleRule = { id: 'by-name', when: [], roles: [' super admin '] };
    const result = evaluateMapping(ada, policy({ roleRules: [owners, byName] }), DECLARED);
    expect(result.roles).toEqual(['Publisher']);
    expect(result.rules.find((rule) => rule.ruleId === 'owners')?.granted).toEqual(['Publisher']);
    expect(result.rules.find((rule) => rule.ruleId === 'by-name')).toMatchObject({ matched: true, granted: [] });
    expect(result.notes).toEqual(['Super Admin withheld (allowSuperAdmin is false) from rule "by-name", "owners".']);
  });

  it('grants it when allowed', () => {
    const result = evaluateMapping(ada, policy({ roleRules: [owners], allowSuperAdmin: true }), DECLARED);
    expect(result.roles).toEqual(['Publisher', 'strapi-super-admin']);
    expect(result.notes).toEqual([]);
  });

  it('falls back to the unmatched policy when the only role a matching rule had was withheld', () => {
    const onlySuper: RoleRule = { id: 'only-super', when: [], roles: ['strapi-super-admin'] };
    const result = evaluateMapping(ada, policy({ roleRules: [onlySuper] }), DECLARED);
    expect(result.roles).toEqual(['strapi-author']);
    expect(result.rules[0]).toMatchObject({ matched: true, granted: [] });
  });

  it('never gives Super Admin as a default role unless allowed; honours a custom Super Admin code', () => {
    const superDefault = policy({ unmatched: { action: 'defaultRole', role: 'strapi-super-admin' } });
    expect(evaluateMapping(facts(), superDefault, []).roles).toEqual([]);
    expect(evaluateMapping(facts(), { ...superDefault, allowSuperAdmin: true }, []).roles).toEqual([
      'strapi-super-admin',
    ]);
    const custom = policy({ roleRules: [{ id: 'r', when: [], roles: ['root', 'strapi-super-admin'] }] });
    expect(evaluateMapping(facts(), custom, [], { superAdminRole: 'root' }).roles).toEqual(['strapi-super-admin']);
  });
});

describe('evaluateMapping: folders', () => {
  const withFolders = (values: string[]) =>
    evaluateMapping(
      facts({ attributes: { folders: values } }),
      policy({ roleRules: [everyone], foldersAttribute: 'folders' }),
      DECLARED
    );

  it('normalises paths: slashes, backslashes, spaces, "." segments; keeps case', () => {
    expect(
      withFolders(['/Marketing//Campaigns/', '\\Sales\\EMEA\\', ' Shared ', 'Docs/./2024', 'A / B']).folders
    ).toEqual(['A/B', 'Docs/2024', 'Marketing/Campaigns', 'Sales/EMEA', 'Shared']);
  });

  it.each([['../etc'], ['Marketing/../HR'], ['..\\..\\Secrets'], ['/..'], ['A/ .. /B']])(
    'refuses traversal %p',
    (value) => {
      const result = withFolders([value, 'Shared']);
      expect(result.folders).toEqual(['Shared']);
      expect(result.notes).toEqual([`Folder value "${value}" ignored: it contains a ".." segment.`]);
    }
  );

  it('refuses values naming no folder and values with control characters', () => {
    const result = withFolders(['/', './', 'Bad\nName']);
    expect(result.folders).toEqual([]);
    expect(result.notes).toHaveLength(3);
  });

  it('keeps "..." and names with dots as ordinary names', () => {
    expect(withFolders(['.../v1.2', 'a..b']).folders).toEqual(['.../v1.2', 'a..b']);
  });

  it('merges paths differing only by case, keeping the spelling that sorts first, whatever the order', () => {
    const expected = ['Marketing/Campaigns'];
    expect(withFolders(['marketing/campaigns', 'Marketing/Campaigns']).folders).toEqual(expected);
    expect(withFolders(['Marketing/Campaigns', 'marketing/campaigns']).folders).toEqual(expected);
    expect(withFolders(['marketing/campaigns', 'Marketing/Campaigns']).notes).toEqual([
      'Folder "marketing/campaigns" merged into "Marketing/Campaigns" (same path ignoring case).',
    ]);
  });

  it('gives no folders without a folders attribute, or with an undeclared one', () => {
    expect(evaluateMapping(ada, policy(), DECLARED).folders).toEqual([]);
    const undeclared = evaluateMapping(ada, policy({ foldersAttribute: 'nope' }), DECLARED);
    expect(undeclared.folders).toEqual([]);
    expect(undeclared.notes).toContain('Folders attribute "nope" is not declared: no folders given.');
  });

  it('reads folders straight from an Entra user', () => {
    const user = entraUser({ [CUSTOM]: { folders: [{ value: 'Marketing\\Campaigns' }, { value: 'Shared/' }] } });
    expect(
      evaluateMapping(factsFromScim(user, [], DECLARED), policy({ foldersAttribute: 'folders' }), DECLARED).folders
    ).toEqual(['Marketing/Campaigns', 'Shared']);
  });
});

describe('evaluateMapping: metadata and traces', () => {
  it('gives every declared attribute, sorted, ignoring facts no longer declared', () => {
    const result = evaluateMapping({ ...ada, attributes: { ...ada.attributes, stale: ['x'] } }, policy(), DECLARED);
    expect(result.metadata).toEqual({
      department: ['Marketing'],
      folders: ['Marketing/Campaigns', 'Shared'],
      team: ['Blue'],
      userType: ['Premium'],
    });
    expect(Object.keys(result.metadata)).toEqual(['department', 'folders', 'team', 'userType']);
  });

  it('explains each rule in policy order: conditions, values looked at, roles granted', () => {
    const standard = { ...ada, userType: 'Standard' };
    const result = evaluateMapping(standard, policy({ roleRules: [premiumEditors, appAdmins] }), DECLARED);
    expect(result.rules).toEqual([
      {
        ruleId: 'premium-editors',
        matched: false,
        conditions: [
          { condition: premiumEditors.when[0], holds: false, values: ['Standard'] },
          { condition: premiumEditors.when[1], holds: true, values: ['Blue'] },
        ],
        granted: [],
      },
      {
        ruleId: 'app-admins',
        matched: true,
        conditions: [{ condition: appAdmins.when[0], holds: true, values: ['Admin'] }],
        granted: ['Publisher', 'strapi-editor'],
      },
    ]);
  });
});

describe('diffMappings', () => {
  const result = (overrides: Partial<MappingResult>): MappingResult => ({
    roles: [],
    active: true,
    folders: [],
    metadata: {},
    rules: [],
    notes: [],
    ...overrides,
  });

  it('a new person: everything added, no activation change', () => {
    const change = diffMappings(null, result({ roles: ['b', 'a'], folders: ['F'], active: false }));
    expect(change).toEqual({
      rolesAdded: ['a', 'b'],
      rolesRemoved: [],
      foldersAdded: ['F'],
      foldersRemoved: [],
      activation: null,
    });
    expect(isNoChange(change)).toBe(false);
    expect(isNoChange(diffMappings(null, result({})))).toBe(true);
  });

  it('lists what was added and removed, and activation flips', () => {
    const before = result({ roles: ['a', 'b'], folders: ['X', 'Y'], active: true });
    const after = result({ roles: ['b', 'c'], folders: ['Y', 'x'], active: false });
    expect(diffMappings(before, after)).toEqual({
      rolesAdded: ['c'],
      rolesRemoved: ['a'],
      foldersAdded: ['x'],
      foldersRemoved: ['X'],
      activation: 'deactivated',
    });
    expect(diffMappings(after, before).activation).toBe('reactivated');
  });

  it('sees no change when only metadata, traces or notes differ', () => {
    const change = diffMappings(
      result({ roles: ['a'], metadata: { team: ['Blue'] } }),
      result({ roles: ['a'], notes: ['n'] })
    );
    expect(isNoChange(change)).toBe(true);
  });
});
