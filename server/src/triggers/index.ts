/**
 * Triggers: what turns events into jobs. `cron/` schedules slots through keyed queue jobs;
 * `webhook/` answers `/sync/webhook/<uuid>` requests and keeps their journal. (DB triggers and
 * buttons live beside them.)
 */
export * from './cron/index.js';
export * from './webhook/index.js';
