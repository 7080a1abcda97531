/**
 * Triggers: what turns events into jobs. `cron/` schedules slots through keyed queue jobs;
 * `webhook/` answers `/sync/webhook/<uuid>` requests and keeps their journal; `db/` turns changes
 * in Odoo's tables into jobs. (Buttons live beside them.)
 */
export * from './cron/index.js';
export * from './webhook/index.js';
export * from './db/index.js';
