/**
 * Encryption of secret values at rest: AES-256-GCM with a key derived (HKDF-SHA256) from
 * SYNC_STUDIO_SECRET. Stored form: base64 of iv (12 bytes) | auth tag (16 bytes) | ciphertext.
 * A fingerprint of the key (an HMAC of a fixed label) is kept in `sync_studio.setting`, so a start
 * with another key is refused before anything is decrypted into garbage.
 *
 * The additional data binds a ciphertext to its row: version 2 (every value written now) carries
 * the project id and the secret's key, so a value copied into another row, of another project or
 * under another key, no longer decrypts. Version 1 (before migration 000005) carried a fixed label;
 * such values stay readable until the start re-encrypts them (binding.ts).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SecretKeyError } from '../shared/errors.js';

/** The row a secret value belongs to. */
export interface SecretBinding {
  projectId: number;
  key: string;
}

export type CipherVersion = 1 | 2;
export const CURRENT_CIPHER_VERSION: CipherVersion = 2;

function additionalData(version: CipherVersion, binding: SecretBinding): Buffer {
  return version === 1
    ? Buffer.from('sync-studio secret v1')
    : Buffer.from(`sync-studio secret v2\0project ${binding.projectId}\0key ${binding.key}`);
}

export class SecretCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'sync-studio', 'secret values v1', 32));
  }

  /** Encrypts a value for the row `binding` names (current version). */
  encrypt(plaintext: string, binding: SecretBinding): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(CURRENT_CIPHER_VERSION, binding));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Decrypts a value stored in the row `binding` names with `version`'s additional data. */
  decrypt(stored: string, binding: SecretBinding, version: CipherVersion): string {
    const raw = Buffer.from(stored, 'base64');
    const what = `the value of secret ${binding.key} of project ${binding.projectId}`;
    if (raw.length < 28) throw new SecretKeyError(`${what} is corrupt (too short)`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(additionalData(version, binding));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretKeyError(
        `${what} cannot be decrypted: it was encrypted under another SYNC_STUDIO_SECRET, or for another row ` +
          `(copied or altered in the database) (${(error as Error).message})`,
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
