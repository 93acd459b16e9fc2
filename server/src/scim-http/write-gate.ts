/**
 * At most `limit` SCIM writes in flight per instance; the rest wait in arrival order. A write holds a
 * database connection for its whole transaction, so a burst of creates from one directory can otherwise
 * take the entire pool and leave lookups (Entra's `userName eq` before every create) queueing behind them.
 * Reads never pass through here.
 *
 * A write that waits longer than `timeoutMs` is refused with 503 + Retry-After rather than held: a client
 * timing out on a request the server later carries out is worse than a clear "retry".
 *
 * Every write starts in a macrotask of its own (`setImmediate`). With SQLite the driver is synchronous, so a
 * whole create runs as one chain of microtasks; handing the slot straight to the next writer chained the queued
 * creates one after another in a single turn of the event loop — 32 queued creates blocked it for 86 ms (event-
 * loop delay p50 measured by bench/burst.mjs), and no lookup could even be read off its socket meanwhile.
 */
import { RetryLaterError } from './errors';

export function createWriteGate(limit: number, timeoutMs: number) {
  let running = 0;
  const waiting: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];

  const release = () => {
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start(); // the slot passes to the next writer: `running` stays the same
    } else {
      running -= 1;
    }
  };

  /** Lets the event loop serve the sockets (reads, new requests) before a write starts. */
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  function acquire(): Promise<void> {
    if (running < limit) {
      running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        start: resolve,
        timer: setTimeout(() => {
          waiting.splice(waiting.indexOf(entry), 1);
          reject(new RetryLaterError(503, `too many SCIM writes in progress; waited ${timeoutMs} ms`, Math.max(1, Math.ceil(timeoutMs / 1000))));
        }, timeoutMs),
      };
      waiting.push(entry);
    });
  }

  return {
    /** Runs `work` once a slot is free (immediately when the gate is off). */
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (limit <= 0) return work();
      await acquire();
      try {
        await nextTurn();
        return await work();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length }),
  };
}

export type WriteGate = ReturnType<typeof createWriteGate>;
