/**
 * Hostile PATCH (issue 6), beyond properties.test.ts (arbitrary operations, no input mutation by snapshot):
 * - Entra- and Okta-shaped operations with prototype names spliced into paths, keys inside values and
 *   extension URNs, on deep-frozen inputs (any write into the request or the stored data throws): a result or
 *   a 400 SCIM error of RFC 7644 Table 9 (invalidPath, invalidValue, noTarget, mutability, invalidSyntax,
 *   invalidFilter), never another exception; Object.prototype stays clean; results are plain JSON objects;
 * - own `__proto__` members (as JSON.parse makes them) in values and bodies are dropped or refused;
 * - values nested 10,000 levels deep are an invalidValue, not a stack overflow (regression: cloneJson recursed
 *   without limit, a RangeError and so a 500).
 */
import fc from 'fast-check';
import { ScimError } from '../../../../server/src/scim/errors';
import { applyUserPatch, parsePatchRequest, planGroupPatch } from '../../../../server/src/scim/patch';
import { parseGroupInput } from '../../../../server/src/scim/resources/group';
import { parseUserInput } from '../../../../server/src/scim/resources/user';
import { MAX_JSON_DEPTH, cloneJson, exceedsJsonDepth } from '../../../../server/src/scim/resources/json';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const ENTRA_CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const TABLE_9 = ['invalidPath', 'invalidValue', 'noTarget', 'mutability', 'invalidSyntax', 'invalidFilter'];
const DANGEROUS = ['__proto__', 'constructor', 'prototype', 'Constructor', '__PROTO__', 'toString', 'hasOwnProperty'];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** The outcome, or the SCIM error; anything else (TypeError from a frozen input, RangeError…) fails. */
function attempt<T>(action: () => T, input: unknown): T | ScimError {
  try {
    return action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw new Error(`${(error as Error)?.name}: ${(error as Error)?.message}\n for ${JSON.stringify(input)?.slice(0, 600)}`);
  }
}

function expectTable9(error: ScimError) {
  expect(error.status).toBe(400);
  expect(TABLE_9).toContain(error.scimType);
}

function expectPrototypeClean() {
  const prototype = Object.prototype as Record<string, unknown>;
  expect(Object.getOwnPropertyNames(Object.prototype).filter((name) => !['constructor', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', 'toLocaleString'].includes(name))).toEqual([]);
  expect(prototype.polluted).toBeUndefined();
  expect(typeof prototype.toString).toBe('function');
  expect(prototype.constructor).toBe(Object);
}

/** Plain objects all the way down, with no prototype keys and nothing inherited but Object.prototype's. */
function expectPlainJson(value: unknown) {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (Array.isArray(current)) pending.push(...current);
    else if (current !== null && typeof current === 'object') {
      expect(Object.getPrototypeOf(current)).toBe(Object.prototype);
      for (const key of Object.keys(current)) {
        expect(['__proto__', 'constructor', 'prototype']).not.toContain(key.toLowerCase());
        pending.push((current as Record<string, unknown>)[key]);
      }
    } else {
      expect(['string', 'number', 'boolean'].includes(typeof current) || current === null).toBe(true);
    }
  }
}

// --- Entra and Okta shapes, with dangerous names spliced in ----------------------------------------------------------

const danger = fc.constantFrom(...DANGEROUS);
const word = fc.oneof({ arbitrary: fc.constantFrom('value', 'type', 'primary', 'givenName', 'team', 'display'), weight: 3 }, { arbitrary: danger, weight: 2 });

const entraPaths = fc.oneof(
  fc.constantFrom(
    'emails[type eq "work"].value',
    'phoneNumbers[type eq "mobile"].value',
    'addresses[type eq "work"].streetAddress',
    'name.givenName',
    'active',
    'displayName',
    'externalId',
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:department`,
    `${ENTRA_CUSTOM}:costCenter`,
    `${METADATA}:team`,
    'roles',
    'members'
  ),
  fc.tuple(word, word).map(([a, b]) => `emails[${a} eq "work"].${b}`),
  word.map((name) => `name.${name}`),
  word.map((name) => `${METADATA}:${name}`),
  fc.tuple(word, word).map(([a, b]) => `${METADATA}:${a}.${b}`),
  word.map((name) => `urn:ietf:params:scim:schemas:extension:${name}:2.0:User:team`),
  word.map((name) => `${ENTERPRISE}:${name}`),
  word.map((name) => `members[value eq "${name}"]`),
  danger
);

/** Objects with own prototype-named members, as a JSON parser would make them. */
const hostileObject = fc
  .tuple(danger, fc.oneof(fc.string({ maxLength: 6 }), fc.constant('{"polluted":1}')), fc.dictionary(word, fc.string({ maxLength: 6 }), { maxKeys: 2 }))
  .map(([key, inner, rest]) => JSON.parse(`{${JSON.stringify(key)}:{"polluted":1,"inner":${JSON.stringify(inner)}},"value":"v"${Object.entries(rest).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('')}}`));

const values = fc.oneof(
  fc.constantFrom('x@contoso.example', 'True', 'False', 'true', true, false, null, 42, '', 'mgr-id'),
  fc.constant([{ value: 'a' }, { value: 'b' }]),
  fc.constant({ value: 'mgr-id' }),
  hostileObject,
  fc.array(hostileObject, { maxLength: 2 }),
  fc.jsonValue({ maxDepth: 3 })
);

const pathless = fc.oneof(
  fc.constant({ active: false }), // Okta deactivation
  fc.record({ 'name.givenName': fc.string({ maxLength: 6 }), 'emails[type eq "work"].value': fc.string({ maxLength: 8 }) }, { requiredKeys: [] }), // Entra aadOptscim062020
  fc.tuple(fc.oneof(danger, word, entraPaths), values).map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`)),
  hostileObject,
  fc.tuple(danger, values).map(([key, value]) => JSON.parse(`{${JSON.stringify(METADATA)}:{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},"team":"t"}}`))
);

const operation = fc.oneof(
  fc.record({ op: fc.constantFrom('Add', 'Replace', 'add', 'replace'), path: entraPaths, value: values }),
  fc.record({ op: fc.constantFrom('Remove', 'remove'), path: entraPaths }),
  fc.record({ op: fc.constantFrom('Remove', 'remove'), path: entraPaths, value: values }),
  fc.record({ op: fc.constantFrom('Add', 'Replace', 'add', 'replace'), value: pathless })
);

const patchBody = fc.array(operation, { minLength: 1, maxLength: 5 }).map((Operations) => ({ schemas: [PATCH_OP], Operations }));

const storedUser = fc.constantFrom<Record<string, unknown>>(
  { userName: 'u@contoso.example', active: true },
  {
    userName: 'bjensen@contoso.example',
    name: { givenName: 'B', familyName: 'J' },
    emails: [{ value: 'b@x.io', type: 'work', primary: true }, { value: 'h@x.io', type: 'home' }],
    [ENTERPRISE]: { manager: { value: 'm' }, department: 'd' },
    [METADATA]: { team: 't', folders: ['a', { value: 'b' }] },
    [ENTRA_CUSTOM]: { costCenter: [{ value: 'c1' }] },
  }
);

describe('Entra/Okta-shaped PATCH with prototype names everywhere', () => {
  it('users: a result or a Table 9 error; frozen inputs untouched; plain JSON out; prototype clean', () => {
    let applied = 0;
    fc.assert(
      fc.property(storedUser, patchBody, (data, body) => {
        const frozenData = deepFreeze(cloneJson(data) as Record<string, unknown>);
        const frozenBody = deepFreeze(body);
        const result = attempt(() => applyUserPatch(frozenData, parsePatchRequest(frozenBody), { id: 'me' }), body);
        if (result instanceof ScimError) expectTable9(result);
        else {
          applied += 1;
          expectPlainJson(result.data);
          expect(JSON.parse(JSON.stringify(result.data))).toEqual(result.data);
        }
        expectPrototypeClean();
      }),
      { numRuns: 1200 }
    );
    expect(applied).toBeGreaterThan(50);
  });

  it('groups: a plan or a Table 9 error; frozen inputs untouched; prototype clean', () => {
    fc.assert(
      fc.property(patchBody, (body) => {
        const data = deepFreeze({ displayName: 'g', externalId: 'e' });
        const result = attempt(() => planGroupPatch(parsePatchRequest(deepFreeze(body)), { id: 'gid', data }), body);
        if (result instanceof ScimError) expectTable9(result);
        else expectPlainJson(result.data);
        expectPrototypeClean();
      }),
      { numRuns: 600 }
    );
  });

  it('POST/PUT bodies with own prototype members: stored without them, or a Table 9 error', () => {
    fc.assert(
      fc.property(fc.tuple(pathless, pathless, hostileObject), ([first, second, third]) => {
        const body = deepFreeze({ ...first, ...second, userName: 'u@contoso.example', emails: [third], name: third, [METADATA]: third });
        for (const parse of [() => parseUserInput(body).data, () => parseGroupInput({ ...body, displayName: 'g' }).data]) {
          const result = attempt(parse, body);
          if (result instanceof ScimError) expectTable9(result);
          else expectPlainJson(result);
        }
        expectPrototypeClean();
      }),
      { numRuns: 400 }
    );
  });

  it('named: an own __proto__ member in a PATCH value is dropped, never merged into the prototype chain', () => {
    const body = JSON.parse(`{"Operations":[{"op":"replace","path":"${METADATA}:team","value":{"__proto__":{"polluted":1},"n":1}},{"op":"add","path":"${ENTERPRISE}:manager","value":{"value":"m2","__proto__":{"isAdmin":true}}}]}`);
    const result = applyUserPatch({ userName: 'u' }, parsePatchRequest(body));
    expect(result.data[METADATA]).toEqual({ team: { n: 1 } });
    expect(Object.getPrototypeOf(result.data[METADATA])).toBe(Object.prototype);
    expect((result.data[ENTERPRISE] as Record<string, unknown>).manager).toEqual({ value: 'm2' });
    expect(((result.data[ENTERPRISE] as Record<string, Record<string, unknown>>).manager as Record<string, unknown>).isAdmin).toBeUndefined();
    expectPrototypeClean();
  });
});

describe('regression: object-valued members of a custom extension in a PATCH', () => {
  it('are stored under the extension, as a POST stores them (were split into a pseudo-extension `…:Metadata:team`)', () => {
    const pathless = applyUserPatch({ userName: 'u' }, parsePatchRequest({ Operations: [{ op: 'add', value: { [METADATA]: { team: { name: 't' }, plain: 'p' } } }] }));
    const byPath = applyUserPatch({ userName: 'u' }, parsePatchRequest({ Operations: [{ op: 'add', path: METADATA, value: { team: { name: 't' }, plain: 'p' } }] }));
    const posted = parseUserInput({ userName: 'u', [METADATA]: { team: { name: 't' }, plain: 'p' } });
    for (const data of [pathless.data, byPath.data, posted.data]) {
      expect(data).toEqual({ userName: 'u', [METADATA]: { team: { name: 't' }, plain: 'p' } });
    }
  });
});

describe('10,000-level nesting is a SCIM error, not a stack overflow (regression)', () => {
  const nest = (depth: number, kind: 'array' | 'object'): unknown => {
    let value: unknown = 'x';
    for (let level = 0; level < depth; level += 1) value = kind === 'array' ? [value] : { a: value };
    return value;
  };

  it.each([['array' as const], ['object' as const]])('%s values in every position of PATCH, POST and PUT', (kind) => {
    const deep = nest(10_000, kind);
    const attempts: Array<[string, () => unknown]> = [
      ['PATCH extension path', () => applyUserPatch({ userName: 'u' }, parsePatchRequest({ Operations: [{ op: 'add', path: `${METADATA}:team`, value: deep }] }))],
      ['PATCH path-less', () => applyUserPatch({ userName: 'u' }, parsePatchRequest({ Operations: [{ op: 'add', value: { [METADATA]: { team: deep } } }] }))],
      ['PATCH Entra custom', () => applyUserPatch({ userName: 'u' }, parsePatchRequest({ Operations: [{ op: 'Add', path: `${ENTRA_CUSTOM}:costCenter`, value: deep }] }))],
      ['PATCH filtered', () => applyUserPatch({ userName: 'u', [METADATA]: { team: [{ value: 'a' }] } }, parsePatchRequest({ Operations: [{ op: 'replace', path: `${METADATA}:team[value eq "a"]`, value: deep }] }))],
      ['PATCH remove with value', () => applyUserPatch({ userName: 'u', [METADATA]: { team: [deep] } } as never, parsePatchRequest({ Operations: [{ op: 'remove', path: `${METADATA}:team`, value: [deep] }] }))],
      ['PATCH core', () => applyUserPatch({ userName: 'u' }, parsePatchRequest({ Operations: [{ op: 'add', path: 'emails', value: deep }] }))],
      ['PATCH group members', () => planGroupPatch(parsePatchRequest({ Operations: [{ op: 'add', path: 'members', value: deep }] }), { id: 'g', data: {} })],
      ['POST user extension', () => parseUserInput({ userName: 'u', [`${METADATA}:team`]: deep })],
      ['POST user nested extension', () => parseUserInput({ userName: 'u', [METADATA]: { team: deep } })],
      ['POST group', () => parseGroupInput({ displayName: 'g', [METADATA]: { team: deep } })],
    ];
    for (const [what, action] of attempts) {
      const result = attempt(action, what);
      if (!(result instanceof ScimError)) throw new Error(`${what}: accepted a 10,000-level value`);
      expect([what, result.status]).toEqual([what, 400]);
    }
    expectPrototypeClean();
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more; the depth check is iterative`, () => {
    expect(cloneJson(nest(MAX_JSON_DEPTH, 'array'))).toEqual(nest(MAX_JSON_DEPTH, 'array'));
    expect(attempt(() => cloneJson(nest(MAX_JSON_DEPTH + 1, 'object')), 'limit')).toBeInstanceOf(ScimError);
    expect(exceedsJsonDepth(nest(MAX_JSON_DEPTH, 'array'))).toBe(false);
    expect(exceedsJsonDepth(nest(MAX_JSON_DEPTH + 1, 'array'))).toBe(true);
    expect(exceedsJsonDepth(nest(1_000_000, 'object'))).toBe(true);
    expect(exceedsJsonDepth({ a: [1, { b: 'x' }], c: null })).toBe(false);
  });
});
