/**
 * The re-mapping worker's handling of failures: a deadlock victim is run again, a passing database fault leaves
 * the person marked for the next pass (the cluster benchmark with kill -9 showed people set aside with the roles
 * of before, when a deadlock was recorded as if the rules had failed), and only a failure of the rules themselves
 * is recorded and set aside. A pass visits each stale person once, so a person who keeps failing cannot hold it.
 */
import { createRemapWorker } from '../../../server/src/sync/remap-worker';

interface Person {
  id: number;
  stale: boolean;
}

function deadlock(): Error {
  return Object.assign(new Error('update "admin_users" set … - deadlock detected'), { code: '40P01' });
}

function setUp(outcomes: Record<number, Array<'ok' | Error>>) {
  const people = new Map<number, Person>(Object.keys(outcomes).map((id) => [Number(id), { id: Number(id), stale: true }]));
  const attempts = new Map<number, number>();
  const events: Array<{ resourceName: string; detail: string }> = [];
  const strapi = {
    db: {
      inTransaction: () => false,
      transaction: async (work: (arg: { trx: object; onCommit: () => void }) => Promise<unknown>) => work({ trx: {}, onCommit: () => undefined }),
    },
    log: { warn: () => undefined },
  };
  const store = {
    identities: {
      findByIdForUpdate: async (id: number) => people.get(id) ?? null,
      nextStale: async (limit: number, after = 0) =>
        [...people.values()].filter((person) => person.stale && person.id > after).sort((a, b) => a.id - b.id).slice(0, limit),
      setBookkeeping: async (id: number, fields: { mappingStale: boolean }) => {
        people.get(id)!.stale = fields.mappingStale;
      },
      count: async () => 0,
    },
    events: { record: async (event: { resourceName: string; detail: string }) => void events.push(event) },
  };
  const reconciler = {
    async reconcile(person: Person) {
      const attempt = attempts.get(person.id) ?? 0;
      attempts.set(person.id, attempt + 1);
      const plan = outcomes[person.id]!;
      const outcome = plan[Math.min(attempt, plan.length - 1)]!;
      if (outcome !== 'ok') throw outcome;
      person.stale = false;
    },
  };
  const rules = { current: async () => ({}) };
  const worker = createRemapWorker(strapi as never, store as never, rules as never, reconciler as never);
  return { worker, people, attempts, events };
}

describe('re-mapping worker', () => {
  test('a deadlock victim is run again and ends re-mapped, with nothing recorded', async () => {
    const { worker, people, attempts, events } = setUp({ 1: [deadlock(), deadlock(), 'ok'] });
    await worker.remapNow([1]);
    expect(attempts.get(1)).toBe(3);
    expect(people.get(1)!.stale).toBe(false);
    expect(events).toEqual([]);
  });

  test('a person still deadlocking after the attempts, or meeting a database that is away, stays marked for the next pass', async () => {
    const away = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { worker, people, attempts, events } = setUp({ 1: [deadlock()], 2: [away] });
    await worker.remapNow([1, 2]);
    expect(attempts.get(1)).toBe(4);
    expect(attempts.get(2)).toBe(1);
    expect(people.get(1)!.stale).toBe(true);
    expect(people.get(2)!.stale).toBe(true);
    expect(events).toEqual([]);
  });

  test('a failure of the rules themselves is recorded and the person set aside', async () => {
    const { worker, people, events } = setUp({ 1: [new Error('would deactivate the last Super Admin')] });
    await worker.remapNow([1]);
    expect(people.get(1)!.stale).toBe(false);
    expect(events).toEqual([expect.objectContaining({ resourceName: 'identity #1', detail: 'would deactivate the last Super Admin' })]);
  });

  test('a pass visits each stale person once: one who keeps failing does not hold it, the others are re-mapped', async () => {
    const outcomes: Record<number, Array<'ok' | Error>> = { 1: [deadlock()] };
    for (let id = 2; id <= 250; id += 1) outcomes[id] = ['ok'];
    const { worker, people, attempts } = setUp(outcomes);
    await worker.kick();
    expect(attempts.get(1)).toBe(4);
    expect([...people.values()].filter((person) => person.stale).map((person) => person.id)).toEqual([1]);
    for (let id = 2; id <= 250; id += 1) expect(attempts.get(id)).toBe(1);
  });
});
