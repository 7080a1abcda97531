/**
 * The job runtime's contract with the triggers: how a trigger turns into a job.
 *
 * - `enqueue` creates a job row and a queue job (graphile-worker `sync_studio.run_job`) — inside
 *   the caller's transaction when `db` is given, so the job exists exactly when the caller's change
 *   commits (cron slots, DB events, queued webhooks).
 * - `runNow` creates a job row and runs it at once in the sandbox, returning the outcome (webhooks
 *   answering from their handler, Run Now).
 * Both refuse an archived project or task with `TriggerDisabledError` unless `force` is set.
 */
import type { PoolClient } from '../db/index.js';
import type { TriggerKind } from '../projects/index.js';
import { SyncStudioError } from '../shared/errors.js';
import type { TriggerInfo } from './triggers.js';
import type { StartCompanion } from '../history/jobs.js';
import type { LogLine } from '../history/logs.js';

export const handlerOf: Record<TriggerKind, string> = {
  cron: 'handle_cron',
  db: 'handle_db',
  webhook: 'handle_webhook',
  button: 'handle_button',
};

export interface TriggerJobSpec {
  trigger: { kind: TriggerKind; id: number };
  /** Handler arguments (JSON). Record sets travel as {"__recordset__": {model, ids}}. */
  args: unknown[];
  /**
   * What the job row keeps instead of `args`, when they are stored elsewhere already (a webhook's
   * request lives in its journal: the row keeps a reference, so the body is stored once). The
   * resolver registered for the trigger kind (`registerArgsResolver`) rebuilds `args` from it.
   */
  storedArgs?: unknown[];
  /** The Odoo user behind the event (task code's `user`), when known. */
  odooUserId?: number | null;
  /** Run even if the project, task or trigger is archived (Run Now with force). */
  force?: boolean;
  /** The trigger as the caller just read it (saves reading it again on hot paths such as webhooks). */
  loaded?: TriggerInfo;
}

export interface EnqueueOptions {
  /** Run inside this transaction (the job and its queue entry commit with the caller's change). */
  db?: PoolClient;
  runAt?: Date;
  maxRetries?: number;
  priority?: number;
  /** graphile-worker job_key: a queued job with the same key that has not started is replaced/kept. */
  jobKey?: string;
}

export interface JobOutcome {
  jobId: number;
  state: 'done' | 'done_warning' | 'failed' | 'pending';
  /** The handler's return value (JSON-safe), when it finished. */
  result?: unknown;
  /** Error name and message when it failed (no stack: that is in the job log). */
  error?: { name: string; message: string; limit?: 'time' | 'memory' | 'collateral' };
}

/** An immediate job that has been created (state started) and is running. */
export interface StartedJob {
  jobId: number;
  /** Settles when the run has finished and its final state is written. */
  outcome: Promise<JobOutcome>;
}

/** A row written in the same statement that starts the job (see `StartCompanion`). */
export interface CompanionRow<Item> {
  companion: StartCompanion<Item>;
  item: Item;
}

export interface RunNowHooks {
  /** A row written with the job's start, in one statement (e.g. the journal entry of the request behind it, with the job's id). */
  startWith?: CompanionRow<unknown>;
  /** Lines written when the job starts (e.g. the HTTP request as data_in). */
  firstLines?: LogLine[];
  /** Lines about what the caller made of the outcome (e.g. the HTTP response), written with the job's final state. */
  finalLines?: (outcome: JobOutcome) => LogLine[];
}

export interface JobRuntime {
  enqueue(spec: TriggerJobSpec, options?: EnqueueOptions): Promise<{ jobId: number }>;
  enqueueMany(specs: readonly TriggerJobSpec[], options?: EnqueueOptions): Promise<{ jobId: number }[]>;
  runNow(spec: TriggerJobSpec, hooks?: RunNowHooks): Promise<JobOutcome>;
  /** As `runNow`, but resolves as soon as the job exists; its `outcome` settles when the run has finished. */
  startNow(spec: TriggerJobSpec, hooks?: RunNowHooks): Promise<StartedJob>;
}

/** A job's row as stored, for rebuilding its arguments. */
export interface StoredJob {
  id: number;
  trigger_kind: string | null;
  args: unknown[];
}

/** Rebuilds a job's arguments from what its row keeps (`TriggerJobSpec.storedArgs`); returns plain args unchanged. */
export type ArgsResolver = (job: StoredJob) => Promise<unknown[]>;

/** The project, task or trigger is archived: nothing runs. */
export class TriggerDisabledError extends SyncStudioError {
  constructor(reason: string) {
    super('trigger_disabled', reason, { status: 409 });
  }
}

/** Immediate runs are at their bound (config `sandboxQueue`): refused before any row is written. */
export class JobsBusyError extends SyncStudioError {
  readonly retryAfterSeconds = 1;

  constructor(limit: number) {
    super('sandbox_busy', `the sidecar is running ${limit} immediate jobs (its limit, SYNC_STUDIO_SANDBOX_QUEUE); try again shortly`, {
      status: 503,
    });
  }
}
