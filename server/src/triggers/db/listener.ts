/**
 * The listener: drains the outbox when woken, at start (in the background), after every
 * reconnect and on a poll timer, one drain at a time. Wake-up modes (a notifying commit takes a
 * database-wide lock; what it costs: docs/benchmarks/db-triggers.md):
 * - `notify-on-idle` (default): this listener's `db_listener.notify` flag is on only while it is
 *   idle; a notification turns it off, the listener drains until the outbox is empty, turns it on
 *   again and looks once more (a statement that read the flag just before it turned on).
 * - `always-notify`: the flag stays on; every writing transaction notifies.
 * - `poll-only`: no notifications; the outbox is polled every `pollMs`.
 * pg-listen keeps the LISTEN connection, reconnecting with backoff when PostgreSQL goes away.
 */
import pgListen, { type Subscriber } from 'pg-listen';
import type { Pool } from '../../db/index.js';
import type { Logger } from '../../shared/logger.js';
import { NOTIFY_CHANNEL } from './capture.js';
import { removeListener, setNotify } from './outbox.js';

export type WakeupMode = 'notify-on-idle' | 'always-notify' | 'poll-only';

export interface ListenerOptions {
  pool: Pool;
  connectionString: string;
  instanceId: number;
  mode: WakeupMode;
  pollMs: number;
  /** Dispatches one batch; returns the number of events claimed (0: the outbox is empty). */
  dispatch: () => Promise<number>;
  logger: Logger;
}

const RECONNECT_MAX_MS = 5000;
/** While drains keep failing (Odoo or PostgreSQL away), the warning is repeated at most this often. */
const STILL_FAILING_EVERY_MS = 60_000;

export class DbListener {
  private subscriber: Subscriber | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private notifyOn: boolean | undefined;
  private stopped = false;
  /** Set while drains fail: since when, how many attempts, when the last warning went out. */
  private failing: { since: number; attempts: number; warnedAt: number } | undefined;

  constructor(private readonly options: ListenerOptions) {}

  async start(): Promise<void> {
    const { mode, pollMs, logger } = this.options;
    if (mode !== 'poll-only') {
      const subscriber = pgListen.default(
        { connectionString: this.options.connectionString, application_name: 'sync-studio-listener' },
        {
          retryInterval: (attempt) => Math.min(100 * 2 ** attempt, RECONNECT_MAX_MS),
          retryLimit: Infinity,
          retryTimeout: 0,
          paranoidChecking: 5000,
        },
      );
      subscriber.events.on('error', (error) => logger.error({ err: error }, 'DB trigger listener connection lost for good'));
      subscriber.events.on('reconnect', (attempt) => logger.warn({ attempt }, 'DB trigger listener reconnecting'));
      // After a reconnect: whatever committed while the connection was down is in the outbox.
      subscriber.events.on('connected', () => this.wake(false));
      subscriber.notifications.on(NOTIFY_CHANNEL, () => this.wake(true));
      await subscriber.connect();
      await subscriber.listenTo(NOTIFY_CHANNEL);
      this.subscriber = subscriber;
    }
    this.timer = setInterval(() => this.wake(false), pollMs);
    this.timer.unref();
    // The backlog is drained in the background: a sidecar started after a long downtime (or on
    // events of a table no trigger watches any more) answers at once instead of after the drain.
    void this.wake(false);
  }

  /** Drains now, or once more after the drain in progress. */
  wake(notified: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      if (notified) this.again = true;
      return this.draining;
    }
    this.draining = this.drain(notified)
      .then(
        () => this.drained(),
        (error: unknown) => this.drainFailed(error),
      )
      .finally(() => {
        this.draining = undefined;
      });
    return this.draining;
  }

  /**
   * A failed drain is retried at every poll (events wait in the outbox, nothing is lost): one
   * warning when drains start failing, then one a minute while they still fail, and one line when
   * they work again, rather than a warning per poll while Odoo is down.
   */
  private drainFailed(error: unknown): void {
    const now = Date.now();
    if (!this.failing) {
      this.failing = { since: now, attempts: 1, warnedAt: now };
      this.options.logger.warn({ err: error }, 'draining the DB event outbox failed; retrying at every poll');
      return;
    }
    this.failing.attempts++;
    if (now - this.failing.warnedAt < STILL_FAILING_EVERY_MS) return;
    this.failing.warnedAt = now;
    const { attempts, since } = this.failing;
    this.options.logger.warn(
      { err: error, attempts, failingForSeconds: Math.round((now - since) / 1000) },
      'draining the DB event outbox still fails; retrying at every poll',
    );
  }

  private drained(): void {
    if (!this.failing) return;
    const { attempts, since } = this.failing;
    this.failing = undefined;
    this.options.logger.info(
      { failedAttempts: attempts, failedForSeconds: Math.round((Date.now() - since) / 1000) },
      'draining the DB event outbox works again',
    );
  }

  private async drain(notified: boolean): Promise<void> {
    const idleNotifies = this.options.mode === 'notify-on-idle';
    do {
      this.again = false;
      // Busy: writers may stop notifying; no need to wait for that before dispatching.
      const busy = idleNotifies && notified ? this.flag(false) : undefined;
      try {
        while ((await this.options.dispatch()) > 0) if (this.stopped) return;
      } finally {
        await busy;
      }
      if (idleNotifies) {
        await this.flag(true);
        // A statement that read the flag before it turned on did not notify: look once more.
        if ((await this.options.dispatch()) > 0) this.again = true;
      } else if (this.options.mode === 'always-notify') {
        await this.flag(true);
      }
      notified = true;
    } while (this.again && !this.stopped);
  }

  private async flag(notify: boolean): Promise<void> {
    if (this.notifyOn === notify) return;
    await setNotify(this.options.pool, this.options.instanceId, notify);
    this.notifyOn = notify;
  }

  /** The flag as this listener last set it is forgotten (e.g. after PostgreSQL restarted, set it again). */
  forgetFlag(): void {
    this.notifyOn = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
    await this.subscriber?.close().catch(() => undefined);
    await removeListener(this.options.pool, this.options.instanceId).catch(() => undefined);
  }
}
