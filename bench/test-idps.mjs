/**
 * The identity providers the SSO tests run, loaded into the benchmark: the signing SAML IdP of the unit tests
 * (test/unit/sso/saml/helpers/saml-idp.ts, samlify) and the Entra-shaped OpenID provider of the integration
 * tests (test/integration/helpers/oidc-provider.ts, panva's oidc-provider), and the tests' headless browser
 * (test/integration/helpers/oidc-browser.ts: redirects by hand, a cookie jar). They are TypeScript, so they are
 * bundled once with esbuild (already installed for Strapi's build) into a CommonJS file next to the other
 * benchmark output; their npm dependencies stay external and load from node_modules as usual.
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);

const ENTRY = `
export { TestIdp, newId } from './test/unit/sso/saml/helpers/saml-idp';
export { ENTRA_CLAIM } from './server/src/sso/saml/claims';
export { startOidcProvider } from './test/integration/helpers/oidc-provider';
export { TestBrowser } from './test/integration/helpers/oidc-browser';
`;

export async function loadTestIdps(outDir = join(here, 'out')) {
  const { build } = require('esbuild');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'test-idps.cjs');
  await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'bench-test-idps.ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  // The bundle's external requires resolve from bench/out/, which finds the repository's node_modules.
  return require(outfile);
}
