import { excludesAttribute, parseAttributeList, projectResource } from '../../../../server/src/scim/projection';
import { GROUP_SCHEMAS, USER_SCHEMAS } from '../../../../server/src/scim/schema/attributes';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

const user = () => ({
  schemas: [CORE, ENTERPRISE, METADATA],
  id: 'u1',
  externalId: 'e1',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'b@x.io', type: 'work', primary: true },
    { value: 'h@x.io', type: 'home' },
  ],
  password: 'never-shown',
  [ENTERPRISE]: { department: 'Tours', manager: { value: 'm1' } },
  [METADATA]: { team: 't' },
  meta: { resourceType: 'User', location: 'l', version: 'W/"1"' },
});

describe('parseAttributeList', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['userName', ['userName']],
    [' userName , name.givenName ,, ', ['userName', 'name.givenName']],
    [['userName', 'emails,active'], ['userName', 'emails', 'active']],
    [42, []],
  ])('%p → %p', (param, expected) => {
    expect(parseAttributeList(param)).toEqual(expected);
  });
});

describe('projectResource (RFC 7644 §3.4.2.5, §3.9)', () => {
  it('without parameters returns everything but returned:never attributes', () => {
    const { password: _password, ...expected } = user();
    expect(projectResource(user(), {}, USER_SCHEMAS)).toEqual(expected);
  });

  it('attributes: only those named plus id and schemas', () => {
    expect(projectResource(user(), { attributes: ['userName'] }, USER_SCHEMAS)).toEqual({ schemas: [CORE, ENTERPRISE, METADATA], id: 'u1', userName: 'bjensen' });
  });

  it('attributes: sub-attributes, multi-valued sub-attributes, case-insensitive names', () => {
    expect(projectResource(user(), { attributes: ['NAME.givenname', 'emails.VALUE'] }, USER_SCHEMAS)).toEqual({
      schemas: [CORE, ENTERPRISE, METADATA],
      id: 'u1',
      name: { givenName: 'Barbara' },
      emails: [{ value: 'b@x.io' }, { value: 'h@x.io' }],
    });
  });

  it('attributes: URN-qualified core and extension attributes, whole extensions', () => {
    const projected = projectResource(
      user(),
      { attributes: [`${CORE}:userName`, `${ENTERPRISE}:department`, METADATA.toUpperCase()] },
      USER_SCHEMAS
    );
    expect(projected).toEqual({
      schemas: [CORE, ENTERPRISE, METADATA],
      id: 'u1',
      userName: 'bjensen',
      [ENTERPRISE]: { department: 'Tours' },
      [METADATA]: { team: 't' },
    });
  });

  it('attributes: a whole known extension by its URN, and meta sub-attributes', () => {
    expect(projectResource(user(), { attributes: [ENTERPRISE, 'meta.version'] }, USER_SCHEMAS)).toEqual({
      schemas: [CORE, ENTERPRISE, METADATA],
      id: 'u1',
      [ENTERPRISE]: { department: 'Tours', manager: { value: 'm1' } },
      meta: { version: 'W/"1"' },
    });
  });

  it('attributes naming password still never show it', () => {
    expect(projectResource(user(), { attributes: ['password'] }, USER_SCHEMAS)).toEqual({ schemas: [CORE, ENTERPRISE, METADATA], id: 'u1' });
  });

  it('excludedAttributes removes, but never id or schemas', () => {
    const projected = projectResource(
      user(),
      { excludedAttributes: ['emails', 'name.familyName', 'id', 'SCHEMAS', `${ENTERPRISE}:manager`, METADATA, 'meta'] },
      USER_SCHEMAS
    );
    expect(projected).toEqual({
      schemas: [CORE, ENTERPRISE, METADATA],
      id: 'u1',
      externalId: 'e1',
      userName: 'bjensen',
      name: { givenName: 'Barbara' },
      [ENTERPRISE]: { department: 'Tours' },
    });
  });

  it('excludedAttributes=members (Entra reads groups that way)', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g', displayName: 'G', members: [{ value: 'u' }] };
    expect(projectResource(group, { excludedAttributes: ['members'] }, GROUP_SCHEMAS)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g',
      displayName: 'G',
    });
  });

  it('does not modify the resource', () => {
    const resource = user();
    projectResource(resource, { excludedAttributes: ['name.givenName'] }, USER_SCHEMAS);
    expect(resource).toEqual(user());
  });
});

describe('excludesAttribute', () => {
  it.each([
    [{}, false],
    [{ excludedAttributes: ['members'] }, true],
    [{ excludedAttributes: ['MEMBERS'] }, true],
    [{ excludedAttributes: ['urn:ietf:params:scim:schemas:core:2.0:Group:members'] }, true],
    [{ excludedAttributes: ['members.display'] }, false],
    [{ excludedAttributes: ['displayName'] }, false],
    [{ attributes: ['displayName'] }, true],
    [{ attributes: ['displayName', 'members'] }, false],
    [{ attributes: ['members.value'] }, false],
    [{ attributes: [] }, false],
  ])('%p → %p', (request, expected) => {
    expect(excludesAttribute(request, 'members', GROUP_SCHEMAS)).toBe(expected);
  });
});
