/**
 * Group commit for hot statements: requests that arrive while `maxInFlight` batches are being
 * written wait and go together in the next one. At low load every request is written at once (no
 * added latency); under load one statement carries many rows, which is what keeps the database
 * from being the bottleneck of the job runtime and the webhook path. When a batch lands and more
 * requests wait, the next batch leaves one turn of the event loop later: the replies and worker
 * results read in that turn join it (fewer statements and less database CPU per webhook under
 * load: docs/benchmarks/webhooks.md).
 *
 * A batch's statement fails as a whole, so a failed batch is written again one request at a time:
 * one bad request (its job deleted meanwhile) fails alone instead of taking the final states of
 * others with it. `write` must therefore be all-or-nothing for its batch (one statement, or one
 * transaction).
 */
interface Waiting<Request, Result> {
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class Batcher<Request, Result> {
  private waiting: Waiting<Request, Result>[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: (requests: Request[]) => Promise<Result[]>,
    private readonly options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {}

  add(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (this.inFlight < (this.options.maxInFlight ?? 2)) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    for (let first = true; this.waiting.length > 0; first = false) {
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      if (this.waiting.length === 0) break;
      const batch = this.waiting.splice(0, this.options.maxBatch ?? 500);
      try {
        this.settle(batch, await this.write(batch.map((item) => item.request)));
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const item of batch) await this.write([item.request]).then((results) => this.settle([item], results), item.reject);
      }
    }
    this.inFlight--;
  }

  private settle(batch: Waiting<Request, Result>[], results: Result[]): void {
    batch.forEach((item, i) => item.resolve(results[i]!));
  }
}
