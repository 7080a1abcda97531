/**
 * One worker thread of the pool and the runs inside it. It enforces each run's time limit: on
 * expiry the run fails at once and the worker is asked to drop it; a worker too busy to answer
 * within a short grace (a loop that never yields) is terminated. When the thread ends for any
 * reason, the pool learns why and which runs were still inside. Log lines a worker wrote but has
 * not sent (the shared log journal) reach their runs while the worker is busy, and before the
 * outcome of a run given up on.
 */
import { Worker } from 'node:worker_threads';
import { CoalescingSender } from '../message-batch.js';
import { createLogJournalBuffer, LogJournalReader } from '../log-journal.js';
import type { HostToWorker, WorkerData, WorkerToHost } from '../protocol.js';
import { timeLimitOutcome } from './limits.js';
import { callPower, unsendableResult } from './powers.js';
import type { HostRun } from './run.js';

/** How long a worker has to confirm it dropped a timed-out run before it is terminated. */
export const CANCEL_GRACE_MS = 250;

const workerEntry = new URL('../worker/main.js', import.meta.url);

export type WorkerEnd =
  | { kind: 'out-of-memory' }
  | { kind: 'terminated'; reason: string }
  | { kind: 'crashed'; error: Error }
  | { kind: 'failed-to-start'; error: Error }
  | { kind: 'closed' };

export interface WorkerEvents {
  ready(worker: SandboxWorker): void;
  /** A run left this worker normally; capacity is free again. */
  released(worker: SandboxWorker): void;
  ended(worker: SandboxWorker, end: WorkerEnd, orphans: HostRun[]): void;
}

export class SandboxWorker {
  ready = false;
  /** Set while a run suspected of exhausting memory runs here alone. */
  exclusive = false;
  private readonly thread: Worker;
  private readonly logJournal: LogJournalReader;
  private readonly outbox: CoalescingSender<HostToWorker>;
  private readonly runs = new Map<number, HostRun>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Runs that timed out and that the thread has not confirmed dropping yet. */
  private readonly cancelling = new Set<number>();
  private readonly endListeners: (() => void)[] = [];
  private end: WorkerEnd | undefined;
  private lastError: Error | undefined;
  private exited = false;

  constructor(
    readonly memoryMb: number,
    private readonly events: WorkerEvents,
  ) {
    const logJournal = createLogJournalBuffer();
    this.logJournal = new LogJournalReader(logJournal);
    this.thread = new Worker(workerEntry, {
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      env: {},
      argv: [],
      workerData: { logJournal } satisfies WorkerData,
    });
    this.outbox = new CoalescingSender((message) => this.thread.postMessage(message));
    this.thread.on('message', (message: WorkerToHost) => this.receive(message));
    this.thread.on('error', (error) => {
      this.lastError = error;
    });
    this.thread.on('exit', () => this.ended());
  }

  get load(): number {
    return this.runs.size;
  }

  get alive(): boolean {
    return this.end === undefined;
  }

  /** Ready, alive, not reserved for a suspect, and not waiting to see whether it must be terminated. */
  get accepting(): boolean {
    return this.ready && this.alive && !this.exclusive && this.cancelling.size === 0;
  }

  onEnded(listener: () => void): void {
    if (this.exited) listener();
    else this.endListeners.push(listener);
  }

  start(run: HostRun, exclusive: boolean): void {
    this.exclusive = exclusive;
    this.runs.set(run.runId, run);
    run.startedAt = performance.now();
    run.powers.started?.();
    this.timers.set(
      run.runId,
      setTimeout(() => this.timedOut(run), run.request.timeoutMs),
    );
    this.outbox.queue({ type: 'run', runId: run.runId, request: run.request });
  }

  /** Ends the thread; the runs inside are reported to the pool as orphans. */
  stop(end: WorkerEnd): void {
    if (this.end) return;
    this.end = end;
    void this.thread.terminate();
  }

  private receive(message: WorkerToHost): void {
    switch (message.type) {
      case 'batch':
        for (const each of message.messages) this.receive(each);
        break;
      case 'ready':
        this.ready = true;
        this.events.ready(this);
        break;
      case 'log':
        this.logJournal.acknowledge(message.seq);
        this.runs.get(message.runId)?.deliverLog(message.entry, message.seq);
        break;
      case 'power-call':
        void this.answerPowerCall(message);
        break;
      case 'done': {
        const run = this.release(message.runId);
        run?.finish(message.outcome);
        break;
      }
      case 'cancelled':
        clearTimeout(this.timers.get(message.runId));
        this.timers.delete(message.runId);
        this.cancelling.delete(message.runId);
        this.events.released(this);
        break;
      default:
        message satisfies never;
    }
  }

  private async answerPowerCall(message: Extract<WorkerToHost, { type: 'power-call' }>): Promise<void> {
    const run = this.runs.get(message.runId);
    if (!run) return;
    const result = await callPower(run.powers, message.callId, message.power, message.payload);
    if (run.settled || !this.alive) return;
    this.outbox.queue(result, (error) => this.outbox.queue(unsendableResult(message.callId, message.power, error)));
  }

  private release(runId: number): HostRun | undefined {
    const run = this.runs.get(runId);
    if (!run) return undefined;
    this.runs.delete(runId);
    clearTimeout(this.timers.get(runId));
    this.timers.delete(runId);
    if (this.runs.size === 0) this.exclusive = false;
    this.events.released(this);
    return run;
  }

  private timedOut(run: HostRun): void {
    this.timers.delete(run.runId);
    if (!this.runs.has(run.runId)) return;
    this.recoverLogs();
    this.runs.delete(run.runId);
    run.finish(timeLimitOutcome(run.request.timeoutMs, run.elapsedMs()));
    this.outbox.queue({ type: 'cancel', runId: run.runId });
    this.cancelling.add(run.runId);
    this.timers.set(
      run.runId,
      setTimeout(
        () => this.stop({ kind: 'terminated', reason: `job ${run.request.jobId} exceeded its time limit and did not yield` }),
        CANCEL_GRACE_MS,
      ),
    );
    if (this.runs.size === 0) this.exclusive = false;
  }

  /** Hands the runs inside the lines their worker logged but has not sent (it may never send them). */
  recoverLogs(): void {
    const records = this.logJournal.takeUnacknowledged(this.exited);
    for (const record of records) this.runs.get(record.runId)?.deliverLog(record.entry, record.seq);
  }

  private ended(): void {
    this.exited = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const error = this.lastError;
    const end: WorkerEnd =
      this.end ??
      (error && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { kind: 'out-of-memory' }
        : !this.ready
          ? { kind: 'failed-to-start', error: error ?? new Error('the worker exited before it was ready') }
          : { kind: 'crashed', error: error ?? new Error('the worker exited') });
    this.end = end;
    this.recoverLogs();
    const orphans = [...this.runs.values()];
    this.runs.clear();
    this.events.ended(this, end, orphans);
    for (const listener of this.endListeners.splice(0)) listener();
  }
}
