/**
 * Per-token rate limit of the SCIM API: a token bucket per SCIM token id, `burst` requests deep, refilled at
 * `requestsPerSecond`. A request that finds its bucket empty gets 429 with Retry-After — which Entra and Okta
 * both honour by backing off, where a slow or failing answer would count towards Entra's quarantine.
 *
 * In memory, per Strapi instance: with N instances behind a load balancer a token can reach N × the limit.
 * That is acceptable for what the limit is for — stopping one runaway or misconfigured client from taking
 * a whole instance (and its database pool) away from the other directories and the admin panel — since each
 * instance protects its own event loop and pool, which is the resource that runs out. A shared, exact
 * limit would need a database write per request, i.e. load on the very thing being protected.
 *
 * Only authenticated callers get a bucket (the caller checks the token first), so a flood of bad tokens
 * cannot create entries: the map holds at most one bucket per live token, and full buckets are dropped by
 * `sweep` (a full bucket and no bucket behave the same).
 */

export interface RateLimitSettings {
  /** Sustained requests per second per token; 0 switches the limit off. */
  requestsPerSecond: number;
  /** Requests a token may send at once after being idle (the bucket's size); at least 1 when the limit is on. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** How often (in calls) idle buckets are swept out of the map. */
const SWEEP_EVERY = 1000;

export function createRateLimiter(settings: RateLimitSettings | false) {
  const rate = settings ? settings.requestsPerSecond : 0;
  const capacity = settings ? Math.max(1, settings.burst) : 0;
  const buckets = new Map<number | string, Bucket>();
  let calls = 0;

  const refill = (bucket: Bucket, now: number) => {
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * rate);
    bucket.updatedAt = now;
  };

  /** Drops the buckets that have refilled completely: they carry no information. */
  function sweep(now: number) {
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= capacity) buckets.delete(key);
    }
  }

  return {
    enabled: rate > 0,
    /** Takes one request from `key`'s bucket (a token id), or says how long until one is available. */
    take(key: number | string, now = Date.now()): RateDecision {
      if (rate <= 0) return { allowed: true };
      calls += 1;
      if (calls % SWEEP_EVERY === 0) sweep(now);
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: capacity, updatedAt: now };
        buckets.set(key, bucket);
      } else {
        refill(bucket, now);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      // Retry-After is whole seconds (RFC 9110 §10.2.3): round up, so a client that waits exactly that long finds a request's worth.
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
    },
    /** How many buckets are held (for tests: bounded by the number of live tokens). */
    size: () => buckets.size,
    sweep,
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
