/** A loopback SMTP server that keeps the recipients of every message (for counting invitations in browser tests). */
import type { AddressInfo } from 'node:net';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SMTPServer } = require('smtp-server');

export interface RecipientSink {
  port: number;
  /** Messages delivered to `address` so far. */
  count(address: string): number;
  close(): Promise<void>;
}

export async function startRecipientSink(): Promise<RecipientSink> {
  const recipients: string[][] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream: NodeJS.ReadableStream, session: { envelope: { rcptTo: { address: string }[] } }, callback: (error?: Error) => void) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        recipients.push(session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    count: (address) => recipients.filter((list) => list.includes(address.toLowerCase())).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
