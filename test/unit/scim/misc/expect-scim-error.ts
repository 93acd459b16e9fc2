import { ScimError, type ScimType } from '../../../../server/src/scim/errors';

/** Runs `action` and asserts it throws a ScimError with this status and scimType (undefined: none). */
export function expectScimError(action: () => unknown, status: number, scimType?: ScimType): ScimError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ScimError);
  const error = thrown as ScimError;
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status, scimType });
  return error;
}
