/** What a check said, reduced to what the tests compare. */
import configModule from '../../../../server/src/config';
import { SsoError } from '../../../../server/src/sso/errors';

/** The plugin config validator's message for `config` ('' when it is accepted). */
export const configProblems = (config: unknown): string => {
  try {
    configModule.validator(config);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

/** The SsoError code `work` throws: 'none' when it returns, 'other' for any other error. */
export const ssoErrorCodeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof SsoError ? error.code : 'other';
  }
  return 'none';
};
