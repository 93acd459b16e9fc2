import { entryConstraint, validateContentBindings } from '../../../server/src/access/content-bindings';

describe('entryConstraint', () => {
  const values: Record<string, string[]> = { team: ['Blue'], folders: ['Marketing', 'Marketing/Campaigns'], empty: [] };
  const valuesOf = (attribute: string) => values[attribute] ?? [];

  test('one binding gives an $in on the bound field', () => {
    expect(entryConstraint([{ uid: 'api::article.article', field: 'team', attribute: 'team' }], valuesOf)).toEqual({ team: { $in: ['Blue'] } });
  });

  test('several bindings must all match', () => {
    expect(
      entryConstraint(
        [
          { uid: 'api::article.article', field: 'team', attribute: 'team' },
          { uid: 'api::article.article', field: 'folder', attribute: 'folders' },
        ],
        valuesOf
      )
    ).toEqual({ $and: [{ team: { $in: ['Blue'] } }, { folder: { $in: ['Marketing', 'Marketing/Campaigns'] } }] });
  });

  test('fails closed: no binding, or no value for a binding, denies', () => {
    expect(entryConstraint([], valuesOf)).toBe(false);
    expect(entryConstraint([{ uid: 'api::article.article', field: 'team', attribute: 'empty' }], valuesOf)).toBe(false);
    expect(
      entryConstraint(
        [
          { uid: 'api::article.article', field: 'team', attribute: 'team' },
          { uid: 'api::article.article', field: 'region', attribute: 'missing' },
        ],
        valuesOf
      )
    ).toBe(false);
  });
});

describe('validateContentBindings', () => {
  test('accepts bindings to declared attributes', () => {
    expect(validateContentBindings([{ uid: 'api::article.article', field: 'team', attribute: 'team' }], ['team'])).toEqual({
      bindings: [{ uid: 'api::article.article', field: 'team', attribute: 'team' }],
      errors: [],
    });
  });

  test('names undeclared attributes, malformed uids and unknown keys', () => {
    expect(validateContentBindings([{ uid: 'api::article.article', field: 'team', attribute: 'team' }], []).errors).toEqual([
      'content.0: attribute "team" is not declared',
    ]);
    expect(validateContentBindings([{ uid: 'article', field: 'team', attribute: 'team' }], ['team']).errors[0]).toMatch(/uid must look like/);
    expect(validateContentBindings([{ uid: 'api::a.b', field: 'team', attribute: 'team', extra: 1 }], ['team']).errors[0]).toMatch(/extra/);
  });
});
