/**
 * Checks of the signatures external systems put on their webhook calls, compared in constant
 * time. Each takes the webhook request as task code receives it (`headers` with lower-case names,
 * `body` as the raw text) and answers true or false; a missing header is false. The plugins'
 * `verify_*` functions throw a WebhookSignatureError instead of answering false.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SyncStudioError } from '../shared/errors.js';

/**
 * A forged or unsigned webhook request. Named so that task code receives it as its own
 * WebhookSignatureError (the sandbox rebuilds errors by name) and the webhook answers 401.
 */
export class WebhookSignatureError extends SyncStudioError {
  constructor(message: string) {
    super('invalid_signature', message, { status: 401 });
  }
}

/** Throws a WebhookSignatureError saying `message` unless `valid`. */
export function requireSigned(valid: boolean, message: string): true {
  if (!valid) throw new WebhookSignatureError(message);
  return true;
}

export interface SignedRequest {
  headers?: Record<string, string>;
  body?: string | null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(request: SignedRequest, name: string): string | undefined {
  return request?.headers?.[name];
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body with the webhook secret>`. */
export function githubSignatureValid(request: SignedRequest, secret: string): boolean {
  const signature = header(request, 'x-hub-signature-256');
  if (!signature) return false;
  return sameText(
    signature,
    `sha256=${createHmac('sha256', secret)
      .update(request.body ?? '')
      .digest('hex')}`,
  );
}

/** Trello: `X-Trello-Webhook: <base64 HMAC-SHA1 of body + callback URL with the application secret>`. */
export function trelloSignatureValid(request: SignedRequest, secret: string, callbackUrl: string): boolean {
  const signature = header(request, 'x-trello-webhook');
  if (!signature) return false;
  return sameText(signature, trelloSignature(request.body ?? '', secret, callbackUrl));
}

export function trelloSignature(body: string, secret: string, callbackUrl: string): string {
  return createHmac('sha1', secret)
    .update(body + callbackUrl)
    .digest('base64');
}

/** Telegram: `X-Telegram-Bot-Api-Secret-Token` equals the secret token given to setWebhook. */
export function telegramSecretTokenValid(request: SignedRequest, token: string): boolean {
  const given = header(request, 'x-telegram-bot-api-secret-token');
  return given !== undefined && sameText(given, token);
}

/** A webhook secret derived from an API token, for systems where the user sets none of their own. */
export function derivedWebhookSecret(token: string, purpose: string): string {
  return createHmac('sha256', token).update(`sync-studio webhook ${purpose}`).digest('hex').slice(0, 40);
}
