/**
 * Runs: job rows and their log lines — writing them (buffered logs), reading them for the panel
 * (filters, counts, live tail) and pruning them after the retention period.
 */
export * from './jobs.js';
export * from './logs.js';
export * from './orphans.js';
export * from './queries.js';
export * from './retention.js';
export * from './live-logs.js';
