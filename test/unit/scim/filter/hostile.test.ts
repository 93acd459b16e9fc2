/**
 * Hostile filters (issue 6), beyond properties.test.ts (arbitrary text, AST round-trip, plan = evaluation):
 * (a) near-valid filters — a valid filter's text with one grammar-aware mutation — parse to an AST or fail with
 *     invalidFilter, and whatever parses also formats, evaluates and plans without any other exception;
 * (b) the same filter written with any keyword case and any JSON whitespace parses to the same AST;
 * (c) names of Object.prototype members (`constructor`, `toString`, `__proto__`…) never match inherited
 *     properties: they are absent attributes, whatever the resource;
 * (d) 10,000 levels of nesting in filters, PATCH paths and attribute lists are a SCIM error, not a stack overflow.
 */
import fc from 'fast-check';
import { ScimError } from '../../../../server/src/scim/errors';
import { USER_SCHEMAS } from '../../../../server/src/scim/schema/attributes';
import { URN } from '../../../../server/src/scim/schema/urns';
import {
  evaluateFilter,
  formatFilter,
  parseAttributePath,
  parseFilter,
  parsePatchPath,
  planFilter,
  type AttributePath,
  type CompareOperator,
  type FilterNode,
  type FilterValue,
} from '../../../../server/src/scim/filter';
import { parseListQuery, parseSearchRequest } from '../../../../server/src/scim/list';
import { USER_FIELDS } from './fields';
import { path } from './helpers';

const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const OPERATORS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const PROTOTYPE_NAMES = ['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];

/** Runs `action`: its value, or the SCIM error it threw. Any other exception fails the test with its input. */
function outcome<T>(action: () => T, input: unknown): { value: T } | { error: ScimError } {
  try {
    return { value: action() };
  } catch (error) {
    if (error instanceof ScimError) return { error };
    throw new Error(`${(error as Error)?.name}: ${(error as Error)?.message} for ${JSON.stringify(input)}`);
  }
}

// --- grammar-aware arbitraries ------------------------------------------------------------------------------------

const topPaths: fc.Arbitrary<AttributePath> = fc.oneof(
  fc.constantFrom(
    path('userName'),
    path('name', 'givenName'),
    path('meta', 'lastModified'),
    path('active'),
    path('emails'),
    path('emails', 'value'),
    path('employeeNumber', undefined, URN.enterpriseUser),
    path('manager', 'value', URN.enterpriseUser),
    path('team', undefined, METADATA),
    path('userName', undefined, URN.user)
  ),
  fc.constantFrom(...PROTOTYPE_NAMES).map((name) => path(name)),
  fc.constantFrom(...PROTOTYPE_NAMES).map((name) => path('name', name)),
  fc.constantFrom(...PROTOTYPE_NAMES).map((name) => path(name, undefined, METADATA))
);
const subPaths = fc.constantFrom(path('type'), path('value'), path('primary'), path('display'), path('constructor'), path('toString'));
const values: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('2024-01-01T00:00:00Z', 'work', 'Object', 'function', '[object Object]', '__proto__'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null)
);
const leaf = (paths: fc.Arbitrary<AttributePath>): fc.Arbitrary<FilterNode> =>
  fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('compare' as const), path: paths, op: fc.constantFrom(...OPERATORS), value: values }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('present' as const), path: paths }), weight: 1 }
  );
const tree = (leaves: fc.Arbitrary<FilterNode>, withValuePaths: boolean): fc.Arbitrary<FilterNode> =>
  fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 5, depthIdentifier: 'hostile' },
      leaves,
      ...(withValuePaths
        ? [
            fc.record({
              kind: fc.constant('valuePath' as const),
              path: fc.constantFrom(path('emails'), path('phoneNumbers'), path('constructor'), path('team', undefined, METADATA)),
              filter: tree(leaf(subPaths), false),
            }),
          ]
        : []),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('node') })
    ),
  })).node;
const filters = tree(leaf(topPaths), true);

/** Tokens a mutation inserts: grammar pieces in the wrong place, and the characters that end strings and names. */
const intruders = fc.constantFrom('(', ')', '[', ']', '.', ']. ', '"', '\\', ' and ', ' or ', 'not ', ' pr', ' eq ', ' EQ ', '1e999', '-', ':', 'urn:', '\u0000', '😀', '\u00e9', ' ', '[type eq "x"]', '"\\u00', '"\\ud800"');

/** One grammar-aware mutation of a valid filter text. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: intruders }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapWords' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) })
);

function mutate(text: string, change: { kind: string; at: number; piece?: string; length?: number }): string {
  const at = text.length === 0 ? 0 : change.at % (text.length + 1);
  switch (change.kind) {
    case 'insert':
      return text.slice(0, at) + change.piece + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + (change.length ?? 1));
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate':
      return text.slice(0, at + (change.length ?? 1)) + text.slice(at);
    default: {
      const words = text.split(' ');
      const index = words.length < 2 ? 0 : change.at % (words.length - 1);
      [words[index], words[index + 1]] = [words[index + 1] ?? '', words[index] ?? ''];
      return words.join(' ');
    }
  }
}

/** Everything downstream of the parser, on a parsed filter: only SCIM errors, and invalidFilter at that. */
function expectDownstreamSafe(node: FilterNode, input: string) {
  const resources = [{}, { userName: 'u', emails: [{ value: 'a@b.c', type: 'work' }], name: { givenName: 'G' } }, { [METADATA]: { team: ['x'] } }];
  expect(parseFilter(formatFilter(node))).toEqual(node);
  for (const resource of resources) {
    const evaluated = outcome(() => evaluateFilter(node, resource, USER_SCHEMAS), input);
    if ('error' in evaluated) expect(evaluated.error.scimType).toBe('invalidFilter');
  }
  const plan = outcome(() => planFilter(node, USER_FIELDS, USER_SCHEMAS, { stringComparison: 'insensitive' }), input);
  if ('error' in plan) expect(plan.error.scimType).toBe('invalidFilter');
}

describe('(a) near-valid filters', () => {
  it('parse to an AST or fail with invalidFilter; whatever parses formats, evaluates and plans safely', () => {
    let parsed = 0;
    fc.assert(
      fc.property(filters, fc.array(mutation, { minLength: 1, maxLength: 3 }), (node, changes) => {
        const text = changes.reduce((current, change) => mutate(current, change), formatFilter(node));
        const result = outcome(() => parseFilter(text), text);
        if ('error' in result) {
          expect(result.error.status).toBe(400);
          expect(result.error.scimType).toBe('invalidFilter');
          expect(result.error.message.length).toBeLessThan(400); // a message, not an echo of the whole input
          return;
        }
        parsed += 1;
        expectDownstreamSafe(result.value, text);
      }),
      { numRuns: 3000 }
    );
    // Not vacuous: some mutations (inserted spaces, `not`, a duplicated word) still parse.
    expect(parsed).toBeGreaterThan(100);
  });

  it('mutated filters as PATCH paths and attribute lists fail only with invalidPath', () => {
    fc.assert(
      fc.property(filters, mutation, (node, change) => {
        const text = mutate(node.kind === 'valuePath' ? formatFilter(node) : formatFilter(node).split(' ')[0] ?? '', change);
        for (const parse of [(): unknown => parsePatchPath(text), (): unknown => parseAttributePath(text)]) {
          const result = outcome(parse, text);
          if ('error' in result) expect([result.error.status, result.error.scimType]).toEqual([400, 'invalidPath']);
        }
        const query = outcome(() => parseListQuery({ filter: text, attributes: text, excludedAttributes: text, startIndex: text, count: text }, { defaultCount: 10, maxCount: 100 }), text);
        if ('error' in query) expect(query.error.status).toBe(400);
      }),
      { numRuns: 2000 }
    );
  });
});

describe('(b) keyword case and whitespace do not matter', () => {
  const respell = (text: string, upper: boolean[], spaces: string[]) => {
    let index = 0;
    // Keywords and operators outside strings: re-case them and widen the space after them.
    return text.replace(/"(?:[^"\\]|\\.)*"|\b(and|or|not|pr|eq|ne|co|sw|ew|gt|ge|lt|le|true|false|null)\b/g, (match, keyword: string | undefined) => {
      if (keyword === undefined) return match;
      index += 1;
      const cased = upper[index % upper.length] ? keyword.toUpperCase() : keyword[0]!.toUpperCase() + keyword.slice(1);
      return `${cased}${spaces[index % spaces.length]}`;
    });
  };

  it('parseFilter(respelled text) equals the AST', () => {
    fc.assert(
      fc.property(
        filters,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(' ', '\t', '\n', '\r\n', '  '), { minLength: 1, maxLength: 5 }),
        (node, upper, spaces) => {
          expect(parseFilter(respell(formatFilter(node), upper, spaces))).toEqual(node);
        }
      ),
      { numRuns: 1500 }
    );
  });
});

describe('(c) prototype member names are absent attributes', () => {
  const resources = fc.constantFrom<Record<string, unknown>>(
    {},
    { userName: 'u', name: { givenName: 'G' }, emails: [{ value: 'a@b.c', type: 'work' }] },
    { [METADATA]: { team: 't' }, emails: [{}] }
  );

  it('pr is false and eq/ne behave as on a missing attribute', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROTOTYPE_NAMES), resources, fc.constantFrom('Object', 'function Object() { [native code] }', '[object Object]'), (name, resource, value) => {
        const absent = (filter: string) => evaluateFilter(parseFilter(filter), resource, USER_SCHEMAS);
        for (const filter of [`${name} pr`, `name.${name} pr`, `${METADATA}:${name} pr`, `emails[${name} pr]`, `emails.${name} pr`]) {
          const result = outcome(() => absent(filter), filter);
          if ('value' in result) expect(result.value).toBe(false);
          else expect(result.error.scimType).toBe('invalidFilter');
        }
        for (const filter of [`${name} eq ${JSON.stringify(value)}`, `name.${name} eq ${JSON.stringify(value)}`, `${METADATA}:${name} co "Object"`]) {
          const result = outcome(() => absent(filter), filter);
          if ('value' in result) expect(result.value).toBe(false);
        }
      }),
      { numRuns: 300 }
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('regression: U+0000 in a filter string', () => {
  it('is invalidFilter (PostgreSQL refused it as a query parameter: a 500)', () => {
    for (const text of ['userName eq "\\u0000"', 'emails[value co "a\\u0000b"]', 'x eq "\\u0000\\u0000"']) {
      const result = outcome(() => parseFilter(text), text);
      expect('error' in result && [result.error.scimType, result.error.message]).toEqual(['invalidFilter', expect.stringContaining('\\u0000')]);
    }
    expect(parseFilter('userName eq "\\u0001"')).toEqual({ kind: 'compare', path: path('userName'), op: 'eq', value: '\u0001' });
  });
});

describe('(d) 10,000 levels of nesting', () => {
  const depth = 10_000;
  it.each([
    ['parentheses', `${'('.repeat(depth)}userName pr${')'.repeat(depth)}`],
    ['not (…)', `${'not ('.repeat(depth)}userName pr${')'.repeat(depth)}`],
    ['brackets', `${'emails['.repeat(depth)}value pr${']'.repeat(depth)}`],
    ['parentheses within the length limit', `${'('.repeat(4000)}userName pr${')'.repeat(4000)}`],
    ['unclosed', '('.repeat(depth)],
  ])('%s: invalidFilter / invalidPath, no stack overflow', (_kind, text) => {
    for (const [parse, scimType] of [
      [(): unknown => parseFilter(text), 'invalidFilter'],
      [(): unknown => parsePatchPath(text), 'invalidPath'],
      [(): unknown => parseAttributePath(text), 'invalidPath'],
    ] as const) {
      const result = outcome(parse, text.slice(0, 40));
      expect('error' in result && [result.error.status, result.error.scimType]).toEqual([400, scimType]);
    }
  });

  it('a SearchRequest with 10,000-level nested JSON members is a SCIM error', () => {
    let deep: unknown = 'userName pr';
    for (let level = 0; level < depth; level += 1) deep = level % 2 ? [deep] : { filter: deep };
    for (const body of [{ filter: deep }, { attributes: deep }, { count: deep }, deep]) {
      const result = outcome(() => parseSearchRequest(body, { defaultCount: 10, maxCount: 100 }), 'deep');
      expect('error' in result && result.error.status).toBe(400);
    }
  });
});
