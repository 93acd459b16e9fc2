/**
 * Properties of PATCH handling over arbitrary input: it only ever fails with a 400 ScimError (or 413 for too
 * many operations, not reachable here), never mutates its input, and never reaches Object.prototype.
 */
import fc from 'fast-check';
import { ScimError } from '../../../../server/src/scim/errors';
import { applyUserPatch, parsePatchRequest, planGroupPatch } from '../../../../server/src/scim/patch';
import { parseUserInput } from '../../../../server/src/scim/resources/user';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

const DANGEROUS = ['__proto__', 'constructor', 'prototype', '__proto__.polluted', 'constructor.prototype.polluted'];

/** Names that exercise real code paths, plus the dangerous ones. */
const attributeName = fc.constantFrom(
  'userName',
  'USERNAME',
  'active',
  'displayName',
  'name',
  'name.givenName',
  'name.familyName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[primary eq true].type',
  'emails[value co "@"]',
  'phoneNumbers[type eq "mobile"].value',
  'roles',
  'groups',
  'id',
  'meta',
  'meta.version',
  'password',
  'externalId',
  'members',
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:department`,
  ENTERPRISE,
  METADATA,
  `${METADATA}:team`,
  `${METADATA}:folders`,
  `${METADATA}:__proto__`,
  'urn:ietf:params:scim:schemas:core:2.0:User:nickName',
  'urn:example:unknown:thing',
  'favouriteColour',
  'emails[type eq',
  '',
  ...DANGEROUS
);

const jsonValue = fc.jsonValue({ maxDepth: 3 });

const valueObject = fc.dictionary(fc.oneof(attributeName, fc.string({ maxLength: 8 })), fc.oneof(jsonValue, fc.constant(null)), {
  maxKeys: 4,
});

const operation = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE', 'move'), fc.string({ maxLength: 6 })),
    path: fc.oneof(attributeName, fc.string({ maxLength: 20 }), jsonValue),
    value: fc.oneof(jsonValue, valueObject, fc.constant(null), fc.array(valueObject, { maxLength: 3 })),
  },
  { requiredKeys: ['op'] }
);

const body = fc.oneof(
  fc.record({ schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']), Operations: fc.array(operation, { maxLength: 5 }) }),
  fc.record({ Operations: fc.oneof(fc.array(operation, { maxLength: 5 }), jsonValue) }, { requiredKeys: [] }),
  jsonValue
);

const userData = fc.constantFrom<Record<string, unknown>>(
  {},
  { userName: 'u@example.com', active: true },
  {
    userName: 'bjensen',
    name: { givenName: 'B', familyName: 'J' },
    emails: [{ value: 'b@x.io', type: 'work', primary: true }, { value: 'h@x.io', type: 'home' }],
    [ENTERPRISE]: { manager: { value: 'm' }, department: 'd' },
    [METADATA]: { team: 't', folders: ['a', { value: 'b' }] },
  }
);

function expectOnlyScimErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    expect(error.status).toBe(400);
  }
}

const prototypeIsClean = () =>
  ({} as Record<string, unknown>).polluted === undefined &&
  (Object.prototype as Record<string, unknown>).polluted === undefined &&
  Object.getOwnPropertyNames(Object.prototype).every((name) => name !== 'polluted');

describe('PATCH properties', () => {
  it('applyUserPatch on arbitrary operations throws nothing but a 400 ScimError and never mutates its input', () => {
    fc.assert(
      fc.property(userData, body, (data, patchBody) => {
        const snapshot = JSON.stringify(data);
        expectOnlyScimErrors(() => applyUserPatch(data, parsePatchRequest(patchBody), { id: 'me' }));
        expect(JSON.stringify(data)).toBe(snapshot);
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 2000 }
    );
  });

  it('applyUserPatch given operations that skipped parsePatchRequest still only throws ScimErrors', () => {
    fc.assert(
      fc.property(userData, fc.array(fc.anything(), { maxLength: 4 }), (data, operations) => {
        expectOnlyScimErrors(() => applyUserPatch(data, operations as never, {}));
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 500 }
    );
  });

  it('planGroupPatch on arbitrary operations throws nothing but a 400 ScimError and never mutates its input', () => {
    fc.assert(
      fc.property(body, (patchBody) => {
        const data = { displayName: 'g', externalId: 'e' };
        expectOnlyScimErrors(() => planGroupPatch(parsePatchRequest(patchBody), { id: 'gid', data }));
        expect(data).toEqual({ displayName: 'g', externalId: 'e' });
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 1000 }
    );
  });

  it('a successful patch yields JSON data without prototype keys, literal dotted keys or members', () => {
    fc.assert(
      fc.property(userData, body, (data, patchBody) => {
        let result;
        try {
          result = applyUserPatch(data, parsePatchRequest(patchBody), { id: 'me' });
        } catch {
          return;
        }
        const text = JSON.stringify(result.data);
        expect(JSON.parse(text)).toEqual(result.data);
        const walk = (value: unknown, depth: number): void => {
          if (Array.isArray(value)) value.forEach((item) => walk(item, depth + 1));
          else if (value && typeof value === 'object') {
            expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
            for (const [key, member] of Object.entries(value)) {
              expect(['__proto__', 'constructor', 'prototype']).not.toContain(key.toLowerCase());
              walk(member, depth + 1);
            }
          }
        };
        walk(result.data, 0);
        for (const key of Object.keys(result.data)) {
          if (!key.startsWith('urn:')) expect(key).not.toMatch(/[.[\]]/);
        }
        expect(result.data).not.toHaveProperty('password');
        expect(result.data).not.toHaveProperty('groups');
        expect(result.data).not.toHaveProperty('id');
        expect(result.data).not.toHaveProperty('meta');
      }),
      { numRuns: 1000 }
    );
  });

  it('parseUserInput on arbitrary bodies throws nothing but a 400 ScimError and never pollutes', () => {
    const userBody = fc.dictionary(fc.oneof(attributeName, fc.string({ maxLength: 8 })), fc.oneof(jsonValue, valueObject), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.oneof(userBody, userBody.map((value) => ({ ...value, userName: 'u' }))), (input) => {
        expectOnlyScimErrors(() => parseUserInput(input));
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 1000 }
    );
  });
});
