/**
 * A small HTTP proxy on 127.0.0.1 standing in for a load balancer in front of several Strapi instances:
 * every request goes to the origin `route` picks, so a test decides which instance answers which step.
 * Records where each request went.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Proxy {
  origin: string;
  /** `METHOD path → target origin`, in order (` (answer dropped)` appended for dropped answers). */
  log: string[];
  close(): Promise<void>;
}

/** Round robin over the origins whose `alive()` is true (a load balancer with health checks). */
export function roundRobin(targets: { origin: string; alive(): boolean }[]): () => string {
  let turn = 0;
  return () => {
    for (let tried = 0; tried < targets.length; tried += 1) {
      const target = targets[turn++ % targets.length]!;
      if (target.alive()) return target.origin;
    }
    return targets[0]!.origin;
  };
}

export interface ProxyOptions {
  /**
   * Requests whose answer is lost on the way back: the instance handles them in full (and commits), then the
   * client's connection is cut — what a client sees when a load balancer or the network drops a finished
   * answer. Retrying such a request is the idempotency test.
   */
  dropAnswer?: (incoming: IncomingMessage) => boolean;
}

export async function startProxy(route: (incoming: IncomingMessage) => string, options: ProxyOptions = {}): Promise<Proxy> {
  const log: string[] = [];
  const server = createServer((incoming, outgoing) => {
    const target = new URL(route(incoming));
    const drop = options.dropAnswer?.(incoming) ?? false;
    log.push(`${incoming.method} ${incoming.url} → ${target.origin}${drop ? ' (answer dropped)' : ''}`);
    const forwarded = request(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        if (drop) {
          answer.resume();
          answer.on('end', () => outgoing.destroy());
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('aborted', () => outgoing.destroy());
        answer.on('error', () => outgoing.destroy());
        answer.pipe(outgoing);
      }
    );
    // The instance died (SIGKILL) or refused the connection: 502, as a load balancer answers. If the answer had
    // begun, cut the connection so the client sees a failure, never a truncated success.
    forwarded.on('error', () => {
      if (outgoing.headersSent) outgoing.destroy();
      else {
        outgoing.writeHead(502);
        outgoing.end();
      }
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
