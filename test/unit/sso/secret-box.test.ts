import { randomBytes } from 'node:crypto';
import { createSecretBox, keyFromMaterial, resolveEncryptionKey } from '../../../server/src/sso/secret-box';
import { ssoErrorCodeOf } from './helpers/outcomes';

const box = createSecretBox(randomBytes(32));

describe('secret box (AES-256-GCM)', () => {
  test('round trip; every seal differs (random IV); the plaintext is not in the output', () => {
    const first = box.seal('client-secret-value', 'sso-connection:a:clientSecret');
    const second = box.seal('client-secret-value', 'sso-connection:a:clientSecret');
    expect(first).not.toBe(second);
    expect(first).not.toContain('client-secret-value');
    expect(first).toMatch(/^v1:/);
    expect(box.open(first, 'sso-connection:a:clientSecret')).toBe('client-secret-value');
  });

  test('tampering with any part is detected', () => {
    const sealed = box.seal('client-secret-value', 'p');
    const [version, iv, ciphertext, tag] = sealed.split(':') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    expect(ssoErrorCodeOf(() => box.open([version, flip(iv), ciphertext, tag].join(':'), 'p'))).toBe('SSO_SECRET_UNREADABLE');
    expect(ssoErrorCodeOf(() => box.open([version, iv, flip(ciphertext), tag].join(':'), 'p'))).toBe('SSO_SECRET_UNREADABLE');
    expect(ssoErrorCodeOf(() => box.open([version, iv, ciphertext, flip(tag)].join(':'), 'p'))).toBe('SSO_SECRET_UNREADABLE');
    expect(ssoErrorCodeOf(() => box.open('v2:x:y:z', 'p'))).toBe('SSO_SECRET_UNREADABLE');
  });

  test('a value moved to another connection or field does not decrypt (purpose is authenticated)', () => {
    const sealed = box.seal('secret', 'sso-connection:a:clientSecret');
    expect(ssoErrorCodeOf(() => box.open(sealed, 'sso-connection:b:clientSecret'))).toBe('SSO_SECRET_UNREADABLE');
  });

  test('another key cannot open it', () => {
    const sealed = box.seal('secret', 'p');
    expect(ssoErrorCodeOf(() => createSecretBox(randomBytes(32)).open(sealed, 'p'))).toBe('SSO_SECRET_UNREADABLE');
  });

  test('key sources: explicit hex/base64/passphrase, else HKDF of admin.auth.secret', () => {
    const hex = randomBytes(32).toString('hex');
    expect(keyFromMaterial(hex).toString('hex')).toBe(hex);
    const b64 = randomBytes(32).toString('base64');
    expect(keyFromMaterial(b64).toString('base64')).toBe(b64);
    expect(keyFromMaterial('a passphrase that is long enough for a key')).toHaveLength(32);
    const derived = resolveEncryptionKey({ adminAuthSecret: 'admin-secret' });
    expect(derived).toHaveLength(32);
    expect(derived.equals(resolveEncryptionKey({ adminAuthSecret: 'admin-secret' }))).toBe(true);
    expect(derived.equals(resolveEncryptionKey({ adminAuthSecret: 'another' }))).toBe(false);
    expect(resolveEncryptionKey({ configured: hex, adminAuthSecret: 'admin-secret' }).toString('hex')).toBe(hex);
    expect(() => resolveEncryptionKey({})).toThrow(/encryption key/);
  });
});
