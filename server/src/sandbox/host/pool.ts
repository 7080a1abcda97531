/**
 * The sandbox pool: a fixed number of worker threads, each running up to `concurrencyPerWorker`
 * jobs at once (I/O-bound tasks should not serialise the pool). Runs wait in a FIFO queue for a
 * free slot. A worker that ends (time limit not yielding, memory limit, crash) is replaced; the
 * runs that were inside fail with a limit the caller can act on.
 *
 * Memory is per worker, so when several runs share a worker that ran out of memory the culprit is
 * unknown: every run inside fails as 'collateral' and becomes a suspect; a suspect's next run gets
 * a worker to itself, where running out of memory again is its own 'memory' failure.
 */
import { createLogger, type Logger } from '../../shared/logger.js';
import type { HostPowers, RunOutcome, RunRequest, SyntaxProblem } from '../protocol.js';
import { SandboxClosedError, SandboxUnavailableError } from './errors.js';
import { collateralOutcome, memoryLimitOutcome } from './limits.js';
import { HostRun } from './run.js';
import { SandboxWorker, type WorkerEnd, type WorkerEvents } from './sandbox-worker.js';
import { SyntaxChecker, type SyntaxCheckerOptions } from './syntax-checker.js';

export interface SandboxOptions {
  workers: number;
  /** Heap limit of each worker (resourceLimits.maxOldGenerationSizeMb). */
  memoryMb: number;
  /** Jobs one worker runs at once; default 8. */
  concurrencyPerWorker?: number;
  logger?: Logger;
  /** Bytes the host holds on behalf of running jobs (e.g. HTTP response bodies being received). */
  hostBytes?: () => number;
  /** The syntax checker's thread: its time limit per check and its queue. */
  syntax?: SyntaxCheckerOptions;
}

export interface SandboxPool {
  run(request: RunRequest, powers: HostPowers): Promise<RunOutcome>;
  checkSyntax(code: string): Promise<SyntaxProblem[]>;
  stats(): { workers: number; busy: number; restarts: number };
  close(): Promise<void>;
}

export const DEFAULT_CONCURRENCY_PER_WORKER = 8;
/**
 * How often the process's memory is checked for buffers that escape the workers' heap limits, and
 * busy workers' unsent log lines are read (a loop that never yields still shows its lines live).
 */
const WATCH_MS = 100;
/** Slack for code, stacks and allocator overhead on top of the workers' budgets. */
const MEMORY_SLACK_MB = 256;
/** Workers that die before becoming ready this many times in a row make the pool unavailable. */
const MAX_START_FAILURES = 3;
const MAX_MEMORY_SUSPECTS = 1000;
const POOL_CLOSED = 'the sandbox pool was closed (the sidecar is shutting down)';

export function createSandboxPool(options: SandboxOptions): SandboxPool {
  return new Pool(options);
}

class Pool implements SandboxPool, WorkerEvents {
  private readonly workers: SandboxWorker[] = [];
  private readonly queue: HostRun[] = [];
  private readonly memorySuspects = new Set<number>();
  private readonly concurrency: number;
  private readonly logger: Logger;
  private restarts = 0;
  private startFailures = 0;
  private closed = false;
  private unavailable: SandboxUnavailableError | undefined;
  private readonly watch: NodeJS.Timeout;
  private readonly syntax: SyntaxChecker;

  constructor(private readonly options: SandboxOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('sandbox: workers must be an integer >= 1');
    this.concurrency = options.concurrencyPerWorker ?? DEFAULT_CONCURRENCY_PER_WORKER;
    this.logger = options.logger ?? createLogger();
    for (let i = 0; i < options.workers; i++) this.workers.push(new SandboxWorker(options.memoryMb, this));
    this.watch = setInterval(() => {
      this.watchMemory();
      for (const worker of this.workers) if (worker.load > 0) worker.recoverLogs();
    }, WATCH_MS).unref();
    this.syntax = new SyntaxChecker(options.syntax);
  }

  /**
   * Typed-array memory lives outside a worker's heap limit (Node 20 cannot cap or read it per
   * worker), so the process's resident memory beyond the main thread's own is checked instead:
   * past twice the workers' budgets plus slack, the busy workers are stopped as out of memory
   * (one busy worker: its job fails with the memory limit; several: collateral, then the
   * suspects run alone). Bytes the host holds for jobs (HTTP responses) count too. This keeps a
   * buffer bomb from taking the sidecar down.
   */
  private watchMemory(): void {
    const { rss, heapTotal, external } = process.memoryUsage();
    const budget = (this.workers.length * this.options.memoryMb * 2 + MEMORY_SLACK_MB) * 1024 * 1024;
    if (rss - heapTotal - external + (this.options.hostBytes?.() ?? 0) <= budget) return;
    const busy = this.workers.filter((worker) => worker.load > 0);
    if (busy.length === 0) return;
    this.logger.warn({ rssMb: Math.round(rss / 1048576), workers: busy.length }, 'sandbox memory over budget: stopping busy workers');
    for (const worker of busy) worker.stop({ kind: 'out-of-memory' });
  }

  run(request: RunRequest, powers: HostPowers): Promise<RunOutcome> {
    if (this.closed) return Promise.reject(new SandboxClosedError());
    if (this.unavailable) return Promise.reject(this.unavailable);
    const run = new HostRun(request, powers, this.logger);
    this.queue.push(run);
    this.dispatch();
    return run.promise;
  }

  /** Parsed in the syntax checker's own thread, never on the main thread. */
  checkSyntax(code: string): Promise<SyntaxProblem[]> {
    if (this.closed) return Promise.reject(new SandboxClosedError());
    return this.syntax.check(code);
  }

  stats() {
    return { workers: this.workers.length, busy: this.workers.filter((w) => w.load > 0).length, restarts: this.restarts };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watch);
    await this.syntax.close();
    for (const run of this.queue.splice(0)) run.finish(collateralOutcome(POOL_CLOSED, 0));
    const ended = this.workers.map((worker) => new Promise<void>((resolve) => worker.onEnded(resolve)));
    for (const worker of this.workers) worker.stop({ kind: 'closed' });
    await Promise.all(ended);
  }

  // ---- WorkerEvents ----

  ready(): void {
    this.startFailures = 0;
    this.dispatch();
  }

  released(): void {
    this.dispatch();
  }

  ended(worker: SandboxWorker, end: WorkerEnd, orphans: HostRun[]): void {
    this.failOrphans(end, orphans);
    const index = this.workers.indexOf(worker);
    if (this.closed || index < 0) return;
    if (end.kind === 'failed-to-start' && ++this.startFailures >= MAX_START_FAILURES) {
      this.unavailable = new SandboxUnavailableError(end.error);
      this.logger.error({ err: end.error }, 'sandbox workers cannot start');
      for (const run of this.queue.splice(0)) run.fail(this.unavailable);
      this.workers.splice(index, 1);
      return;
    }
    this.workers[index] = new SandboxWorker(this.options.memoryMb, this);
    this.restarts++;
    this.logger.warn({ end: end.kind, jobs: orphans.map((run) => run.request.jobId) }, 'sandbox worker replaced');
  }

  private failOrphans(end: WorkerEnd, orphans: HostRun[]): void {
    if (end.kind === 'out-of-memory' && orphans.length === 1) {
      const [run] = orphans as [HostRun];
      this.memorySuspects.delete(run.request.jobId);
      run.finish(memoryLimitOutcome(this.options.memoryMb, run.elapsedMs()));
      return;
    }
    for (const run of orphans) {
      if (end.kind === 'out-of-memory') this.suspect(run.request.jobId);
      run.finish(collateralOutcome(describeEnd(end, this.options.memoryMb, orphans.length), run.elapsedMs()));
    }
  }

  private suspect(jobId: number): void {
    this.memorySuspects.add(jobId);
    if (this.memorySuspects.size > MAX_MEMORY_SUSPECTS) this.memorySuspects.delete(this.memorySuspects.values().next().value as number);
  }

  /** FIFO: a suspect at the head waits for an idle worker, and so does everything behind it. */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const next = this.queue[0] as HostRun;
      const alone = this.memorySuspects.has(next.request.jobId);
      const worker = alone ? this.workers.find((w) => w.accepting && w.load === 0) : this.leastLoaded();
      if (!worker) return;
      this.queue.shift();
      if (alone) this.memorySuspects.delete(next.request.jobId);
      worker.start(next, alone);
    }
  }

  private leastLoaded(): SandboxWorker | undefined {
    let best: SandboxWorker | undefined;
    for (const worker of this.workers) {
      if (!worker.accepting || worker.load >= this.concurrency) continue;
      if (!best || worker.load < best.load) best = worker;
    }
    return best;
  }
}

function describeEnd(end: WorkerEnd, memoryMb: number, runs: number): string {
  switch (end.kind) {
    case 'out-of-memory':
      return `memory limit of ${memoryMb} MB exceeded while ${runs} jobs ran in it (the cause is not known yet)`;
    case 'terminated':
      return end.reason;
    case 'crashed':
    case 'failed-to-start':
      return `it crashed (${end.error.message})`;
    case 'closed':
      return POOL_CLOSED;
    default:
      return end satisfies never;
  }
}
