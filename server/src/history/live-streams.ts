/**
 * The bounds on live log streams (server-sent events): how many one caller may hold open at once
 * and how long any stream lasts (a pending job's too). Counted per sidecar process: with several
 * sidecars behind a load balancer a caller may hold this many on each.
 */
import type { Principal } from '../auth/index.js';
import { SyncStudioError } from '../shared/errors.js';

export interface LiveStreamLimits {
  /** Streams one caller (Odoo user, or the administrator token) may hold open at once. */
  perPrincipal: number;
  /** A stream ends after this long, whatever its job is doing; the client may reconnect with Last-Event-ID. */
  maxSeconds: number;
}

export class TooManyStreamsError extends SyncStudioError {
  constructor(limit: number) {
    super(
      'too_many_streams',
      `you already have ${limit} live log streams open, the most one user may hold (SYNC_STUDIO_LIVE_STREAMS_PER_USER); close one first`,
      { status: 429 },
    );
  }
}

export class LiveStreamQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly limits: LiveStreamLimits) {}

  /** Counts one more stream for `principal`, or throws `TooManyStreamsError`; returns the release function (idempotent). */
  admit(principal: Principal): () => void {
    const key = principal.uid === null ? `token:${principal.role}` : `${principal.db ?? ''}:${principal.uid}`;
    const count = this.open.get(key) ?? 0;
    if (count >= this.limits.perPrincipal) throw new TooManyStreamsError(this.limits.perPrincipal);
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left === 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }
}
