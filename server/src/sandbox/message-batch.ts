/**
 * Messages between the host and a sandbox worker, coalesced: what is queued in one turn of the
 * event loop crosses in a single postMessage (`{type: 'batch'}`). Waking the other thread costs far
 * more than cloning a small message (figures: docs/benchmarks/webhooks.md), and under load many
 * runs start, and finish, in the same turn; a handler that calls a host power in a loop
 * (thousands of `add_job`s) sends its calls, and gets their answers, in a few messages.
 */

export interface MessageBatch<M> {
  type: 'batch';
  messages: M[];
}

export class CoalescingSender<M> {
  private queued: M[] = [];
  /** Called instead of throwing when a queued message cannot be cloned (by its index in `queued`). */
  private unsendable = new Map<number, (error: unknown) => void>();
  private scheduled = false;

  constructor(private readonly post: (message: M | MessageBatch<M>) => void) {}

  /**
   * Sent at the end of this turn of the event loop, in order, with everything else queued. A
   * message that cannot be cloned goes to `onUnsendable` (the others are still sent); without it,
   * the error is thrown from the flush.
   */
  queue(message: M, onUnsendable?: (error: unknown) => void): void {
    if (onUnsendable) this.unsendable.set(this.queued.length, onUnsendable);
    this.queued.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Sends what is queued now. */
  flush(): void {
    const messages = this.queued;
    if (messages.length === 0) return;
    const unsendable = this.unsendable;
    this.queued = [];
    this.unsendable = new Map();
    try {
      this.post(messages.length === 1 ? messages[0]! : { type: 'batch', messages });
    } catch (error) {
      if (unsendable.size === 0) throw error;
      // Find the culprits one message at a time; the rest still go, in order.
      let thrown: unknown;
      messages.forEach((message, index) => {
        try {
          this.post(message);
        } catch (cloneError) {
          const handler = unsendable.get(index);
          if (handler) handler(cloneError);
          else thrown ??= cloneError;
        }
      });
      if (thrown !== undefined) throw thrown;
    }
  }
}
