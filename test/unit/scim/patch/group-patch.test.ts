import { parsePatchRequest, planGroupPatch } from '../../../../server/src/scim/patch';
import type { ScimGroupData } from '../../../../server/src/scim/resources/types';
import { expectScimError } from '../misc/expect-scim-error';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_ID = 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b';

const plan = (operations: unknown[], data: ScimGroupData = { displayName: 'Test SCIMv2', externalId: 'ext' }) =>
  planGroupPatch(parsePatchRequest({ schemas: [PATCH_OP], Operations: operations }), { id: GROUP_ID, data });

const NO_MEMBER_CHANGE = { add: [], remove: [], removeAll: false };

describe('planGroupPatch — documented Entra requests', () => {
  it('Entra: Update Group [Non-member attributes] (Replace displayName)', () => {
    const result = plan([{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }]);
    expect(result.data).toEqual({ displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName', externalId: 'ext' });
    expect(result.changed).toEqual(['displayName']);
    expect(result.members).toEqual(NO_MEMBER_CHANGE);
  });

  it('Entra: Update Group [Add Members] (Add members with "$ref": null)', () => {
    const result = plan([{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }]);
    expect(result.members).toEqual({ add: [{ value: 'f648f8d5ea4e4cd38e9c' }], remove: [], removeAll: false });
    expect(result.changed).toEqual(['members']);
    expect(result.data).toEqual({ displayName: 'Test SCIMv2', externalId: 'ext' });
  });

  it('Entra: Update Group [Remove Members] (Remove path members with a value list) removes ONLY those', () => {
    const result = plan([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }]);
    expect(result.members).toEqual({ add: [], remove: ['f648f8d5ea4e4cd38e9c'], removeAll: false });
  });

  it('Entra (known issues, without aadOptscim062020): several members removed by value list', () => {
    const result = plan([{ op: 'Remove', path: 'members', value: [{ value: 'id1' }, { value: 'id2' }] }]);
    expect(result.members).toEqual({ add: [], remove: ['id1', 'id2'], removeAll: false });
  });

  it('Entra (known issues, with aadOptscim062020): remove path members[value eq "…"]', () => {
    const result = plan([{ op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' }]);
    expect(result.members).toEqual({ add: [], remove: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'], removeAll: false });
  });

  it('Entra: several membership changes in one PATCH are folded in order', () => {
    const result = plan([
      { op: 'Add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'Remove', path: 'members', value: [{ value: 'a' }, { value: 'c' }] },
      { op: 'Add', path: 'members', value: [{ value: 'c' }] },
    ]);
    expect(result.members).toEqual({ add: [{ value: 'b' }, { value: 'c' }], remove: ['a'], removeAll: false });
  });
});

describe('planGroupPatch — documented Okta requests', () => {
  it('Okta: Update Group name (path-less replace echoing the group id)', () => {
    const result = plan([{ op: 'replace', value: { id: GROUP_ID, displayName: 'Test SCIMv2 renamed' } }]);
    expect(result.data.displayName).toBe('Test SCIMv2 renamed');
    expect(result.changed).toEqual(['displayName']);
    expect(result.members).toEqual(NO_MEMBER_CHANGE);
  });

  it('Okta: the echoed id must be the group\'s own', () => {
    expectScimError(() => plan([{ op: 'replace', value: { id: 'another', displayName: 'x' } }]), 400, 'mutability');
  });

  it('Okta SCIM 2.0 reference: Add members (add path members)', () => {
    const result = plan([
      { op: 'add', path: 'members', value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
    ]);
    expect(result.members.add).toEqual([{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }]);
  });

  it('Okta SCIM 2.0 reference: Remove a member (remove path members[value eq "…"])', () => {
    const result = plan([{ op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' }]);
    expect(result.members).toEqual({ add: [], remove: ['89bb1940-b905-4575-9e7f-6f887cfb368e'], removeAll: false });
  });

  it('Okta: PATCH replace members → replaceAll', () => {
    const result = plan([{ op: 'replace', path: 'members', value: [{ value: 'u1', display: 'one' }, { value: 'u2' }, { value: 'u1' }] }]);
    expect(result.members).toEqual({ add: [], remove: [], replaceAll: [{ value: 'u1', display: 'one' }, { value: 'u2' }], removeAll: false });
  });

  it('Okta: PATCH replace members with an empty list → removeAll', () => {
    expect(plan([{ op: 'replace', path: 'members', value: [] }]).members).toEqual({ add: [], remove: [], removeAll: true });
  });
});

describe('planGroupPatch — RFC 7644 §3.5.2 and combinations', () => {
  it('§3.5.2.2 remove path members without a value → removeAll', () => {
    expect(plan([{ op: 'remove', path: 'members' }]).members).toEqual({ add: [], remove: [], removeAll: true });
  });

  it('removeAll then add → replaceAll with those', () => {
    const result = plan([
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ value: 'x' }, { value: 'y' }] },
      { op: 'remove', path: 'members[value eq "y"]' },
    ]);
    expect(result.members).toEqual({ add: [], remove: [], replaceAll: [{ value: 'x' }], removeAll: false });
  });

  it('replaceAll then a later add/remove adjusts the full list', () => {
    const result = plan([
      { op: 'replace', path: 'members', value: [{ value: 'a' }] },
      { op: 'add', path: 'members', value: [{ value: 'b' }] },
      { op: 'remove', path: 'members', value: [{ value: 'a' }] },
    ]);
    expect(result.members.replaceAll).toEqual([{ value: 'b' }]);
  });

  it('§3.5.2.1 path-less add with members', () => {
    const result = plan([{ op: 'add', value: { members: [{ value: 'm1', type: 'User' }] } }]);
    expect(result.members.add).toEqual([{ value: 'm1', type: 'User' }]);
  });

  it('path-less replace with members and displayName', () => {
    const result = plan([{ op: 'replace', value: { displayName: 'New', members: [{ value: 'm1' }] } }]);
    expect(result.data.displayName).toBe('New');
    expect(result.members.replaceAll).toEqual([{ value: 'm1' }]);
  });

  it('URN-qualified members path', () => {
    const result = plan([{ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members', value: [{ value: 'm1' }] }]);
    expect(result.members.add).toEqual([{ value: 'm1' }]);
  });

  it('members filtered by "or" of value comparisons', () => {
    const result = plan([{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }]);
    expect(result.members.remove).toEqual(['a', 'b']);
  });

  it('replace externalId and a custom extension attribute', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:2.0:GroupMeta';
    const result = plan([
      { op: 'replace', path: 'externalId', value: 'new-ext' },
      { op: 'add', path: `${urn}:code`, value: 'X1' },
    ]);
    expect(result.data).toEqual({ displayName: 'Test SCIMv2', externalId: 'new-ext', [urn]: { code: 'X1' } });
    expect(result.changed.sort()).toEqual(['externalId', `${urn}:code`]);
  });

  it('members never reach the stored data', () => {
    const result = plan([{ op: 'add', value: { members: [{ value: 'm' }] } }, { op: 'add', path: 'members', value: [{ value: 'n' }] }]);
    expect(result.data).not.toHaveProperty('members');
  });

  it('does not modify the current data', () => {
    const data = { displayName: 'Keep', externalId: 'e' };
    plan([{ op: 'replace', path: 'displayName', value: 'Changed' }], data);
    expect(data).toEqual({ displayName: 'Keep', externalId: 'e' });
  });
});

describe('planGroupPatch — errors', () => {
  it.each([
    ['a sub-attribute of a filtered member', [{ op: 'replace', path: 'members[value eq "x"].display', value: 'y' }], 'invalidPath'],
    ['add with a member filter', [{ op: 'add', path: 'members[value eq "x"]', value: { value: 'x' } }], 'invalidPath'],
    ['members.value', [{ op: 'remove', path: 'members.value' }], 'invalidPath'],
    ['a member filter on another sub-attribute', [{ op: 'remove', path: 'members[display eq "x"]' }], 'invalidFilter'],
    ['a member without value', [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], 'invalidValue'],
    ['members not an array', [{ op: 'add', path: 'members', value: { value: 'x' } }], 'invalidValue'],
    ['an empty displayName', [{ op: 'replace', path: 'displayName', value: '' }], 'invalidValue'],
    ['removing displayName', [{ op: 'remove', path: 'displayName' }], 'invalidValue'],
    ['meta', [{ op: 'replace', value: { meta: { version: 'W/"1"' } } }], 'mutability'],
  ] as const)('%s → %s', (_label, operations, scimType) => {
    expectScimError(() => plan([...operations]), 400, scimType);
  });

  it('is atomic: a failing later operation throws, whatever came before', () => {
    const data = { displayName: 'Keep' };
    expectScimError(
      () =>
        plan(
          [
            { op: 'replace', path: 'displayName', value: 'Changed' },
            { op: 'add', path: 'members', value: [{ value: 'a' }] },
            { op: 'remove', path: 'members[display eq "x"]' },
          ],
          data
        ),
      400,
      'invalidFilter'
    );
    expect(data).toEqual({ displayName: 'Keep' });
  });
});
