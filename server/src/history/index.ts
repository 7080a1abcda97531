/**
 * Job history: job rows and their log lines — writing them (buffered logs), reading them for the
 * panel (filters, counts, live tail) and pruning them after the retention period. (Named for what
 * it keeps: "run" also names Run Now, a sandbox execution and a CLI command.)
 */
export * from './jobs.js';
export * from './logs.js';
export * from './orphans.js';
export * from './queries.js';
export * from './retention.js';
export * from './live-logs.js';
export * from './live-streams.js';
export * from './routes.js';
