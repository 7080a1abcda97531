/**
 * Jobs: the runtime that turns triggers into jobs (queued through graphile-worker or run at once),
 * runs them in the sandbox with the host powers, writes their outcome and retries them.
 */
export * from './types.js';
export * from './runtime.js';
export * from './queue.js';
export * from './triggers.js';
export { OdooNotConfiguredError } from './powers.js';
export * from './routes.js';
