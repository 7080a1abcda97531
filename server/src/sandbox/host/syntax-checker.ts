/**
 * Syntax checks off the main thread: one worker thread (started on first use, with a small heap)
 * parses the code; checks wait their turn in a bounded queue (beyond it: SyntaxCheckBusyError,
 * 503) and one that takes longer than `timeoutMs` ends the thread (SyntaxCheckTimeoutError); the
 * next check starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { SyncStudioError } from '../../shared/errors.js';
import type { SyntaxCheckAnswer, SyntaxCheckRequest, SyntaxProblem } from '../protocol.js';

const entry = new URL('../worker/syntax-main.js', import.meta.url);

export interface SyntaxCheckerOptions {
  /** Longest one check may take; default 10 s. */
  timeoutMs?: number;
  /** Checks waiting at most; default 32. */
  maxWaiting?: number;
}

export class SyntaxCheckBusyError extends SyncStudioError {
  readonly retryAfterSeconds = 1;

  constructor(waiting: number) {
    super('syntax_check_busy', `${waiting} syntax checks are waiting already; try again shortly`, { status: 503 });
  }
}

export class SyntaxCheckTimeoutError extends SyncStudioError {
  constructor(timeoutMs: number) {
    super('syntax_check_timeout', `the syntax check took longer than ${timeoutMs / 1000} s and was stopped`, { status: 422 });
  }
}

interface Pending {
  request: SyntaxCheckRequest;
  resolve: (problems: SyntaxProblem[]) => void;
  reject: (error: Error) => void;
}

export class SyntaxChecker {
  private thread: Worker | undefined;
  private readonly waiting: Pending[] = [];
  private current: { pending: Pending; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private readonly timeoutMs: number;
  private readonly maxWaiting: number;

  constructor(options: SyntaxCheckerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxWaiting = options.maxWaiting ?? 32;
  }

  check(code: string): Promise<SyntaxProblem[]> {
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new SyntaxCheckBusyError(this.waiting.length));
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { id: this.nextId++, code }, resolve, reject });
      this.next();
    });
  }

  async close(): Promise<void> {
    for (const pending of this.waiting.splice(0)) pending.reject(new SyncStudioError('syntax_check_closed', 'the server is stopping'));
    await this.stopThread();
  }

  private next(): void {
    if (this.current || this.waiting.length === 0) return;
    const pending = this.waiting.shift()!;
    const thread = this.ensureThread();
    const timer = setTimeout(() => {
      this.current = undefined;
      pending.reject(new SyntaxCheckTimeoutError(this.timeoutMs));
      void this.stopThread().then(() => this.next());
    }, this.timeoutMs);
    this.current = { pending, timer };
    thread.postMessage(pending.request);
  }

  private ensureThread(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(entry, { resourceLimits: { maxOldGenerationSizeMb: 128 }, env: {}, argv: [] });
    thread.on('message', (answer: SyntaxCheckAnswer) => this.answered(answer));
    thread.on('error', (error) => this.failed(error));
    thread.on('exit', () => {
      if (this.thread === thread) this.thread = undefined;
    });
    thread.unref();
    this.thread = thread;
    return thread;
  }

  private answered(answer: SyntaxCheckAnswer): void {
    const current = this.current;
    if (!current || current.pending.request.id !== answer.id) return;
    clearTimeout(current.timer);
    this.current = undefined;
    current.pending.resolve(answer.problems);
    this.next();
  }

  /** The thread died (e.g. out of memory on a huge input): that check fails, the next starts a new thread. */
  private failed(error: Error): void {
    this.thread = undefined;
    const current = this.current;
    if (current) {
      clearTimeout(current.timer);
      this.current = undefined;
      current.pending.reject(new SyncStudioError('syntax_check_failed', `the syntax check failed: ${error.message}`, { status: 422 }));
    }
    this.next();
  }

  private async stopThread(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }
}
