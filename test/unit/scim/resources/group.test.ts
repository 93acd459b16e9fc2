import { parseGroupInput, serializeGroup } from '../../../../server/src/scim/resources/group';
import { expectScimError } from '../misc/expect-scim-error';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

describe('parseGroupInput', () => {
  it('Entra: Create Group (tutorial request body, with the ADSCIM schema URN)', () => {
    const result = parseGroupInput({
      schemas: [GROUP, ENTRA_GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    expect(result).toEqual({
      data: { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' },
      members: undefined,
      ignored: [],
    });
  });

  it('Okta: Create Group with members (group push)', () => {
    const { data, members } = parseGroupInput({
      schemas: [GROUP],
      displayName: 'Test SCIMv2',
      members: [
        { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
        { value: 'u2', $ref: null, type: 'user' },
        { value: 'u2' },
      ],
    });
    expect(data).toEqual({ displayName: 'Test SCIMv2' });
    expect(members).toEqual([
      { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
      { value: 'u2', type: 'User' },
    ]);
  });

  it('members: [] and members: null both mean "no members"; absent means undefined', () => {
    expect(parseGroupInput({ displayName: 'g', members: [] }).members).toEqual([]);
    expect(parseGroupInput({ displayName: 'g', members: null }).members).toEqual([]);
    expect(parseGroupInput({ displayName: 'g' }).members).toBeUndefined();
  });

  it('keeps custom extension attributes', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:2.0:GroupMeta';
    expect(parseGroupInput({ displayName: 'g', [urn]: { code: 'X1' } }).data).toEqual({ displayName: 'g', [urn]: { code: 'X1' } });
  });

  it.each([
    ['missing displayName', { members: [] }],
    ['empty displayName', { displayName: ' ' }],
    ['members not an array', { displayName: 'g', members: { value: 'x' } }],
    ['member without value', { displayName: 'g', members: [{ display: 'x' }] }],
    ['member value not a string', { displayName: 'g', members: [{ value: 12 }] }],
    ['member of unknown type', { displayName: 'g', members: [{ value: 'a', type: 'Robot' }] }],
  ])('%s → invalidValue', (_label, body) => {
    expectScimError(() => parseGroupInput(body), 400, 'invalidValue');
  });

  it('a non-object body → invalidSyntax', () => {
    expectScimError(() => parseGroupInput('g'), 400, 'invalidSyntax');
  });
});

describe('serializeGroup', () => {
  const record = {
    id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
    data: { displayName: 'Tour Guides', externalId: 'ext' },
    created: '2024-01-01T00:00:00.000Z',
    lastModified: new Date('2024-01-02T00:00:00.000Z'),
    version: 7,
  };

  it('omits members entirely when the caller did not load them', () => {
    const group = serializeGroup(record, { location: 'https://h/Groups/e9e30dba' });
    expect(group).toEqual({
      schemas: [GROUP],
      id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
      displayName: 'Tour Guides',
      externalId: 'ext',
      meta: {
        resourceType: 'Group',
        created: '2024-01-01T00:00:00.000Z',
        lastModified: '2024-01-02T00:00:00.000Z',
        location: 'https://h/Groups/e9e30dba',
        version: 'W/"7"',
      },
    });
  });

  it('writes members with $ref built by the caller', () => {
    const group = serializeGroup(
      { ...record, members: [{ value: 'u1', display: 'Babs', type: 'User' }, { value: 'g2', type: 'Group' }, { value: 'u3' }] },
      { location: 'l', userLocation: (id) => `https://h/Users/${id}`, groupLocation: (id) => `https://h/Groups/${id}` }
    );
    expect(group.members).toEqual([
      { value: 'u1', $ref: 'https://h/Users/u1', display: 'Babs', type: 'User' },
      { value: 'g2', $ref: 'https://h/Groups/g2', type: 'Group' },
      { value: 'u3', $ref: 'https://h/Users/u3' },
    ]);
    expect(serializeGroup({ ...record, members: [] }, { location: 'l' }).members).toEqual([]);
  });
});
