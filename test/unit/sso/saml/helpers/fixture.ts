/** Shared wiring for the SAML tests: one SP connection against a samlify IdP, with in-memory stores. */
import {
  InMemoryDevReplayStore,
  InMemoryDevRequestStore,
  createSamlServiceProvider,
  isSamlError,
  parseIdpMetadata,
  type SamlErrorCode,
  type SamlServiceProviderOptions,
} from '../../../../../server/src/sso/saml';
import { TestIdp } from './saml-idp';

export const SP_ENTITY_ID = 'https://cms.example.test/api/sso/entra/metadata';
export const ACS_URL = 'https://cms.example.test/api/sso/entra/acs';

let sharedIdp: TestIdp | undefined;
/** One key pair per test file is plenty; generating RSA keys is the slow part. */
export const defaultIdp = (): TestIdp => (sharedIdp ??= new TestIdp());

export function connect(options: Partial<SamlServiceProviderOptions> = {}, idp: TestIdp = defaultIdp()) {
  const requests = new InMemoryDevRequestStore();
  const replays = new InMemoryDevReplayStore();
  const metadata = parseIdpMetadata(idp.metadataXml());
  const sp = createSamlServiceProvider(
    { connectionId: 'entra', spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, idp: metadata, ...options },
    { requests, replays },
  );
  const spMetadataXml = sp.metadataXml();
  return {
    sp,
    idp,
    requests,
    replays,
    spMetadataXml,
    /** Starts an SP-initiated login and returns the request id as the IdP read it from the redirect. */
    async startLogin(relayState?: string): Promise<string> {
      const request = await sp.createLoginRequest(relayState === undefined ? {} : { relayState });
      if (request.binding !== 'HTTP-Redirect') throw new Error('expected the redirect binding');
      return (await idp.readAuthnRequest(spMetadataXml, request.redirectUrl)).id;
    },
  };
}

/** Awaits a rejection and returns its SamlError code (fails the test on success or a foreign error). */
export async function refusalCode(promise: Promise<unknown>): Promise<SamlErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isSamlError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the SAML response to be refused, but it was accepted');
}
