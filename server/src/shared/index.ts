export * from './errors.js';
export * from './logger.js';
export * from './clock.js';
export * from './paths.js';
export * from './validation.js';
export * from './batcher.js';
export * from './paging.js';
