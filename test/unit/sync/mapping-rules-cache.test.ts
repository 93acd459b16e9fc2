/**
 * The mapping rules are read on every SCIM write and every RBAC condition check: concurrent callers share one
 * database read, and a read overtaken by a change never lands in the cache.
 */
import { createMappingRules } from '../../../server/src/sync/mapping-rules';
import type { DirectoryStore } from '../../../server/src/directory';

function fakeStore() {
  let release: (() => void) | undefined;
  let version = 1;
  const store = {
    reads: 0,
    hold() {
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    bump() {
      version += 1;
    },
    settings: {
      get: async () => {
        store.reads += 1;
        const seen = version;
        if (release === undefined) await new Promise<void>((resolve) => setImmediate(resolve));
        else await new Promise<void>((resolve) => setTimeout(resolve, 20));
        return { value: { attributes: [], policy: { roleRules: [], unmatched: { action: 'deactivate' }, allowSuperAdmin: false }, content: [] }, version: seen };
      },
    },
  };
  return store;
}

test('concurrent callers share one read', async () => {
  const store = fakeStore();
  const rules = createMappingRules(store as unknown as DirectoryStore, { defaultRole: 'strapi-author' });
  const results = await Promise.all(Array.from({ length: 10 }, () => rules.current()));
  expect(store.reads).toBe(1);
  expect(new Set(results).size).toBe(1);
  await rules.current();
  expect(store.reads).toBe(1); // cached
});

test('a read overtaken by invalidate() is answered but not cached', async () => {
  const store = fakeStore();
  void store.hold();
  const rules = createMappingRules(store as unknown as DirectoryStore, { defaultRole: 'strapi-author' });
  const stale = rules.current();
  rules.invalidate();
  store.bump();
  expect((await stale).version).toBe(1);
  const fresh = await rules.current();
  expect(fresh.version).toBe(2);
  expect(store.reads).toBe(2);
});
