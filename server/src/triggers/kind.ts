/**
 * The one shape every trigger kind has (cron, db, webhook, button): what it registers with the job
 * runtime, what it checks when one of its triggers is saved, how it reacts to project changes,
 * what it sets right at start, how "Run Now" runs it, which routes it owns and how it stops.
 * `registry.ts` holds one module per kind and is what the composition root, the test stack and
 * the benchmarks build.
 */
import type { Hono } from 'hono';
import type { ApiRoutes } from '../api/index.js';
import type { JobOutcome, SyncJobRuntime, TriggerJobSpec } from '../jobs/index.js';
import type { ChangeEvent, SaveCheck, TriggerKind } from '../projects/index.js';

/** "Run Now" of one trigger, as the API received it. */
export interface RunNowRequest {
  spec: TriggerJobSpec;
  /** Answer when the job has finished instead of as soon as it exists (kinds that run at once). */
  wait: boolean;
  /** DB triggers: the ids of the records handle_db receives. */
  ids?: number[];
}

/** What Run Now did: the job, its state so far (and its outcome when the caller waited). */
export interface RunNowAnswer extends Pick<JobOutcome, 'result' | 'error'> {
  /** 201 when the job has finished, 202 when it was started or queued. */
  status: 201 | 202;
  jobId: number;
  state: JobOutcome['state'] | 'started';
}

export interface TriggerKindModule {
  readonly kind: TriggerKind;
  /** Adds this kind's queue handlers (and their schedules) to the job runtime; called before it starts. */
  register(runtime: SyncJobRuntime): void;
  /** Checks a trigger row of this kind inside the transaction that saves it. */
  readonly check?: SaveCheck;
  /** Reacts to a project, task or trigger saved through the project store. */
  onProjectChange?(event: ChangeEvent): void;
  /** Sets right what changed while the sidecar was down and starts listening; called once the runtime has started. */
  start(): Promise<void>;
  /** "Run Now" (DB triggers: on the records given); absent for kinds that run only on their events. */
  runNow?(request: RunNowRequest): Promise<RunNowAnswer>;
  /** Routes under /api this kind owns (token required; each checks its role). */
  readonly apiRoutes?: ApiRoutes;
  /** Routes at the root, without a token (webhooks). */
  readonly publicRoutes?: Hono;
  /** Stops listening and waits for the work its change reactions started. */
  stop(): Promise<void>;
}
