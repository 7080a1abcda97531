/**
 * The listener: drains the outbox when woken, at start (in the background), after every
 * reconnect and on a poll timer, one drain at a time. Wake-up modes (a notifying commit takes a
 * database-wide lock; what it costs: docs/benchmarks/db-triggers.md):
 * - `notify-on-idle` (default): this listener's `db_listener.notify` flag is on only while it is
 *   idle; a notification turns it off, the listener drains until the outbox is empty, turns it on
 *   again and looks once more (a statement that read the flag just before it turned on). A writer
 *   transaction still running then may have read the flag off and commit later without notifying
 *   (an Odoo request commits tens of milliseconds after its writes): the listener watches the
 *   writer transactions running when its flag turned on and looks again as they end, checking
 *   them more and more rarely until the poll has come.
 * - `always-notify`: the flag stays on; every writing transaction notifies.
 * - `poll-only`: no notifications; the outbox is polled every `pollMs`.
 * pg-listen keeps the LISTEN connection, reconnecting with backoff when PostgreSQL goes away.
 */
import pgListen, { type Subscriber } from 'pg-listen';
import type { Pool } from '../../db/index.js';
import type { Logger } from '../../shared/logger.js';
import { NOTIFY_CHANNEL } from './capture.js';
import { removeListener, runningWriters, setNotify, stillRunning } from './outbox.js';

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
/**
 * The watch of the writers running when the flag turned on checks them after 2 ms, then each time
 * after a quarter of the time watched so far: a writer committing t ms later is seen within about
 * t/4 (2 ms at least), with about 28 checks in the first second.
 */
const WATCH_FIRST_MS = 2;
const WATCH_STEP = 0.25;
/** While drains keep failing (Odoo or PostgreSQL away), the warning is repeated at most this often. */
const STILL_FAILING_EVERY_MS = 60_000;

export class DbListener {
  private subscriber: Subscriber | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  /** A look asked for during a drain (by the watch of running writers): one more round, the flag left as it is. */
  private lookAgain = false;
  private watchTimer: NodeJS.Timeout | undefined;
  /** Bumped by each new watch, so a check still in flight from an older one stops there. */
  private watchGeneration = 0;
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
      this.lookAgain = false;
      // Busy: writers may stop notifying; no need to wait for that before dispatching.
      const busy = idleNotifies && notified ? this.flag(false) : undefined;
      try {
        while ((await this.options.dispatch()) > 0) if (this.stopped) return;
      } finally {
        await busy;
      }
      if (idleNotifies) await this.becomeIdle();
      else if (this.options.mode === 'always-notify') await this.flag(true);
      notified = this.again;
    } while ((this.again || this.lookAgain) && !this.stopped);
  }

  /**
   * Turns the flag on and looks once more: a statement that read the flag before it turned on did
   * not notify. The writer transactions running at that moment are read before that look (one
   * committing in between is in the look) and watched: those that commit after it did not notify.
   */
  private async becomeIdle(): Promise<void> {
    const turnedOn = await this.flag(true);
    const running = turnedOn ? await runningWriters(this.options.pool) : [];
    if ((await this.options.dispatch()) > 0) this.again = true;
    else if (running.length > 0) this.watch(running);
  }

  /** Looks again each time some of `txids` have ended, until all have or the next poll comes sooner. */
  private watch(txids: readonly string[]): void {
    clearTimeout(this.watchTimer);
    const generation = ++this.watchGeneration;
    const check = async (waiting: readonly string[], watchedMs: number): Promise<void> => {
      // Unreadable (PostgreSQL away): the poll and the reconnect look instead.
      const running = await stillRunning(this.options.pool, waiting).catch(() => undefined);
      if (running === undefined || this.stopped || generation !== this.watchGeneration) return;
      if (running.length < waiting.length) this.look();
      if (running.length > 0) schedule(running, watchedMs);
    };
    const schedule = (waiting: readonly string[], watchedMs: number) => {
      const delayMs = Math.max(WATCH_FIRST_MS, watchedMs * WATCH_STEP);
      // By then the poll has looked.
      if (watchedMs + delayMs > this.options.pollMs) return;
      this.watchTimer = setTimeout(() => void check(waiting, watchedMs + delayMs), delayMs);
      this.watchTimer.unref();
    };
    schedule(txids, 0);
  }

  /** One more look without changing the flag: now, or right after the drain in progress. */
  private look(): void {
    if (this.draining) this.lookAgain = true;
    else void this.wake(false);
  }

  /** Sets this listener's flag; says whether it changed. */
  private async flag(notify: boolean): Promise<boolean> {
    if (this.notifyOn === notify) return false;
    await setNotify(this.options.pool, this.options.instanceId, notify);
    this.notifyOn = notify;
    return true;
  }

  /** The flag as this listener last set it is forgotten (e.g. after PostgreSQL restarted, set it again). */
  forgetFlag(): void {
    this.notifyOn = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.watchTimer);
    await this.draining;
    await this.subscriber?.close().catch(() => undefined);
    await removeListener(this.options.pool, this.options.instanceId).catch(() => undefined);
  }
}
