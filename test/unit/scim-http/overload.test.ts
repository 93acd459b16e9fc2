import { createRateLimiter } from '../../../server/src/scim-http/rate-limit';
import { createWriteGate } from '../../../server/src/scim-http/write-gate';
import { isDatabaseUnavailable } from '../../../server/src/directory/database-errors';
import { RetryLaterError, toErrorResponse } from '../../../server/src/scim-http/errors';
import { ScimError } from '../../../server/src/scim/errors';

describe('per-token rate limit (token bucket)', () => {
  it('allows a burst, then refuses with a Retry-After in whole seconds, then refills at the rate', () => {
    const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 3 });
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take(7, t0).allowed)).toEqual([true, true, true]);
    expect(limiter.take(7, t0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take(7, t0 + 400).allowed).toBe(false); // 0.8 of a request refilled
    expect(limiter.take(7, t0 + 500).allowed).toBe(true); // 1.0
    expect(limiter.take(7, t0 + 500).allowed).toBe(false);
  });

  it('keeps one bucket per token: one token exhausted does not limit another', () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1 });
    expect(limiter.take(1, 0).allowed).toBe(true);
    expect(limiter.take(1, 0).allowed).toBe(false);
    expect(limiter.take(2, 0).allowed).toBe(true);
  });

  it('asks for a longer wait when the rate is below one per second', () => {
    const limiter = createRateLimiter({ requestsPerSecond: 0.2, burst: 1 });
    limiter.take('a', 0);
    expect(limiter.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 5 });
  });

  it('is off with `false` or a rate of 0', () => {
    for (const settings of [false as const, { requestsPerSecond: 0, burst: 1 }]) {
      const limiter = createRateLimiter(settings);
      expect(limiter.enabled).toBe(false);
      expect(Array.from({ length: 1000 }, () => limiter.take(1, 0).allowed).every(Boolean)).toBe(true);
      expect(limiter.size()).toBe(0);
    }
  });

  it('forgets buckets that have refilled, so many keys over time do not accumulate', () => {
    const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 5 });
    for (let key = 0; key < 5000; key += 1) limiter.take(key, key); // one new key per millisecond
    // Every 1,000 calls the full buckets (idle ≥ 0.1 s here) are swept: never more than ~1,100 held.
    expect(limiter.size()).toBeLessThanOrEqual(1100);
    limiter.sweep(10_000_000);
    expect(limiter.size()).toBe(0);
  });
});

describe('write gate', () => {
  const tick = () => new Promise((done) => setImmediate(done));

  it('runs at most `limit` writes at once, the rest in arrival order', async () => {
    const gate = createWriteGate(2, 10_000);
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const work = (id: number) =>
      gate.run(
        () =>
          new Promise<void>((done) => {
            order.push(id);
            releases.push(done);
          })
      );
    // A few turns of the event loop: each write starts a turn after it gets its slot.
    const settle = async () => {
      for (let turn = 0; turn < 4; turn += 1) await tick();
    };
    const all = [1, 2, 3, 4].map(work);
    await settle();
    expect(order).toEqual([1, 2]);
    expect(gate.stats()).toEqual({ running: 2, waiting: 2 });
    releases[0]!();
    await settle();
    expect(order).toEqual([1, 2, 3]);
    releases.slice(1).forEach((release) => release());
    await settle();
    releases.slice(3).forEach((release) => release());
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a write that waited too long with 503 + Retry-After, and frees its place', async () => {
    const gate = createWriteGate(1, 100);
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((done) => (release = done)));
    const second = gate.run(async () => 'ran');
    await expect(second).rejects.toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(gate.stats()).toEqual({ running: 1, waiting: 0 });
    release();
    await first;
    await expect(gate.run(async () => 'after')).resolves.toBe('after');
  });

  it('queued writes start one turn of the event loop apart, so sockets are served between them', async () => {
    // Synchronous work (SQLite's driver) finishing in microtasks: without a turn between writes, every queued write
    // ran before any I/O callback, e.g. a lookup's request (bench/burst.mjs: 86 ms event-loop delay at p50).
    const gate = createWriteGate(1, 10_000);
    const events: string[] = [];
    const writes = [1, 2, 3].map((id) => gate.run(async () => void events.push(`write ${id}`)));
    const ioCallbacks = [1, 2, 3].map((id) => new Promise<void>((done) => setImmediate(() => (events.push(`io ${id}`), done()))));
    await Promise.all([...writes, ...ioCallbacks]);
    // Each write waited for a turn; the I/O callbacks queued meanwhile were not held until all writes were done.
    expect(events.indexOf('io 1')).toBeLessThan(events.indexOf('write 2'));
    expect(events.indexOf('io 3')).toBeLessThan(events.indexOf('write 3'));
  });

  it('a failing write releases its slot', async () => {
    const gate = createWriteGate(1, 1000);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('database unavailable → 503', () => {
  const unavailable = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('terminating connection because of crash of another server process'), { code: '57P02' }),
    Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    Object.assign(new Error('x'), { code: '08001' }),
    Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
    new Error('Connection terminated unexpectedly'),
    Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
    // Wrapped, as Strapi's query layer and knex sometimes do.
    new Error('update failed', { cause: Object.assign(new Error('x'), { code: '57P01' }) }),
    new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all attempts failed'),
  ];
  const others = [
    new Error('something else'),
    Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    Object.assign(new Error('syntax error'), { code: '42601' }),
    Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT' }),
    null,
    'ECONNREFUSED as a string is not an error object',
  ];

  it.each(unavailable.map((error) => [String((error as Error).message), error]))('%s → 503 with Retry-After', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const response = toErrorResponse(error);
    expect(response.error.status).toBe(503);
    expect(response.retryAfterSeconds).toBeGreaterThan(0);
    expect(response.error.toJSON()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    expect(response.error.message).not.toMatch(/ECONN|57P|Knex|SQLITE/);
    expect(response.unexpected).toBe(false);
  });

  it.each(others.map((error) => [String((error as Error | null)?.message ?? error), error]))('%s → 500, not 503', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toErrorResponse(error).error.status).toBe(500);
  });

  it('SCIM errors pass through; RetryLaterError carries its Retry-After', () => {
    expect(toErrorResponse(new ScimError(409, 'taken', 'uniqueness')).error.status).toBe(409);
    expect(toErrorResponse(new RetryLaterError(429, 'slow down', 3))).toMatchObject({ retryAfterSeconds: 3, unexpected: false });
  });
});

describe('configuration of the limits', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { configSchema } = require('../../../server/src/config') as typeof import('../../../server/src/config');

  it('has the documented defaults', () => {
    const { scim } = configSchema.parse({});
    expect(scim.rateLimit).toEqual({ requestsPerSecond: 100, burst: 200 });
    expect(scim.maxMembersPerRequest).toBe(10000);
    expect(scim.maxConcurrentWrites).toBe(8);
    expect(scim.writeQueueTimeoutMs).toBe(10000);
  });

  it('accepts false to switch the rate limit off, and refuses nonsense naming the key', () => {
    expect(configSchema.parse({ scim: { rateLimit: false } }).scim.rateLimit).toBe(false);
    const result = configSchema.safeParse({ scim: { rateLimit: { requestsPerSecond: -1 } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('scim.rateLimit.requestsPerSecond');
    expect(configSchema.safeParse({ scim: { maxMembersPerRequest: 0 } }).success).toBe(false);
  });
});
