/**
 * Loads openid-client 6, which is published as ES modules only. Node ≥ 20.19 loads such a module with
 * `require`; the require used is Node's own (from `process.getBuiltinModule`), not the one of the module
 * system the plugin happens to run in — Jest's, in the integration tests, cannot load ES modules at all.
 */
import type * as OpenIdClient from 'openid-client';

export type OpenIdClientModule = typeof OpenIdClient;

let loaded: OpenIdClientModule | undefined;

export function openIdClient(): OpenIdClientModule {
  if (!loaded) {
    const builtin = (process as unknown as { getBuiltinModule?: (name: string) => unknown }).getBuiltinModule?.('node:module') as
      | typeof import('node:module')
      | undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = builtin ? builtin.createRequire(typeof __filename === 'string' ? __filename : `${process.cwd()}/`) : require;
    loaded = load('openid-client') as OpenIdClientModule;
  }
  return loaded;
}
