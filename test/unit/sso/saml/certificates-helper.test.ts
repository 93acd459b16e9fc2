/**
 * The tests' own certificate maker: every certificate it makes must parse, whatever its random serial. A serial
 * starting with a zero byte once made a non-minimal DER INTEGER that OpenSSL refused, one key in 512.
 */
import { X509Certificate } from 'node:crypto';
import { generateTestKeyPair } from './helpers/certificates';

test('certificates parse and carry a positive serial in its fewest bytes', () => {
  for (let n = 0; n < 20; n += 1) {
    const pair = generateTestKeyPair(`Check ${n}`);
    const certificate = new X509Certificate(Buffer.from(pair.certificateBase64, 'base64'));
    expect(certificate.subject).toBe(`CN=Check ${n}`);
    expect(certificate.serialNumber).toMatch(/^[0-7][0-9A-F]{15}$/);
    expect(certificate.serialNumber.startsWith('00')).toBe(false);
  }
});
