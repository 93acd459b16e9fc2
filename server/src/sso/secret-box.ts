/**
 * Encryption at rest for connection secrets (OIDC client secrets, later SAML private keys): AES-256-GCM with
 * a random 96-bit IV per value and the value's purpose (connection id + field) as additional authenticated
 * data, so a ciphertext copied into another row or field fails to decrypt instead of silently working there.
 *
 * The key comes from `sso.encryptionKey` in the plugin config, else the `IDENTITY_BRIDGE_ENCRYPTION_KEY`
 * environment variable, else it is derived with HKDF-SHA-256 from Strapi's `admin.auth.secret` (which every
 * Strapi project already keeps secret). Rotating `admin.auth.secret` without setting an explicit key makes
 * stored secrets unreadable: sign-in then fails with SSO_SECRET_UNREADABLE until the secret is entered again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SsoError } from './errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = 'identity-bridge/sso/secret-box/v1';
const HKDF_SALT = 'identity-bridge';

export interface SecretBox {
  seal(plaintext: string, purpose: string): string;
  open(sealed: string, purpose: string): string;
}

/** A 32-byte key from configured material: 64 hex characters or base64 of 32 bytes are used as they are. */
export function keyFromMaterial(material: string): Buffer {
  const trimmed = material.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return decoded;
  // Any other passphrase: stretch it to a key (it must still be long; the config schema asks for 32+ chars).
  return Buffer.from(hkdfSync('sha256', trimmed, HKDF_SALT, HKDF_INFO, 32));
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('identity-bridge: the SSO encryption key must be 32 bytes');
  return {
    seal(plaintext, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(purpose, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
    },
    open(sealed, purpose) {
      const parts = sealed.split(':');
      const [version, iv, ciphertext, tag] = parts;
      if (parts.length !== 4 || version !== VERSION || !iv || ciphertext === undefined || !tag) {
        throw new SsoError('SSO_SECRET_UNREADABLE', `stored secret for ${purpose} is not in the ${VERSION} format`);
      }
      try {
        const ivBytes = Buffer.from(iv, 'base64url');
        const tagBytes = Buffer.from(tag, 'base64url');
        if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('bad lengths');
        const decipher = createDecipheriv('aes-256-gcm', key, ivBytes);
        decipher.setAAD(Buffer.from(purpose, 'utf8'));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key (e.g. admin.auth.secret rotated), a tampered value, or a value moved to another field.
        throw new SsoError('SSO_SECRET_UNREADABLE', `stored secret for ${purpose} cannot be decrypted (wrong key or tampered)`);
      }
    },
  };
}

/** The key the plugin uses: explicit material first, then HKDF from Strapi's admin JWT secret. */
export function resolveEncryptionKey(options: { configured?: string; environment?: string; adminAuthSecret?: string }): Buffer {
  const explicit = options.configured ?? options.environment;
  if (explicit && explicit.trim() !== '') return keyFromMaterial(explicit);
  if (!options.adminAuthSecret) {
    throw new Error(
      'identity-bridge: no SSO encryption key — set sso.encryptionKey, IDENTITY_BRIDGE_ENCRYPTION_KEY or admin.auth.secret'
    );
  }
  return Buffer.from(hkdfSync('sha256', options.adminAuthSecret, HKDF_SALT, `${HKDF_INFO}/admin-auth-secret`, 32));
}
