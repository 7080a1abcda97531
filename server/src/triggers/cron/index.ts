/** Cron triggers: the slot arithmetic and the scheduler that turns due slots into jobs. */
export * from './schedule.js';
export * from './scheduler.js';
export * from './module.js';
