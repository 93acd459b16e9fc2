import {
  resourceType,
  resourceTypes,
  schemaDocument,
  schemaDocuments,
  serviceProviderConfig,
} from '../../../../server/src/scim/discovery';
import { expectScimError } from './expect-scim-error';

const BASE = 'https://cms.example.com/api/scim/v2/';

describe('discovery (RFC 7643 §5–§7)', () => {
  it('ServiceProviderConfig', () => {
    const config = serviceProviderConfig({
      documentationUri: 'https://example.com/docs',
      maxOperations: 1000,
      maxPayloadSize: 1048576,
      maxResults: 200,
      etag: true,
      sort: false,
      filter: true,
      bulk: false,
      changePassword: false,
      location: 'https://cms.example.com/api/scim/v2/ServiceProviderConfig',
    });
    expect(config).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'https://example.com/docs',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://cms.example.com/api/scim/v2/ServiceProviderConfig' },
    });
  });

  it('ResourceTypes', () => {
    const types = resourceTypes(BASE);
    expect(types.map((type) => type.id)).toEqual(['User', 'Group']);
    expect(resourceType(BASE, 'user')).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User account',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }],
      meta: { resourceType: 'ResourceType', location: 'https://cms.example.com/api/scim/v2/ResourceTypes/User' },
    });
    expectScimError(() => resourceType(BASE, 'Robot'), 404);
  });

  it('Schemas', () => {
    const documents = schemaDocuments(BASE);
    expect(documents.map((document) => document.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    const user = schemaDocument(BASE, 'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER');
    expect(user.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
    expect(user.meta).toEqual({ resourceType: 'Schema', location: `${BASE}Schemas/urn:ietf:params:scim:schemas:core:2.0:User` });
    const attributes = user.attributes as Record<string, unknown>[];
    const userName = attributes.find((attribute) => attribute.name === 'userName');
    expect(userName).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    const password = attributes.find((attribute) => attribute.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    const emails = attributes.find((attribute) => attribute.name === 'emails');
    expect((emails?.subAttributes as unknown[]).length).toBeGreaterThan(0);
    expectScimError(() => schemaDocument(BASE, 'urn:example:nothing'), 404);
  });
});
