/**
 * Encryption of secret values at rest: AES-256-GCM with a key derived (HKDF-SHA256) from
 * SYNC_STUDIO_SECRET. Stored form: base64 of iv (12 bytes) | auth tag (16 bytes) | ciphertext.
 * A fingerprint of the key (an HMAC of a fixed label) is kept in `sync_studio.setting`, so a start
 * with another key is refused before anything is decrypted into garbage.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SecretKeyError } from '../shared/errors.js';

const AAD = Buffer.from('sync-studio secret v1');

export class SecretCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'sync-studio', 'secret values v1', 32));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    const raw = Buffer.from(stored, 'base64');
    if (raw.length < 28) throw new SecretKeyError('a stored secret value is corrupt (too short)');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretKeyError(
        `a stored secret value cannot be decrypted with the current SYNC_STUDIO_SECRET (${(error as Error).message})`,
      );
    }
  }

  /** A non-reversible fingerprint of the key, stored to detect a changed key. */
  fingerprint(): string {
    return createHmac('sha256', this.key).update('sync-studio key check').digest('base64');
  }

  matches(fingerprint: string): boolean {
    const mine = Buffer.from(this.fingerprint());
    const other = Buffer.from(fingerprint);
    return mine.length === other.length && timingSafeEqual(mine, other);
  }
}
