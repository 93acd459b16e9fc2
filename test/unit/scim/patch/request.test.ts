import { parsePatchRequest } from '../../../../server/src/scim/patch';
import { expectScimError } from '../misc/expect-scim-error';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('parsePatchRequest', () => {
  it('Entra (without aadOptscim062020): capitalised ops are read case-insensitively', () => {
    const operations = parsePatchRequest({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: 'nickName', value: 'Babs' },
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Remove', path: 'title' },
        { op: 'REPLACE', value: { active: true } },
      ],
    });
    expect(operations.map((operation) => operation.op)).toEqual(['add', 'replace', 'remove', 'replace']);
    expect(operations[0]).toEqual({ op: 'add', rawPath: 'nickName', path: { path: { attribute: 'nickName' } }, value: 'Babs' });
    expect(operations[2]).toEqual({ op: 'remove', rawPath: 'title', path: { path: { attribute: 'title' } } });
    expect(operations[3]).toEqual({ op: 'replace', value: { active: true } });
  });

  it('parses filtered and URN-qualified paths', () => {
    const [filtered, urn] = parsePatchRequest({
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'x' },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', value: 'm' },
      ],
    });
    expect(filtered?.path?.path).toEqual({ attribute: 'emails' });
    expect(filtered?.path?.subAttribute).toBe('value');
    expect(filtered?.path?.filter).toMatchObject({ kind: 'compare', op: 'eq', value: 'work' });
    expect(urn?.path?.path).toEqual({
      schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attribute: 'manager',
      subAttribute: 'value',
    });
  });

  it('keeps a null value (it means unassign) and a value on remove (Entra member removal)', () => {
    const [add, remove] = parsePatchRequest({
      Operations: [
        { op: 'replace', path: 'title', value: null },
        { op: 'Remove', path: 'members', value: [{ value: 'a' }] },
      ],
    });
    expect(add).toHaveProperty('value', null);
    expect(remove?.value).toEqual([{ value: 'a' }]);
  });

  it('tolerates a missing schemas member and member names in any case', () => {
    expect(parsePatchRequest({ operations: [{ OP: 'add', PATH: 'title', VALUE: 'x' }] })).toEqual([
      { op: 'add', rawPath: 'title', path: { path: { attribute: 'title' } }, value: 'x' },
    ]);
  });

  it('empty Operations is a no-op', () => {
    expect(parsePatchRequest({ schemas: [PATCH_OP], Operations: [] })).toEqual([]);
  });

  it.each([
    ['a non-object body', 'x', 'invalidSyntax'],
    ['no Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    ['Operations not an array', { Operations: { op: 'add' } }, 'invalidSyntax'],
    ['another schema', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], Operations: [] }, 'invalidSyntax'],
    ['an operation that is not an object', { Operations: ['add'] }, 'invalidSyntax'],
    ['an unknown op', { Operations: [{ op: 'move', path: 'a', value: 1 }] }, 'invalidSyntax'],
    ['a missing op', { Operations: [{ path: 'a', value: 1 }] }, 'invalidSyntax'],
    ['add without a value', { Operations: [{ op: 'add', path: 'title' }] }, 'invalidSyntax'],
    ['remove without a path (RFC 7644 §3.5.2.2)', { Operations: [{ op: 'remove' }] }, 'noTarget'],
    ['a path that is not a string', { Operations: [{ op: 'add', path: 3, value: 1 }] }, 'invalidPath'],
    ['an empty path', { Operations: [{ op: 'add', path: ' ', value: 1 }] }, 'invalidPath'],
    ['a malformed path', { Operations: [{ op: 'add', path: 'emails[type eq', value: 1 }] }, 'invalidPath'],
  ] as const)('%s → %s', (_label, body, scimType) => {
    expectScimError(() => parsePatchRequest(body), 400, scimType);
  });

  it('limits the number of operations (413, as for bulk maxOperations)', () => {
    const operations = Array.from({ length: 4 }, () => ({ op: 'add', path: 'title', value: 'x' }));
    expect(parsePatchRequest({ Operations: operations }, { maxOperations: 4 })).toHaveLength(4);
    expectScimError(() => parsePatchRequest({ Operations: operations }, { maxOperations: 3 }), 413);
    const many = Array.from({ length: 1001 }, () => ({ op: 'add', path: 'title', value: 'x' }));
    expectScimError(() => parsePatchRequest({ Operations: many }), 413);
  });
});
