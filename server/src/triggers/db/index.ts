/**
 * DB triggers: changes in Odoo's tables start tasks. `capture` puts pg triggers on the watched
 * tables that append to the outbox; `listener` wakes on NOTIFY or polls; `dispatcher` claims,
 * folds (`folding`), matches (`matching`, `domain`), loads (`records`) and enqueues; `on-time`
 * scans timed conditions; `service` ties them to the sidecar's life cycle.
 */
export { DbTriggerService, type DbTriggerSettings, CAPTURE_LOCK_TIMEOUT_MS } from './service.js';
export { dbTriggerKind, type DbTriggerKind } from './module.js';
export { uninstallCapture } from './capture.js';
export { outboxStats, recentEvents, type OutboxStats } from './outbox.js';
export { tableOf } from './catalog.js';
export { DbTriggersUnavailableError } from './catalog.js';
