/**
 * What every layer may use and that depends on nothing of ours: typed errors, the logger, the
 * clock, values cached for a while, package paths, input validation (and, imported by path: group commit in `batcher.ts`, key
 * paging in `paging.ts`, redaction in `redaction.ts`).
 */
export * from './errors.js';
export * from './logger.js';
export * from './clock.js';
export * from './cached.js';
export * from './paths.js';
export * from './validation.js';
export * from './batcher.js';
export * from './paging.js';
