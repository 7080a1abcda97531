/**
 * Triggers: what turns events into jobs. Every kind is one module of the same shape (`kind.ts`),
 * held by the registry (`registry.ts`): `cron/` schedules slots through keyed queue jobs;
 * `webhook/` answers `/sync/webhook/<uuid>` requests and keeps their journal; `db/` turns changes
 * in Odoo's tables into jobs; `button/` runs a task when someone presses Run Now.
 */
export * from './kind.js';
export * from './registry.js';
export * from './cron/index.js';
export * from './webhook/index.js';
export * from './db/index.js';
