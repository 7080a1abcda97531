/**
 * Links: rows relating a reference in one system to a reference in another under a relation name
 * (upstream's model; the differences: docs/decisions/007-links-semantics.md). This folder owns their storage, the semantics task code gets
 * through the sandbox's `links` power (`executeLinkOp`), and the queries behind the panel's list.
 */
export { executeLinkOp } from './execute.js';
export { LinkAmbiguousError, LinkConflictError } from './errors.js';
export { linkOpSchema, parseLinkOp, type LinkOp } from './ops.js';
export { EXTERNAL_SYSTEM, ODOO_SYSTEM, type LinkOpResult, type LinkOpResults, type LinkRow } from './rows.js';
export { deleteLinks, listLinks, type LinkListFilters } from './store.js';
export * from './routes.js';
