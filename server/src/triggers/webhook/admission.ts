/**
 * Per-webhook admission: a token bucket (`ratePerSecond`, holding one second's worth and at least
 * one request) and a cap on requests of one webhook being handled at once. A refused request gets
 * 429 with Retry-After before its body is read, and leaves no journal entry, job or log row (a
 * flood must not turn into a flood of rows). Per sidecar: behind a load balancer the limits add up.
 */
export interface WebhookLimits {
  /** Requests per second one webhook accepts (config `webhookRate`). */
  ratePerSecond: number;
  /** Requests of one webhook handled at once (config `webhookConcurrency`). */
  concurrency: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: 'rate' | 'concurrency'; retryAfterSeconds: number };

interface WebhookState {
  tokens: number;
  refilledAt: number;
  inFlight: number;
}

/** Beyond this many webhooks tracked, the idle ones are forgotten (they start again with a full bucket). */
const MAX_TRACKED = 10_000;

export class WebhookAdmission {
  private readonly states = new Map<number, WebhookState>();
  private readonly capacity: number;

  constructor(
    private readonly limits: WebhookLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.capacity = Math.max(1, limits.ratePerSecond);
  }

  admit(webhookId: number): Admission {
    const now = this.now();
    const state = this.stateOf(webhookId, now);
    state.tokens = Math.min(this.capacity, state.tokens + ((now - state.refilledAt) / 1000) * this.limits.ratePerSecond);
    state.refilledAt = now;
    if (state.inFlight >= this.limits.concurrency) return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    if (state.tokens < 1) {
      return { ok: false, reason: 'rate', retryAfterSeconds: Math.ceil((1 - state.tokens) / this.limits.ratePerSecond) };
    }
    state.tokens -= 1;
    state.inFlight += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
      },
    };
  }

  private stateOf(webhookId: number, now: number): WebhookState {
    let state = this.states.get(webhookId);
    if (state) return state;
    if (this.states.size >= MAX_TRACKED) {
      for (const [id, old] of this.states) if (old.inFlight === 0) this.states.delete(id);
    }
    state = { tokens: this.capacity, refilledAt: now, inFlight: 0 };
    this.states.set(webhookId, state);
    return state;
  }
}
