/**
 * The liveness of a sidecar instance: a session advisory lock on its random id, held on a
 * dedicated connection for as long as the instance runs. Jobs stamped with an instance id whose
 * lock is free were interrupted by a crash. If the connection drops (PostgreSQL restarting), the
 * lock is taken again as soon as the database answers.
 */
import pg from 'pg';
import type { Pool } from '../db/index.js';
import type { Logger } from '../shared/logger.js';

const NAMESPACE = 0x5353;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

export class InstanceLock {
  private client: pg.Client | undefined;
  private stopped = false;
  private failures = 0;

  constructor(
    readonly instanceId: number,
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async acquire(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'sync-studio instance lock' });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'instance lock connection lost; taking the lock again');
      this.client = undefined;
      client.end().catch(() => undefined);
      this.retryLater();
    });
    await client.connect();
    await client.query('select pg_advisory_lock($1, $2)', [NAMESPACE, this.instanceId]);
    this.client = client;
    this.failures = 0;
  }

  async release(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private retryLater(): void {
    if (this.stopped) return;
    const delay = RECONNECT_MS[Math.min(this.failures++, RECONNECT_MS.length - 1)];
    setTimeout(() => {
      if (!this.stopped && !this.client) this.acquire().catch(() => this.retryLater());
    }, delay).unref();
  }
}

/** True when no live instance holds the lock of `instanceId`. */
export async function isInstanceDead(pool: Pool, instanceId: number): Promise<boolean> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ free: boolean }>('select pg_try_advisory_lock($1, $2) as free', [NAMESPACE, instanceId]);
    if (rows[0]!.free) await client.query('select pg_advisory_unlock($1, $2)', [NAMESPACE, instanceId]);
    return rows[0]!.free;
  } finally {
    client.release();
  }
}
