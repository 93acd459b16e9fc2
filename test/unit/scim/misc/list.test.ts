import { listResponse, parseListQuery, parseSearchRequest } from '../../../../server/src/scim/list';
import { expectScimError } from './expect-scim-error';

const limits = { defaultCount: 100, maxCount: 200 };

describe('parseListQuery (RFC 7644 §3.4.2)', () => {
  it('defaults', () => {
    expect(parseListQuery({}, limits)).toEqual({ startIndex: 1, count: 100, attributes: [], excludedAttributes: [] });
  });

  it('Entra: Test Connection query', () => {
    expect(parseListQuery({ filter: 'userName eq "ad2d5b5e-9e30-4b5f-a5b1-43a1f9e5c2f0"' }, limits)).toEqual({
      filter: 'userName eq "ad2d5b5e-9e30-4b5f-a5b1-43a1f9e5c2f0"',
      startIndex: 1,
      count: 100,
      attributes: [],
      excludedAttributes: [],
    });
  });

  it('Okta: GET /Users?count=1&startIndex=1 and the userName lookup with paging', () => {
    expect(parseListQuery({ count: '1', startIndex: '1' }, limits)).toMatchObject({ startIndex: 1, count: 1 });
    expect(parseListQuery({ filter: 'userName eq "test.user@okta.local"', startIndex: '1', count: '100' }, limits)).toMatchObject({
      startIndex: 1,
      count: 100,
    });
  });

  it.each([
    [{ startIndex: '0' }, { startIndex: 1 }],
    [{ startIndex: '-5' }, { startIndex: 1 }],
    [{ startIndex: '51' }, { startIndex: 51 }],
    [{ count: '0' }, { count: 0 }],
    [{ count: '-1' }, { count: 0 }],
    [{ count: '1000' }, { count: 200 }],
    [{ count: ' 7 ' }, { count: 7 }],
    [{ count: '' }, { count: 100 }],
    [{ startIndex: ['3', '9'] }, { startIndex: 3 }],
    [{ count: 5 }, { count: 5 }],
  ])('%p → %p', (query, expected) => {
    expect(parseListQuery(query, limits)).toMatchObject(expected);
  });

  it.each([[{ count: 'ten' }], [{ startIndex: '1.5' }], [{ count: '1e3' }], [{ startIndex: {} }], [{ count: 2.5 }], [{ sortOrder: 'up', sortBy: 'userName' }], [{ filter: { a: 1 } }]])(
    '%p → 400 invalidValue',
    (query) => {
      expectScimError(() => parseListQuery(query, limits), 400, 'invalidValue');
    }
  );

  it('attributes and excludedAttributes, case-insensitive parameter names, sorting', () => {
    expect(
      parseListQuery({ Attributes: 'userName, name.givenName', excludedattributes: 'members', sortBy: 'userName', sortOrder: 'Descending' }, limits)
    ).toEqual({
      startIndex: 1,
      count: 100,
      attributes: ['userName', 'name.givenName'],
      excludedAttributes: ['members'],
      sortBy: 'userName',
      sortOrder: 'descending',
    });
    expect(parseListQuery({ sortBy: 'userName' }, limits).sortOrder).toBe('ascending');
  });
});

describe('parseSearchRequest (RFC 7644 §3.4.3)', () => {
  it('reads the RFC example', () => {
    expect(
      parseSearchRequest(
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          attributes: ['displayName', 'userName'],
          excludedAttributes: [],
          filter: 'displayName sw "smith"',
          startIndex: 1,
          count: 10,
        },
        limits
      )
    ).toEqual({ filter: 'displayName sw "smith"', startIndex: 1, count: 10, attributes: ['displayName', 'userName'], excludedAttributes: [] });
  });

  it('tolerates a missing schemas, applies the same limits', () => {
    expect(parseSearchRequest({ startIndex: 0, count: 5000 }, limits)).toMatchObject({ startIndex: 1, count: 200 });
  });

  it.each([[null], ['x'], [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }], [{ schemas: 'x' }]])('%p → invalidSyntax', (body) => {
    expectScimError(() => parseSearchRequest(body, limits), 400, 'invalidSyntax');
  });

  it('attributes that are not strings → invalidValue', () => {
    expectScimError(() => parseSearchRequest({ attributes: [1] }, limits), 400, 'invalidValue');
  });
});

describe('listResponse', () => {
  it('builds the envelope with integers (Okta requires integers)', () => {
    expect(listResponse([{ id: 'a' }], 12, 3)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 12,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
  });

  it('count=0: totalResults only, no resources', () => {
    expect(listResponse([], 5, 1)).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
  });
});
