/**
 * Test-only RSA key pairs with minimal self-signed X.509 v1 certificates, built with node:crypto and a tiny
 * DER encoder (Node 20 cannot create certificates). Good enough for xml-crypto and X509Certificate; never
 * use outside tests.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

export interface TestKeyPair {
  privateKeyPem: string;
  certificatePem: string;
  /** The certificate body as it appears in metadata (base64, no PEM armour). */
  certificateBase64: string;
}

const tlv = (tag: number, content: Buffer): Buffer => {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
};
const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const integer = (value: Buffer): Buffer => tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
const nullValue = Buffer.from([0x05, 0x00]);
const oid = (dotted: string): Buffer => {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const utcTime = (date: Date): Buffer => {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const text = `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
};
const name = (commonName: string): Buffer => sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));

/**
 * A random positive serial whose first byte is 0x01–0x7f. DER wants an INTEGER in its fewest bytes: random bytes
 * starting 0x00 0x00–0x7f (1 key in 512) are padded, and OpenSSL refuses the certificate ("no start line", as
 * it then tries PEM) — a test failing once in a few hundred runs.
 */
function serialNumber(): Buffer {
  const serial = randomBytes(8);
  serial[0] = 0x01 + (serial[0]! % 0x7f);
  return serial;
}

export function generateTestKeyPair(commonName: string): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sha256WithRsa = sequence(oid('1.2.840.113549.1.1.11'), nullValue);
  const now = Date.now();
  const tbs = sequence(
    integer(serialNumber()),
    sha256WithRsa,
    name(commonName),
    sequence(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certificatePem = new X509Certificate(der).toString().trim(); // proves it parses
  return {
    privateKeyPem: createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })).export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem,
    certificateBase64: der.toString('base64'),
  };
}
