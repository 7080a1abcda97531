/**
 * What a caller may see of a stored row: secret values only for administrators (others see
 * `has_value`), webhook rows with their public URL.
 */
import { hasRole, type Principal } from '../auth/index.js';
import type { SecretCipher } from '../secrets/cipher.js';
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
    const { value_encrypted, ...rest } = row;
    const encrypted = value_encrypted as string | null;
    return {
      ...rest,
      has_value: encrypted !== null,
      ...(hasRole(principal, 'administrator') ? { value: encrypted === null ? null : options.cipher.decrypt(encrypted) } : {}),
    };
  }
  if (kind === 'webhook') return { ...row, url: webhookUrl(options.publicUrl, row.path as string) };
  return row;
}
