/**
 * Manual triggers (buttons): nothing runs them but "Run Now", which starts the job at once
 * (run-now.ts: answered when it exists, or when it has finished if asked to wait).
 */
import type { TriggerKindModule } from '../kind.js';
import { startAndAnswer, type StartNowDeps } from '../run-now.js';

export type ButtonTriggerKindOptions = StartNowDeps;

export function buttonTriggerKind(options: ButtonTriggerKindOptions): TriggerKindModule {
  return {
    kind: 'button',
    register: () => undefined,
    start: async () => undefined,
    runNow: ({ spec, wait }) => startAndAnswer(options, spec, wait),
    stop: async () => undefined,
  };
}
