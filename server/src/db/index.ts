/**
 * The database: the pools (the sidecar's, and a read-only one for Odoo's tables), clients and
 * transactions, migrations, the embedded PostgreSQL of standalone mode, text that jsonb accepts,
 * the column lists of batched writes, and waiting out a database restart for writes that must land. SQL that belongs to a table lives with the capability that owns the table.
 */
export * from './pool.js';
export * from './migrate.js';
export * from './embedded.js';
export * from './jsonb.js';
export * from './columns.js';
export * from './outage.js';
