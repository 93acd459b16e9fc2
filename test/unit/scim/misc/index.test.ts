import * as scim from '../../../../server/src/scim';

describe('scim public API', () => {
  it.each([
    'ScimError',
    'scimErrors',
    'URN',
    'USER_SCHEMAS',
    'GROUP_SCHEMAS',
    'parseFilter',
    'parsePatchPath',
    'parseUserInput',
    'serializeUser',
    'primaryEmail',
    'displayNameParts',
    'parseGroupInput',
    'serializeGroup',
    'splitAttributeName',
    'parsePatchRequest',
    'applyUserPatch',
    'planGroupPatch',
    'parseAttributeList',
    'projectResource',
    'excludesAttribute',
    'parseListQuery',
    'parseSearchRequest',
    'listResponse',
    'weakEtag',
    'checkIfMatch',
    'isNotModified',
    'serviceProviderConfig',
    'resourceTypes',
    'resourceType',
    'schemaDocuments',
    'schemaDocument',
  ])('exports %s', (name) => {
    expect((scim as Record<string, unknown>)[name]).toBeDefined();
  });
});
