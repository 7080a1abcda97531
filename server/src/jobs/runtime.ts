/**
 * The job runtime: turns triggers into jobs and jobs into sandbox runs.
 *
 * A run claims its job row (state started, attempts + 1), loads the project's data (cached per
 * version), runs the handler in the sandbox with this job's host powers, then hands the outcome to
 * `final-states.ts` (done, failed, retried). At start it holds its instance lock and recovers the
 * jobs a crashed sidecar left started (`recovery.ts`).
 */
import { randomInt } from 'node:crypto';
import type { ParsedCronItem } from 'graphile-worker';
import { warmPool, withTransaction, type Pool, type PoolClient, type Queryable } from '../db/index.js';
import { newHandleTag, type TaskHttpClient } from '../egress/index.js';
import type { OdooClient } from '../odoo/index.js';
import type { PluginRegistry } from '../plugins/index.js';
import type { TriggerKind } from '../projects/index.js';
import { claimJobs, requeueFailedJob, setQueueJobId, type ClaimedJob, type NewJob } from '../history/jobs.js';
import { Batcher } from '../shared/batcher.js';
import type { LogLevel, LogWriter } from '../history/logs.js';
import type { AddJobSpec, RunRequest, SandboxPool } from '../sandbox/index.js';
import type { SecretCipher } from '../secrets/cipher.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { SyncStudioError } from '../shared/errors.js';
import { createJobPowers, type PluginDescription } from './powers.js';
import { ProjectDataCache, textsIn, type ProjectData } from './project-data.js';
import { addQueueJob, RUN_JOB, startQueueRunner, type QueueHandler, type QueueRunner } from './queue.js';
import { writeQueuedJobs } from './queued-jobs.js';
import { assertEnabled, triggerOfSpec, type TriggerInfo } from './triggers.js';
import { FinalStates } from './final-states.js';
import { ImmediateJobWriter } from './immediate-writes.js';
import { envModelGuard } from './env-guard.js';
import { SubJobWriter } from './sub-jobs.js';
import { recoverInterruptedJobs } from './recovery.js';
import { InstanceLock } from './instance-lock.js';
import { DEFAULT_LANG, DEFAULT_TZ, OdooUsers, type OdooUser } from './odoo-users.js';
import {
  handlerOf,
  JobsBusyError,
  type ArgsResolver,
  type StoredJob,
  type EnqueueOptions,
  type JobOutcome,
  type JobRuntime,
  type RunNowHooks,
  type StartedJob,
  type TriggerJobSpec,
} from './types.js';

export interface JobRuntimeOptions {
  pool: Pool;
  /**
   * For job history whose loss in a PostgreSQL crash loses no work: log lines, and immediate jobs
   * and their final states (their caller already has the outcome). Commits without waiting for the WAL
   * flush (see createPool); queued work (queue entries, claims, retries) stays on `pool`.
   */
  historyPool: Pool;
  connectionString: string;
  sandbox: SandboxPool;
  logs: LogWriter;
  plugins: PluginRegistry;
  cipher: SecretCipher;
  odoo: OdooClient | undefined;
  /** Task code's `http`: egress policy and caps (one session per run). */
  http: TaskHttpClient;
  /** Models refused to task code's env that the operator allows anyway (SYNC_STUDIO_ENV_ALLOW_MODELS). */
  envAllowModels: readonly string[];
  /** Log lines a run's task may cause; the rest are counted in one warning (SYNC_STUDIO_JOB_MAX_LOG_LINES). */
  maxLogLines: number;
  /**
   * Immediate runs (webhooks answering from their handler, Run Now) waiting for or in the sandbox at
   * once; beyond it `startNow` refuses with JobsBusyError. Queued jobs are bounded by `queueConcurrency`,
   * so the sandbox's queue never holds more than the two together.
   */
  maxImmediateRuns: number;
  links: (op: unknown) => Promise<unknown>;
  jobTimeoutSeconds: number;
  retryDelaysSeconds: readonly number[];
  publicUrl: string;
  queueConcurrency: number;
  logger: Logger;
  clock: Clock;
}

export class SyncJobRuntime implements JobRuntime {
  readonly instanceId = randomInt(1, 2 ** 31 - 1);
  private readonly projectData: ProjectDataCache;
  private readonly queueHandlers: Record<string, QueueHandler> = {};
  private readonly argsResolvers = new Map<string, ArgsResolver>();
  private readonly cronItems: ParsedCronItem[] = [];
  private runner: QueueRunner | undefined;
  /** Claims and final states are written in batches under load (group commit). */
  private readonly claims = new Batcher<number, ClaimedJob | undefined>(async (ids) => {
    const claimed = new Map((await claimJobs(this.options.pool, ids, this.instanceId)).map((job) => [job.id, job]));
    return ids.map((id) => claimed.get(id));
  });
  private readonly immediate: ImmediateJobWriter;
  private readonly subJobs: SubJobWriter;
  private readonly finalStates: FinalStates;
  private readonly lock: InstanceLock;
  private readonly users: OdooUsers;
  /** Runs started by `startNow` (from the moment they are asked for) that have not finished yet. */
  private readonly immediateRuns = new Set<Promise<unknown>>();
  /** Immediate runs admitted and not finished (counted from the call, before their rows exist). */
  private immediateCount = 0;
  private readonly guardModel: (model: string) => void;
  private stopping = false;

  constructor(private readonly options: JobRuntimeOptions) {
    this.lock = new InstanceLock(this.instanceId, options.connectionString, options.logger);
    this.users = new OdooUsers(options.odoo);
    this.immediate = new ImmediateJobWriter(options.historyPool, this.instanceId);
    this.subJobs = new SubJobWriter(options.pool);
    this.finalStates = new FinalStates({
      pool: options.pool,
      logs: options.logs,
      immediate: this.immediate,
      queueAgain: (db, jobId, runAt) => this.queue(db, jobId, { runAt }),
      retryDelaysSeconds: options.retryDelaysSeconds,
      clock: options.clock,
      logger: options.logger,
    });
    this.projectData = new ProjectDataCache(options.pool, options.publicUrl, options.cipher);
    this.guardModel = envModelGuard(options.envAllowModels);
    this.queueHandlers[RUN_JOB] = async (payload) => {
      await this.execute((payload as { jobId: number }).jobId);
    };
  }

  /** Adds a queue-job handler (trigger machinery, housekeeping); call before `start`. */
  registerQueueHandler(name: string, handler: QueueHandler, cron?: ParsedCronItem): void {
    this.queueHandlers[name] = handler;
    if (cron) this.cronItems.push(cron);
  }

  /** Rebuilds the arguments of jobs of trigger kind `kind` whose rows keep a reference (`TriggerJobSpec.storedArgs`). */
  registerArgsResolver(kind: TriggerKind, resolver: ArgsResolver): void {
    this.argsResolvers.set(kind, resolver);
  }

  /** A job's arguments as its handler receives them (rebuilt from a reference its row keeps, if any). */
  async argsOf(job: StoredJob): Promise<unknown[]> {
    const resolver = job.trigger_kind === null ? undefined : this.argsResolvers.get(job.trigger_kind);
    return resolver ? resolver(job) : job.args;
  }

  get started(): boolean {
    return this.runner !== undefined;
  }

  /**
   * Holds this instance's lock (so its running jobs count as alive) and, unless `queue` is false
   * (a one-off `sync-studio run`), starts the queue runner and recovers interrupted jobs.
   */
  async start(options: { queue?: boolean } = {}): Promise<void> {
    await this.lock.acquire();
    await Promise.all([warmPool(this.options.pool, 4), warmPool(this.options.historyPool, 3)]);
    if (options.queue === false) return;
    this.runner = await startQueueRunner(this.options.pool, this.queueHandlers, {
      concurrency: this.options.queueConcurrency,
      cron: this.cronItems,
      logger: this.options.logger,
    });
    const runner = this.runner;
    await recoverInterruptedJobs({
      pool: this.options.pool,
      instanceId: this.instanceId,
      unlockWorkers: (workerIds) => runner.utils.forceUnlockWorkers(workerIds),
      logger: this.options.logger,
    });
  }

  /** Lets running jobs finish and write their outcome (queued and immediate ones), then releases the instance lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([this.runner?.stop(), ...this.immediateRuns]);
    this.runner = undefined;
    await this.options.logs.flush();
    await this.lock.release();
  }

  async enqueue(spec: TriggerJobSpec, options: EnqueueOptions = {}): Promise<{ jobId: number }> {
    return (await this.enqueueMany([spec], options))[0]!;
  }

  /** Queues jobs with a few statements whatever their number (each trigger read once); ids in the order given. */
  async enqueueMany(specs: readonly TriggerJobSpec[], options: EnqueueOptions = {}): Promise<{ jobId: number }[]> {
    if (specs.length === 0) return [];
    if (options.jobKey !== undefined && specs.length > 1) throw new Error('a job key names one queue job: enqueue one spec with it');
    const work = async (db: PoolClient) => {
      const triggers = new Map<string, Promise<TriggerInfo>>();
      const triggerOf = (spec: TriggerJobSpec) => {
        const key = `${spec.trigger.kind}:${spec.trigger.id}`;
        if (!triggers.has(key)) triggers.set(key, triggerOfSpec(db, spec));
        return triggers.get(key)!;
      };
      const jobs: NewJob[] = [];
      for (const spec of specs) {
        const trigger = await triggerOf(spec);
        assertEnabled(trigger, spec.force);
        jobs.push(
          jobOfTrigger(trigger, spec, {
            maxRetries: options.maxRetries ?? 5,
            priority: options.priority ?? 10,
            runAt: options.runAt ?? null,
            runMode: 'queued',
          }),
        );
      }
      const written = await writeQueuedJobs(
        db,
        jobs.map((job) => ({ job, queue: { priority: options.priority, jobKey: options.jobKey } })),
      );
      // Trigger jobs carry no identity key, so each one is written.
      return written.map((result) => ({ jobId: 'jobId' in result ? result.jobId : result.pendingJobId }));
    };
    return options.db ? work(options.db) : withTransaction(this.options.pool, work);
  }

  async runNow(spec: TriggerJobSpec, hooks: RunNowHooks = {}): Promise<JobOutcome> {
    return (await this.startNow(spec, hooks)).outcome;
  }

  /**
   * Creates the job, started, and resolves as soon as it exists; `outcome` settles when the run has
   * finished and its state is written. `stop` waits for every run started here.
   */
  async startNow(spec: TriggerJobSpec, hooks: RunNowHooks = {}): Promise<StartedJob> {
    if (this.stopping) throw new ShuttingDownError();
    if (this.immediateCount >= this.options.maxImmediateRuns) throw new JobsBusyError(this.options.maxImmediateRuns);
    // Counted and tracked before the first await, so a `stop` called meanwhile waits for this run too.
    this.immediateCount++;
    let ended!: () => void;
    const tracked = new Promise<void>((resolve) => (ended = resolve));
    this.immediateRuns.add(tracked);
    void tracked.then(() => {
      this.immediateCount--;
      this.immediateRuns.delete(tracked);
    });
    try {
      const trigger = await triggerOfSpec(this.options.pool, spec);
      assertEnabled(trigger, spec.force);
      const job = await this.immediate.start(
        jobOfTrigger(trigger, spec, { maxRetries: 1, priority: 0, runAt: null, runMode: 'immediate' }),
        hooks.startWith,
      );
      // The row keeps `storedArgs`; this first run has the arguments themselves.
      const outcome = this.run({ ...job, args: spec.args }, hooks, true);
      outcome.then(ended, ended);
      return { jobId: job.id, outcome };
    } catch (error) {
      ended();
      throw error;
    }
  }

  /** Runs a failed job again with the task's current code; attempts start over. */
  async requeue(jobId: number): Promise<void> {
    await withTransaction(this.options.pool, async (db) => {
      if (!(await requeueFailedJob(db, jobId))) throw new RequeueRefusedError(jobId);
      await this.queue(db, jobId, {});
    });
  }

  private async queue(
    db: Queryable,
    jobId: number,
    options: { runAt?: Date | undefined; priority?: number | undefined; jobKey?: string | undefined },
  ) {
    const queueJobId = await addQueueJob(
      db,
      RUN_JOB,
      { jobId },
      { runAt: options.runAt, priority: options.priority, jobKey: options.jobKey },
    );
    await setQueueJobId(db, jobId, queueJobId);
  }

  /** One run of a job; never throws for task failures (they are the job's outcome). */
  async execute(jobId: number): Promise<JobOutcome> {
    const job = await this.claims.add(jobId);
    return job ? this.run(job) : { jobId, state: 'done' };
  }

  private async run(stored: ClaimedJob, hooks: RunNowHooks = {}, argsResolved = false): Promise<JobOutcome> {
    let job = stored;
    let unresolved: Error | undefined;
    if (!argsResolved) {
      try {
        job = { ...stored, args: await this.argsOf(stored) };
      } catch (error) {
        unresolved = error as Error;
      }
    }
    const project = await this.projectData.get(job.project_id, job.project_version);
    const known = job.odoo_user_id === null ? undefined : await this.users.get(job.odoo_user_id);
    const user = known?.user;
    const timeoutMs = (job.task_timeout_seconds ?? this.options.jobTimeoutSeconds) * 1000;
    const handles = { tag: newHandleTag(), secrets: project.boundSecrets };
    const http = this.options.http.session(timeoutMs, handles);
    const powers = createJobPowers(
      {
        logs: this.options.logs,
        odoo: this.options.odoo,
        plugins: this.options.plugins,
        links: this.options.links,
        addSubJob: (parent, request, log) => this.addSubJob(parent, request, log),
        http,
        guardModel: this.guardModel,
        maxLogLines: this.options.maxLogLines,
      },
      job,
      project,
    );
    if (job.previous_state === 'started') {
      powers.write('warning', `the previous attempt (${job.attempts - 1}) was interrupted: the sidecar stopped while it ran`);
      if (job.max_retries > 0 && job.attempts > job.max_retries) {
        return this.finalStates.finish(job, powers, {
          state: 'failed',
          error: { name: 'Interrupted', message: 'interrupted too many times' },
        });
      }
    }
    if (unresolved) {
      http.end();
      powers.write('critical', `${unresolved.name}: ${unresolved.message}`);
      return this.finalStates.finish(job, powers, { state: 'failed', error: { name: unresolved.name, message: unresolved.message } });
    }
    powers.write('debug', 'Job started');
    if (known?.problem) powers.write('warning', `${known.problem}; texts and env use ${DEFAULT_LANG} and ${DEFAULT_TZ}`);
    for (const line of hooks.firstLines ?? []) powers.write(line.level, line.message, line.type, line.name);
    const outcome = await this.options.sandbox.run(
      this.request(job, project, user, powers.describePlugins(), timeoutMs, handles.tag),
      powers,
    );
    http.end();
    await powers.drain();
    powers.endLog();
    return this.finalStates.settle(job, powers, outcome, hooks.finalLines);
  }

  private request(
    job: ClaimedJob,
    project: ProjectData,
    user: OdooUser | undefined,
    plugins: PluginDescription[],
    timeoutMs: number,
    handleTag: string,
  ): RunRequest {
    const lang = user?.lang ?? DEFAULT_LANG;
    return {
      jobId: job.id,
      project: { id: job.project_id, version: job.project_version, commonCode: job.common_code },
      task: { id: job.task_id, code: job.task_code },
      handler: job.function,
      args: job.args,
      context: {
        trigger_name: job.trigger_name,
        user: user === undefined ? null : { id: user.id, name: user.name },
        params: project.params,
        texts: textsIn(project.texts, lang),
        webhooks: project.webhooks,
        lang,
        tz: user?.tz ?? DEFAULT_TZ,
        plugins,
        secrets: { keys: Object.keys(project.secrets), tag: handleTag },
      },
      timeoutMs,
    };
  }

  /** Queues the sub-job at once (no await before the group commit takes it), so sub-jobs keep the order task code asked for. */
  private async addSubJob(parent: ClaimedJob, request: AddJobSpec, log: (message: string, level?: LogLevel) => void): Promise<void> {
    const { options } = request;
    const runAt = options.eta === undefined ? null : new Date(options.eta);
    const created = this.subJobs.create({
      job: {
        projectId: parent.project_id,
        taskId: parent.task_id,
        triggerKind: null,
        triggerId: null,
        triggerName: parent.trigger_name,
        parentJobId: parent.id,
        function: request.function,
        args: request.args,
        description: options.description ?? null,
        identityKey: options.identity_key ?? null,
        maxRetries: options.max_retries ?? 5,
        priority: options.priority ?? 10,
        runAt,
        odooUserId: parent.odoo_user_id,
        runMode: 'queued',
      },
      queuePriority: options.priority,
    });
    const result = await created;
    const call = `${request.function}(${request.args.map((a) => JSON.stringify(a)).join(', ')})`;
    if ('jobId' in result) log(`add_job: ${call}. See job ${result.jobId}`);
    else log(`add_job: ${call} dropped: job ${result.pendingJobId} with identity key ${options.identity_key} has not run yet`);
  }
}

/** Run Now while the sidecar stops: refused before a job is created. */
export class ShuttingDownError extends SyncStudioError {
  constructor() {
    super('shutting_down', 'the sidecar is shutting down; run it again once the sidecar is back', { status: 503 });
  }
}

export class RequeueRefusedError extends SyncStudioError {
  constructor(jobId: number) {
    super('requeue_refused', `job ${jobId} does not exist or is not failed; only failed jobs can be requeued`, { status: 409 });
  }
}

/** The job row a trigger event creates. */
function jobOfTrigger(
  trigger: TriggerInfo,
  spec: TriggerJobSpec,
  run: Pick<NewJob, 'maxRetries' | 'priority' | 'runAt' | 'runMode'>,
): NewJob {
  return {
    projectId: trigger.project_id,
    taskId: trigger.task_id,
    triggerKind: trigger.kind,
    triggerId: trigger.id,
    triggerName: trigger.trigger_name,
    parentJobId: null,
    function: handlerOf[trigger.kind],
    args: spec.storedArgs ?? spec.args,
    odooUserId: spec.odooUserId ?? null,
    ...run,
  };
}
