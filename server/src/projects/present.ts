/**
 * What a caller may see of a stored row: secret values only for administrators (others see
 * `has_value`), webhook rows with their public URL.
 */
import { hasRole, type Principal } from '../auth/index.js';
import { openSecret, type SecretCipher, type StoredSecret } from '../secrets/index.js';
import type { ResourceKind } from './resources.js';
import type { Row } from './store.js';

export interface PresentOptions {
  cipher: SecretCipher;
  publicUrl: string;
}

export function webhookUrl(publicUrl: string, path: string): string {
  return `${publicUrl}/sync/webhook/${path}`;
}

export function presentRow(kind: ResourceKind, row: Row, principal: Principal, options: PresentOptions): Record<string, unknown> {
  if (kind === 'secret') {
    const { value_encrypted, cipher_version: _version, ...rest } = row;
    return {
      ...rest,
      has_value: value_encrypted !== null,
      ...(hasRole(principal, 'administrator') ? { value: openSecret(options.cipher, row as unknown as StoredSecret) } : {}),
    };
  }
  if (kind === 'webhook') return { ...row, url: webhookUrl(options.publicUrl, row.path as string) };
  return row;
}
