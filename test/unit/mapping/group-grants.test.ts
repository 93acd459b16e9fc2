import { grantsThroughGroup, rolesThroughGroup } from '../../../server/src/mapping/group-grants';
import type { MappingPolicy, RoleRule } from '../../../server/src/mapping/types';

const policy = (roleRules: RoleRule[], allowSuperAdmin = false): MappingPolicy => ({
  roleRules,
  unmatched: { action: 'defaultRole', role: 'strapi-author' },
  allowSuperAdmin,
});

const editors = { displayName: 'Marketing Editors', externalId: 'c0ffee00-0000-4000-8000-000000000001' };
const noId = { displayName: 'Everyone', externalId: null };

describe('grantsThroughGroup', () => {
  it('matches a group by display name (any case) and by external id, as the engine does', () => {
    const rules = policy([
      { id: 'by-name', when: [{ source: { type: 'group' }, op: 'equals', value: 'marketing editors' }], roles: ['strapi-editor'] },
      { id: 'by-id', when: [{ source: { type: 'group', by: 'externalId' }, op: 'equals', value: 'C0FFEE00-0000-4000-8000-000000000001' }], roles: ['Reviewer'] },
      { id: 'other-group', when: [{ source: { type: 'group' }, op: 'equals', value: 'Sales' }], roles: ['strapi-author'] },
    ]);
    expect(grantsThroughGroup(editors, rules)).toEqual([
      { ruleId: 'by-name', roles: ['strapi-editor'], conditional: false },
      { ruleId: 'by-id', roles: ['Reviewer'], conditional: false },
    ]);
    // The same display name without the id: only the name rule.
    expect(grantsThroughGroup({ displayName: 'Marketing Editors', externalId: null }, rules).map((grant) => grant.ruleId)).toEqual(['by-name']);
  });

  it('oneOf, contains and present read the group like any other value', () => {
    const rules = policy([
      { id: 'one-of', when: [{ source: { type: 'group' }, op: 'oneOf', values: ['Sales', 'Everyone'] }], roles: ['a'] },
      { id: 'contains', when: [{ source: { type: 'group' }, op: 'contains', value: 'editor' }], roles: ['b'] },
      { id: 'in-any-group', when: [{ source: { type: 'group' }, op: 'present' }], roles: ['c'] },
    ]);
    expect(grantsThroughGroup(noId, rules).map((grant) => grant.ruleId)).toEqual(['one-of', 'in-any-group']);
    expect(grantsThroughGroup(editors, rules).map((grant) => grant.ruleId)).toEqual(['contains', 'in-any-group']);
  });

  it('leaves out rules that read no group (everyone, attributes) and a rule whose only role is withheld Super Admin', () => {
    const rules = policy([
      { id: 'everyone', when: [], roles: ['strapi-author'] },
      { id: 'team', when: [{ source: { type: 'attribute', key: 'team' }, op: 'equals', value: 'Blue' }], roles: ['strapi-editor'] },
      { id: 'admins', when: [{ source: { type: 'group' }, op: 'equals', value: 'Everyone' }], roles: ['Super Admin'] },
    ]);
    expect(grantsThroughGroup(noId, rules)).toEqual([]);
    expect(grantsThroughGroup(noId, { ...rules, allowSuperAdmin: true })).toEqual([{ ruleId: 'admins', roles: ['Super Admin'], conditional: false }]);
  });

  it('a rule that also needs something else is conditional; one that needs two groups is conditional for each', () => {
    const rules = policy([
      {
        id: 'editors-in-blue',
        when: [
          { source: { type: 'group' }, op: 'equals', value: 'Marketing Editors' },
          { source: { type: 'attribute', key: 'team' }, op: 'equals', value: 'Blue' },
        ],
        roles: ['strapi-editor', ' strapi-super-admin '],
      },
      {
        id: 'both-groups',
        when: [
          { source: { type: 'group' }, op: 'equals', value: 'Marketing Editors' },
          { source: { type: 'group' }, op: 'equals', value: 'Everyone' },
        ],
        roles: ['publisher'],
      },
    ]);
    expect(grantsThroughGroup(editors, rules)).toEqual([
      { ruleId: 'editors-in-blue', roles: ['strapi-editor'], conditional: true },
      { ruleId: 'both-groups', roles: ['publisher'], conditional: true },
    ]);
    expect(grantsThroughGroup(noId, rules)).toEqual([{ ruleId: 'both-groups', roles: ['publisher'], conditional: true }]);
  });
});

describe('rolesThroughGroup', () => {
  it('one entry per role with its rules; conditional only when every rule giving it is', () => {
    expect(
      rolesThroughGroup([
        { ruleId: 'r1', roles: ['strapi-editor', 'b'], conditional: true },
        { ruleId: 'r2', roles: ['strapi-editor'], conditional: false },
        { ruleId: 'r3', roles: ['a'], conditional: true },
      ])
    ).toEqual([
      { role: 'a', ruleIds: ['r3'], conditional: true },
      { role: 'b', ruleIds: ['r1'], conditional: true },
      { role: 'strapi-editor', ruleIds: ['r1', 'r2'], conditional: false },
    ]);
  });
});
