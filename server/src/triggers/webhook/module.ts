/**
 * Webhook triggers as a trigger kind: the public `/sync/webhook/<uuid>` routes, the journal and
 * replay in the API, and the cached trigger rows dropped on every project change. Nothing to
 * register, reconcile or stop: a webhook runs when its request arrives.
 */
import type { TriggerKindModule } from '../kind.js';
import { webhookApiRoutes } from './api-routes.js';
import { webhookRoutes } from './routes.js';
import { WebhookService, type WebhookServiceOptions } from './service.js';

export interface WebhookTriggerKind extends TriggerKindModule {
  readonly service: WebhookService;
}

export function webhookTriggerKind(options: WebhookServiceOptions): WebhookTriggerKind {
  const service = new WebhookService(options);
  return {
    kind: 'webhook',
    service,
    // A webhook job's row references its journal entry; its arguments are rebuilt from it.
    register: (runtime) => runtime.registerArgsResolver('webhook', (job) => service.argsOfJob(job)),
    onProjectChange: () => service.forget(),
    start: async () => undefined,
    apiRoutes: webhookApiRoutes({ pool: options.pool, webhooks: service }),
    publicRoutes: webhookRoutes(service),
    stop: async () => undefined,
  };
}
