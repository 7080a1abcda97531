/**
 * The worker's side of the message contract: log entries and power calls going out, power results
 * coming back. A cancelled job's pending calls are forgotten, never settled, so its code stays
 * parked instead of running on after the host has given up on it. Every log entry is also written
 * to the shared log journal, from which the host recovers the lines a terminated worker never sent.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LogEntry, PowerName, WorkerToHost } from '../protocol.js';
import { errorFromHost } from '../endowments/index.js';
import { CoalescingSender } from '../message-batch.js';
import { LogJournalWriter } from '../log-journal.js';

interface PendingCall {
  runId: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class HostLink {
  private nextCallId = 1;
  private nextLogSeq = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly outbox: CoalescingSender<WorkerToHost>;
  private readonly journal: LogJournalWriter;

  constructor(port: MessagePort, logJournal: SharedArrayBuffer) {
    this.outbox = new CoalescingSender((message) => port.postMessage(message));
    this.journal = new LogJournalWriter(logJournal);
  }

  /** Sent with the other messages of this turn of the event loop. */
  send(message: WorkerToHost): void {
    this.outbox.queue(message);
  }

  /** Queued like other messages; a journal too full to hold it sends the queue at once instead. */
  log(runId: number, entry: LogEntry): void {
    const seq = this.nextLogSeq++;
    this.send({ type: 'log', runId, seq, entry });
    if (!this.journal.append({ seq, runId, entry })) this.outbox.flush();
  }

  /** Calls queued in one turn of the event loop cross together (thousands of `add_job` calls in a loop: one message). */
  call(runId: number, power: PowerName, payload: unknown): Promise<unknown> {
    const callId = this.nextCallId++;
    return new Promise((resolve, reject) => {
      this.pending.set(callId, { runId, resolve, reject });
      this.outbox.queue({ type: 'power-call', runId, callId, power, payload }, (error) => {
        this.pending.delete(callId);
        reject(
          new TypeError(`${power}: the arguments cannot be sent to the host (${error instanceof Error ? error.message : String(error)})`),
        );
      });
    });
  }

  settle(callId: number, result: { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } }): void {
    const call = this.pending.get(callId);
    if (!call) return;
    this.pending.delete(callId);
    if (result.ok) call.resolve(result.value);
    else call.reject(errorFromHost(result.error));
  }

  forgetRun(runId: number): void {
    for (const [callId, call] of this.pending) if (call.runId === runId) this.pending.delete(callId);
  }
}
