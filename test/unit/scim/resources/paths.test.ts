import { USER_SCHEMAS } from '../../../../server/src/scim/schema/attributes';
import {
  getAttribute,
  removeAttribute,
  resolveAttribute,
  setAttribute,
  splitAttributeName,
} from '../../../../server/src/scim/resources/paths';
import { expectScimError } from '../misc/expect-scim-error';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('splitAttributeName', () => {
  it.each([
    ['userName', { path: ['userName'] }],
    ['name.givenName', { path: ['name', 'givenName'] }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName', { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', path: ['userName'] }],
    [`${ENTERPRISE}:manager.value`, { schema: ENTERPRISE, path: ['manager', 'value'] }],
    [ENTERPRISE.toUpperCase() + ':DEPARTMENT', { schema: ENTERPRISE, path: ['DEPARTMENT'] }],
    [ENTERPRISE, { schema: ENTERPRISE, path: [] }],
    // Entra: custom attributes are `urn:ietf:params:scim:schemas:extension:<name>:<attr>`, split at the last colon.
    ['urn:ietf:params:scim:schemas:extension:2.0:Metadata:team', { schema: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata', path: ['team'] }],
    [
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute',
      { schema: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User', path: ['CustomAttribute'] },
    ],
  ])('%s', (name, expected) => {
    expect(splitAttributeName(name)).toEqual(expected);
  });
});

describe('resolveAttribute and the get/set/remove helpers', () => {
  it('canonicalises names through the definitions', () => {
    const resolved = resolveAttribute({}, splitAttributeName('NAME.GIVENNAME'), USER_SCHEMAS);
    expect(resolved?.keys).toEqual(['name', 'givenName']);
    expect(resolved?.definition?.type).toBe('string');
  });

  it('keeps the first spelling of custom extension names', () => {
    const data: Record<string, unknown> = {};
    setAttribute(data, 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:Team', 'a', USER_SCHEMAS);
    setAttribute(data, 'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:2.0:METADATA:TEAM', 'b', USER_SCHEMAS);
    expect(data).toEqual({ 'urn:ietf:params:scim:schemas:extension:2.0:Metadata': { Team: 'b' } });
    expect(getAttribute(data, 'urn:ietf:params:scim:schemas:extension:2.0:metadata:team', USER_SCHEMAS)).toBe('b');
  });

  it('removes and prunes empty parents', () => {
    const data: Record<string, unknown> = { [ENTERPRISE]: { manager: { value: 'm' } } };
    expect(removeAttribute(data, `${ENTERPRISE}:manager.value`, USER_SCHEMAS)).toBe(true);
    expect(data).toEqual({});
    expect(removeAttribute(data, 'displayName', USER_SCHEMAS)).toBe(false);
  });

  it('returns undefined for attributes the schema lacks', () => {
    expect(resolveAttribute({}, splitAttributeName('favouriteColour'), USER_SCHEMAS)).toBeUndefined();
    expect(resolveAttribute({}, splitAttributeName('urn:ietf:params:scim:schemas:core:2.0:Group:members'), USER_SCHEMAS)).toBeUndefined();
    expect(setAttribute({}, 'name.nickname', 'x', USER_SCHEMAS)).toBe(false);
  });

  it.each([['userName.first'], ['name..givenName'], ['__proto__.polluted'], ['urn:ietf:params:scim:schemas:extension:x:constructor']])(
    '%s → invalidPath',
    (name) => {
      expectScimError(() => resolveAttribute({}, splitAttributeName(name), USER_SCHEMAS), 400, 'invalidPath');
    }
  );
});
