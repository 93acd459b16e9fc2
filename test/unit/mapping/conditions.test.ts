import { conditionHolds, traceCondition, valuesForSource } from '../../../server/src/mapping/conditions';
import type { Condition, Source } from '../../../server/src/mapping/types';
import { facts } from './fixtures';

const person = facts({
  userType: ' Premium ',
  roles: ['Admin', 'ReadOnly'],
  groups: [
    { displayName: 'Marketing Editors', externalId: 'c0ffee00-0000-4000-8000-000000000001' },
    { displayName: 'Everyone', externalId: null },
  ],
  attributes: { team: ['Blue'], folders: ['Marketing/Campaigns', 'Shared'], empty: [], blank: ['  '] },
});

const holds = (condition: Condition) => traceCondition(condition, person).holds;
const source = {
  userType: { type: 'userType' },
  role: { type: 'role' },
  group: { type: 'group' },
  groupId: { type: 'group', by: 'externalId' },
  team: { type: 'attribute', key: 'team' },
  folders: { type: 'attribute', key: 'folders' },
  empty: { type: 'attribute', key: 'empty' },
  blank: { type: 'attribute', key: 'blank' },
  undeclared: { type: 'attribute', key: 'nothing' },
  prototypeKey: { type: 'attribute', key: 'toString' },
} satisfies Record<string, Source>;

describe('equals', () => {
  it.each<[Source, string, boolean]>([
    [source.userType, 'premium', true],
    [source.userType, 'PREMIUM ', true],
    [source.userType, 'Standard', false],
    [source.role, 'readonly', true],
    [source.role, 'Writer', false],
    [source.group, 'marketing editors', true],
    [source.group, 'Marketing', false],
    [source.groupId, 'C0FFEE00-0000-4000-8000-000000000001', true],
    [source.groupId, 'Marketing Editors', false],
    [source.team, 'blue', true],
    [source.folders, 'shared', true],
    [source.empty, 'x', false],
    [source.undeclared, 'x', false],
    [source.prototypeKey, 'x', false],
  ])('%j equals %p → %p', (from, value, expected) => {
    expect(holds({ source: from, op: 'equals', value })).toBe(expected);
  });

  it('never holds for an empty expected value', () => {
    expect(holds({ source: source.userType, op: 'equals', value: '  ' })).toBe(false);
  });

  it('compares composed and decomposed accents alike (NFC)', () => {
    const accented = facts({ attributes: { city: ['Mu\u0308nchen'] } });
    expect(
      traceCondition({ source: { type: 'attribute', key: 'city' }, op: 'equals', value: 'MÜNCHEN' }, accented).holds
    ).toBe(true);
  });
});

describe('oneOf', () => {
  it.each<[Source, string[], boolean]>([
    [source.userType, ['Standard', 'premium'], true],
    [source.userType, ['Standard'], false],
    [source.role, ['Writer', 'ADMIN'], true],
    [source.group, ['Everyone'], true],
    [source.team, ['Red', 'Green'], false],
    [source.userType, [], false],
    [source.userType, ['', ' '], false],
  ])('%j oneOf %j → %p', (from, values, expected) => {
    expect(holds({ source: from, op: 'oneOf', values })).toBe(expected);
  });
});

describe('contains', () => {
  it.each<[Source, string, boolean]>([
    [source.userType, 'prem', true],
    [source.userType, 'gold', false],
    [source.group, 'EDITOR', true],
    [source.folders, 'campaigns', true],
    [source.folders, 'Sales', false],
    [source.role, 'only', true],
    [source.userType, '', false],
  ])('%j contains %p → %p', (from, value, expected) => {
    expect(holds({ source: from, op: 'contains', value })).toBe(expected);
  });
});

describe('present', () => {
  it.each<[Source, boolean]>([
    [source.userType, true],
    [source.role, true],
    [source.group, true],
    [source.groupId, true],
    [source.team, true],
    [source.empty, false],
    [source.blank, false],
    [source.undeclared, false],
  ])('%j → %p', (from, expected) => {
    expect(holds({ source: from, op: 'present' })).toBe(expected);
  });

  it('is false for a missing userType, no roles, no groups, and groups without externalIds', () => {
    const nobody = facts({ groups: [{ displayName: 'G', externalId: null }] });
    expect(conditionHolds({ source: source.userType, op: 'present' }, valuesForSource(source.userType, nobody))).toBe(
      false
    );
    expect(conditionHolds({ source: source.role, op: 'present' }, valuesForSource(source.role, nobody))).toBe(false);
    expect(conditionHolds({ source: source.groupId, op: 'present' }, valuesForSource(source.groupId, nobody))).toBe(
      false
    );
  });
});

describe('traceCondition', () => {
  it('records the cleaned values looked at, sorted', () => {
    expect(traceCondition({ source: source.group, op: 'equals', value: 'x' }, person)).toEqual({
      condition: { source: source.group, op: 'equals', value: 'x' },
      holds: false,
      values: ['Everyone', 'Marketing Editors'],
    });
    expect(traceCondition({ source: source.userType, op: 'present' }, person).values).toEqual(['Premium']);
  });
});
