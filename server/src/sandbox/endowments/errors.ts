/**
 * Error classes task code sees (`UserError`, `ValidationError`, `RetryableJobError`,
 * `WebhookSignatureError`), and the
 * rebuilding of a host power's failure into one of them so task code can catch it by class.
 * Created once per worker and hardened, like every shared endowment.
 */

function nameClass(constructor: { prototype: object }, name: string): void {
  // A data property on the prototype: assigning `this.name` would hit the frozen Error.prototype.
  Object.defineProperty(constructor.prototype, 'name', { value: name, writable: false, enumerable: false, configurable: false });
}

export class UserError extends Error {}
nameClass(UserError, 'UserError');

/** As in Odoo, a ValidationError is a UserError. */
export class ValidationError extends UserError {}
nameClass(ValidationError, 'ValidationError');

export class RetryableJobError extends Error {
  /** Overrides the retry delay when set. */
  readonly seconds: number | undefined;
  constructor(message?: string, options?: { seconds?: number }) {
    super(message);
    const seconds = options?.seconds;
    if (seconds !== undefined && (typeof seconds !== 'number' || !(seconds >= 0))) {
      throw new TypeError('RetryableJobError: options.seconds must be a number of seconds (>= 0)');
    }
    this.seconds = seconds;
  }
}
nameClass(RetryableJobError, 'RetryableJobError');

/** A webhook request whose signature or secret token does not check out: the webhook answers 401, not 500. */
export class WebhookSignatureError extends Error {}
nameClass(WebhookSignatureError, 'WebhookSignatureError');

export class HttpError extends Error {
  constructor(
    message: string,
    readonly response: { status: number; headers: Record<string, string>; data: unknown },
  ) {
    super(message);
  }
}
nameClass(HttpError, 'HttpError');

const byName: Record<string, new (message: string) => Error> = { UserError, ValidationError, RetryableJobError, WebhookSignatureError };

/** Rebuilds a host power's error: same name and message, our class where we have one. */
export function errorFromHost(error: { name: string; message: string }): Error {
  const Known = byName[error.name];
  if (Known) return new Known(error.message);
  const rebuilt = new Error(error.message);
  Object.defineProperty(rebuilt, 'name', { value: error.name, writable: true, enumerable: false, configurable: true });
  return rebuilt;
}

export const errorClasses = { UserError, ValidationError, RetryableJobError, WebhookSignatureError };
