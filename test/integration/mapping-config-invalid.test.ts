/**
 * A broken mapping rule declared in the configuration must stop Strapi at start-up (fail closed) rather
 * than run with rules that silently grant nothing. (Its own file: a failed boot leaves Strapi's
 * registries half-filled for the rest of the Jest module registry.)
 */
import { bootApp } from './helpers/app';

describe('a broken declared rule', () => {
  test('stops Strapi at start-up with a message naming the problem', async () => {
    await expect(
      bootApp({
        pluginConfig: {
          mapping: {
            attributes: [],
            policy: { roleRules: [{ id: 'r', when: [], roles: ['no-such-role'] }], unmatched: { action: 'deactivate' }, allowSuperAdmin: false },
          },
        },
      })
    ).rejects.toThrow(/invalid mapping in the plugin configuration.*no-such-role/);
  });
});
