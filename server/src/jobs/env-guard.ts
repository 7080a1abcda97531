/**
 * Which Odoo models task code's `env` may not touch. `env` acts as the technical Odoo user, and
 * some models hold Odoo's own credentials (system parameters, API keys, mail and payment
 * credentials) or run Python as that user (server actions, scheduled actions, automation rules),
 * through which those credentials could be read. Task code is refused them by default; an
 * operator allows some with SYNC_STUDIO_ENV_ALLOW_MODELS. Plugins (trusted server code) are not
 * restricted.
 */
import { SyncStudioError } from '../shared/errors.js';

export const SECRET_HOLDING_MODELS: readonly string[] = Object.freeze([
  'ir.config_parameter',
  'res.config.settings',
  'res.users.apikeys',
  'res.users.apikeys.description',
  'auth_totp.device',
  'ir.mail_server',
  'fetchmail.server',
  'payment.provider',
  'payment.acquirer',
  'iap.account',
  'ir.actions.server',
  'ir.cron',
  'base.automation',
]);

export class EnvModelRefusedError extends SyncStudioError {
  constructor(model: string) {
    super(
      'env_model_refused',
      `env: the model ${model} holds Odoo's own secrets or runs server code, so task code may not use it; ` +
        `an operator can allow it with SYNC_STUDIO_ENV_ALLOW_MODELS=${model}`,
      { status: 403 },
    );
  }
}

/** Throws EnvModelRefusedError for a refused model; `allowed` lifts the refusal for those models. */
export function envModelGuard(allowed: readonly string[]): (model: string) => void {
  const refused = new Set(SECRET_HOLDING_MODELS.filter((model) => !allowed.includes(model)));
  return (model) => {
    if (refused.has(model)) throw new EnvModelRefusedError(model);
  };
}
