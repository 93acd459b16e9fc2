/**
 * Property tests (fast-check) of the engine:
 * (a) idempotence: evaluating twice gives deep-equal results, and diffMappings(r, r) is no change;
 * (b) order independence: shuffling rules, groups, roles and attribute values changes nothing but the order
 *     of rule traces (which follow policy order);
 * (c) roles come only from rules or the default role, and never include Super Admin unless allowed;
 * (d) monotonicity when unmatched people are deactivated: adding a rule never removes a role nor deactivates.
 *     (Not true with a default role: a newly matching rule replaces the default role — see the last test.)
 * (e) folder paths: normalisation is idempotent and never leaves a traversal or an empty segment.
 */
import fc from 'fast-check';
import { diffMappings, evaluateMapping, isNoChange } from '../../../server/src/mapping/engine';
import { normaliseFolderPath } from '../../../server/src/mapping/folders';
import type {
  Condition,
  DeclaredAttribute,
  IdentityFacts,
  MappingPolicy,
  MappingResult,
  RoleRule,
  Source,
} from '../../../server/src/mapping/types';

const DECLARED: DeclaredAttribute[] = [
  { key: 'team', scimPath: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team', multiValued: false },
  {
    key: 'folders',
    scimPath: 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders',
    multiValued: true,
  },
  { key: 'tags', scimPath: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:tags', multiValued: true },
];

const ROLE_CODES = [
  'strapi-editor',
  'strapi-author',
  'Publisher',
  'Marketing',
  'strapi-super-admin',
  'Super Admin',
  ' super admin ',
];
const isSuperAdminName = (role: string) => ['strapi-super-admin', 'super admin'].includes(role.trim().toLowerCase());

const word = fc.constantFrom(
  'Blue',
  'blue',
  ' BLUE ',
  'Red',
  'Premium',
  'premium',
  'Standard',
  '',
  ' ',
  'Admin',
  'Mu\u0308nchen',
  'München'
);
const folderValue = fc.constantFrom(
  'Marketing/Campaigns',
  'marketing/campaigns',
  '/Shared/',
  'Shared',
  '..\\x',
  'A/../B',
  'Sales\\EMEA',
  '',
  './Docs'
);

const facts: fc.Arbitrary<IdentityFacts> = fc.record({
  userType: fc.option(word, { nil: null }),
  roles: fc.array(word, { maxLength: 4 }),
  groups: fc.array(
    fc.record({ displayName: word, externalId: fc.option(fc.constantFrom('g-1', 'G-1', 'g-2'), { nil: null }) }),
    { maxLength: 4 }
  ),
  attributes: fc.record({
    team: fc.array(word, { maxLength: 1 }),
    folders: fc.array(folderValue, { maxLength: 5 }),
    tags: fc.array(word, { maxLength: 4 }),
  }),
  active: fc.boolean(),
});

const source: fc.Arbitrary<Source> = fc.constantFrom<Source>(
  { type: 'userType' },
  { type: 'role' },
  { type: 'group' },
  { type: 'group', by: 'externalId' },
  { type: 'attribute', key: 'team' },
  { type: 'attribute', key: 'folders' },
  { type: 'attribute', key: 'tags' }
);

const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ source, op: fc.constant('equals' as const), value: word }),
  fc.record({ source, op: fc.constant('oneOf' as const), values: fc.array(word, { minLength: 1, maxLength: 3 }) }),
  fc.record({ source, op: fc.constant('contains' as const), value: fc.constantFrom('lu', 'PREM', 'a', 'Shared', '') }),
  fc.record({ source, op: fc.constant('present' as const) })
);

const ruleBody = fc.record({
  when: fc.array(condition, { maxLength: 3 }),
  roles: fc.array(fc.constantFrom(...ROLE_CODES), { minLength: 1, maxLength: 3 }),
});

const rules: fc.Arbitrary<RoleRule[]> = fc
  .array(ruleBody, { maxLength: 6 })
  .map((bodies) => bodies.map((body, index) => ({ id: `rule-${index}`, ...body })));

const policy: fc.Arbitrary<MappingPolicy> = fc.record({
  roleRules: rules,
  unmatched: fc.oneof(
    fc.record({
      action: fc.constant('defaultRole' as const),
      role: fc.constantFrom('strapi-author', 'strapi-super-admin'),
    }),
    fc.constant({ action: 'deactivate' as const })
  ),
  allowSuperAdmin: fc.boolean(),
  foldersAttribute: fc.constantFrom('folders', undefined),
});

/** A permutation of `list`, drawn by fast-check (so it shrinks and replays). */
const shuffled = <T>(list: T[]): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length });

const shuffledFacts = (original: IdentityFacts): fc.Arbitrary<IdentityFacts> =>
  fc.record({
    userType: fc.constant(original.userType),
    roles: shuffled(original.roles),
    groups: shuffled(original.groups),
    attributes: fc.record({
      team: shuffled(original.attributes.team ?? []),
      folders: shuffled(original.attributes.folders ?? []),
      tags: shuffled(original.attributes.tags ?? []),
    }),
    active: fc.constant(original.active),
  });

const withoutTraces = ({ rules: traces, ...rest }: MappingResult) => ({
  ...rest,
  rules: [...traces].sort((left, right) => (left.ruleId < right.ruleId ? -1 : 1)),
});

describe('mapping engine properties', () => {
  it('(a) is idempotent, and a result diffed with itself is no change', () => {
    fc.assert(
      fc.property(facts, policy, (person, owners) => {
        const first = evaluateMapping(person, owners, DECLARED);
        const second = evaluateMapping(person, owners, DECLARED);
        expect(second).toEqual(first);
        expect(isNoChange(diffMappings(first, second))).toBe(true);
        expect(isNoChange(diffMappings(first, structuredClone(first)))).toBe(true);
      })
    );
  });

  it('(b) does not depend on the order of rules, groups, roles or values', () => {
    const scenario = fc
      .tuple(facts, policy)
      .chain(([person, owners]) =>
        fc.tuple(fc.constant(person), fc.constant(owners), shuffledFacts(person), shuffled(owners.roleRules))
      );
    fc.assert(
      fc.property(scenario, ([person, owners, reordered, reorderedRules]) => {
        const original = evaluateMapping(person, owners, DECLARED);
        const other = evaluateMapping(reordered, { ...owners, roleRules: reorderedRules }, [...DECLARED].reverse());
        expect(withoutTraces(other)).toEqual(withoutTraces(original));
        expect(other.rules.map((trace) => trace.ruleId)).toEqual(reorderedRules.map((rule) => rule.id));
      })
    );
  });

  it('(c) gives only roles from rules or the default role, and Super Admin only when allowed', () => {
    fc.assert(
      fc.property(facts, policy, (person, owners) => {
        const result = evaluateMapping(person, owners, DECLARED);
        const possible = new Set(owners.roleRules.flatMap((rule) => rule.roles.map((role) => role.trim())));
        if (owners.unmatched.action === 'defaultRole') possible.add(owners.unmatched.role);
        for (const role of result.roles) expect(possible.has(role)).toBe(true);
        if (!owners.allowSuperAdmin) expect(result.roles.filter(isSuperAdminName)).toEqual([]);
        expect(result.roles).toEqual([...new Set(result.roles)].sort());
        if (!result.active)
          expect(!person.active || (owners.unmatched.action === 'deactivate' && result.roles.length === 0)).toBe(true);
      })
    );
  });

  it('(d) with unmatched people deactivated, adding a rule never removes a role nor deactivates anyone', () => {
    fc.assert(
      fc.property(facts, policy, ruleBody, (person, owners, extra) => {
        const before = { ...owners, unmatched: { action: 'deactivate' as const } };
        const after = { ...before, roleRules: [...before.roleRules, { id: 'extra', ...extra }] };
        const change = diffMappings(
          evaluateMapping(person, before, DECLARED),
          evaluateMapping(person, after, DECLARED)
        );
        expect(change.rolesRemoved).toEqual([]);
        expect(change.activation).not.toBe('deactivated');
      })
    );
  });

  it('(d′) is not monotone with a default role: a matching rule replaces it', () => {
    const owners: MappingPolicy = {
      roleRules: [],
      unmatched: { action: 'defaultRole', role: 'strapi-author' },
      allowSuperAdmin: false,
    };
    const person: IdentityFacts = { userType: null, roles: [], groups: [], attributes: {}, active: true };
    const before = evaluateMapping(person, owners, []);
    const after = evaluateMapping(
      person,
      { ...owners, roleRules: [{ id: 'r', when: [], roles: ['strapi-editor'] }] },
      []
    );
    expect(diffMappings(before, after)).toMatchObject({
      rolesAdded: ['strapi-editor'],
      rolesRemoved: ['strapi-author'],
    });
  });

  it('(e) folder normalisation is idempotent and never leaves traversal or empty segments', () => {
    const path = fc.string({
      unit: fc.constantFrom('a', 'B', '/', '\\', '.', '..', ' ', 'é', 'e\u0301'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(path, (value) => {
        const result = normaliseFolderPath(value);
        if (!result.ok) return;
        expect(
          result.path
            .split('/')
            .every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment === segment.trim())
        ).toBe(true);
        expect(result.path).not.toMatch(/\\/);
        expect(normaliseFolderPath(result.path)).toEqual(result);
      })
    );
  });
});
