/**
 * A PostgreSQL server of the test's own (not the shared test server), which the test can stop and start again
 * on the same data folder and port: for database-outage tests. Runs scripts/postgres.mjs in a child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface OwnPostgres {
  url: string;
  /** `fast`: sessions are told 57P01 and the server checkpoints; `immediate`: a crash (WAL recovery on resume). */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export function startOwnPostgres(): Promise<OwnPostgres> {
  const child: ChildProcess = fork(resolve(__dirname, 'postgres-main.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const command = (message: Record<string, unknown>) =>
    new Promise<void>((done, fail) => {
      child.once('message', (reply: { ok: boolean; error?: string }) => (reply.ok ? done() : fail(new Error(reply.error))));
      child.send(message);
    });
  return new Promise((done, fail) => {
    child.once('exit', (code) => fail(new Error(`the PostgreSQL helper exited (${code})`)));
    child.once('message', (message: { ready: boolean; url?: string; error?: string }) => {
      if (!message.ready || !message.url) return fail(new Error(message.error));
      done({
        url: message.url,
        halt: (mode = 'fast') => command({ cmd: 'halt', mode }),
        resume: () => command({ cmd: 'resume' }),
        stop: () => command({ cmd: 'stop' }),
      });
    });
  });
}
