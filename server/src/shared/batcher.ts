/**
 * Group commit for hot statements: requests that arrive while a batch is being written wait and
 * go together in the next one. At low load every request is written at once (no added latency);
 * under load one statement carries many rows, which is what keeps the database from being the
 * bottleneck of the job runtime.
 */
export class Batcher<Request, Result> {
  private waiting: { request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly write: (requests: Request[]) => Promise<Result[]>,
    private readonly maxBatch = 500,
  ) {}

  add(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((item) => item.request));
        batch.forEach((item, i) => item.resolve(results[i]!));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.running = false;
  }
}
