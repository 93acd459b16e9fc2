/** The in-memory (test/dev) stores honour the contracts the database-backed ones must honour. */
import { InMemoryDevReplayStore, InMemoryDevRequestStore } from '../../../../server/src/sso/saml';

describe('InMemoryDevRequestStore', () => {
  test('take is consume-once, even when called concurrently', async () => {
    const store = new InMemoryDevRequestStore();
    await store.save({ scope: 'entra', requestId: '_a', expiresAt: new Date(Date.now() + 60_000) });
    const results = await Promise.all(Array.from({ length: 10 }, () => store.take({ scope: 'entra', requestId: '_a', now: new Date() })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('an expired entry is not taken, an unknown one neither, and scopes are separate', async () => {
    let now = 1_000_000;
    const store = new InMemoryDevRequestStore(() => now);
    await store.save({ scope: 'entra', requestId: '_a', expiresAt: new Date(now + 1000) });
    await store.save({ scope: 'entra', requestId: '_b', expiresAt: new Date(now + 1000) });
    expect(await store.take({ scope: 'entra', requestId: '_a', now: new Date(now + 1000) })).toBe(false);
    expect(await store.take({ scope: 'okta', requestId: '_b', now: new Date(now) })).toBe(false);
    expect(await store.take({ scope: 'entra', requestId: '_nope', now: new Date(now) })).toBe(false);
    expect(await store.take({ scope: 'entra', requestId: '_b', now: new Date(now) })).toBe(true);
    now += 5000;
    expect(store.size).toBe(0);
  });

  test('scope and id cannot be confused by separator characters', async () => {
    const store = new InMemoryDevRequestStore();
    await store.save({ scope: 'a:b', requestId: 'c', expiresAt: new Date(Date.now() + 60_000) });
    expect(await store.take({ scope: 'a', requestId: 'b:c', now: new Date() })).toBe(false);
  });
});

describe('InMemoryDevReplayStore', () => {
  test('setIfAbsent is true exactly once per id and scope, concurrently', async () => {
    const store = new InMemoryDevReplayStore();
    const expiresAt = new Date(Date.now() + 60_000);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.setIfAbsent({ scope: 'entra', assertionId: '_x', expiresAt })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.setIfAbsent({ scope: 'okta', assertionId: '_x', expiresAt })).toBe(true);
  });

  test('an id is forgotten only after its expiry', async () => {
    let now = 1_000_000;
    const store = new InMemoryDevReplayStore(() => now);
    expect(await store.setIfAbsent({ scope: 's', assertionId: '_x', expiresAt: new Date(now + 1000) })).toBe(true);
    now += 999;
    expect(await store.setIfAbsent({ scope: 's', assertionId: '_x', expiresAt: new Date(now + 1000) })).toBe(false);
    now += 2000;
    expect(await store.setIfAbsent({ scope: 's', assertionId: '_x', expiresAt: new Date(now + 1000) })).toBe(true);
  });
});
