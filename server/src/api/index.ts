/**
 * What every capability needs to serve its part of `/api`: the request context (the caller's
 * principal and the role check) and the readers of request input (JSON bodies, query strings,
 * ids, pages). The capabilities' route groups are mounted by `http/`.
 */
export * from './context.js';
export * from './body.js';
