export * from './pool.js';
export * from './migrate.js';
export * from './embedded.js';
export * from './jsonb.js';
export * from './columns.js';
