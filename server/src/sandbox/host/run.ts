/**
 * One run as the host sees it: the request, the powers lent to it, the log deliveries still in
 * flight, and the promise the caller waits on. It settles once; its logs are delivered first.
 */
import type { HostPowers, LogEntry, RunOutcome, RunRequest } from '../protocol.js';
import type { Logger } from '../../shared/logger.js';

let lastRunId = 0;

export class HostRun {
  readonly runId = ++lastRunId;
  readonly promise: Promise<RunOutcome>;
  startedAt = 0;
  settled = false;
  /** The sequence number of the last log entry delivered (entries may arrive twice: message and journal). */
  private lastLogSeq = 0;
  private readonly logDeliveries: Promise<void>[] = [];
  private resolve!: (outcome: RunOutcome) => void;
  private reject!: (error: Error) => void;

  constructor(
    readonly request: RunRequest,
    readonly powers: HostPowers,
    private readonly logger: Logger,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  elapsedMs(): number {
    return Math.round((performance.now() - this.startedAt) * 1000) / 1000;
  }

  /** Called in message order, so entries reach `powers.log` in the order task code wrote them. */
  deliverLog(entry: LogEntry, seq: number): void {
    if (this.settled || seq <= this.lastLogSeq) return;
    this.lastLogSeq = seq;
    try {
      const delivery: unknown = this.powers.log(entry);
      if (delivery instanceof Promise) this.logDeliveries.push(delivery.catch((error: unknown) => this.logFailure(error)));
    } catch (error) {
      this.logFailure(error);
    }
  }

  finish(outcome: RunOutcome): void {
    if (this.settled) return;
    this.settled = true;
    void Promise.all(this.logDeliveries).then(() => this.resolve(outcome));
  }

  private logFailure(error: unknown): void {
    this.logger.error({ jobId: this.request.jobId, err: error }, 'a job log entry could not be delivered');
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}
