/**
 * What every capability needs to serve its part of `/api`: the request context (the caller's
 * principal and the role check), the readers of request input (JSON bodies, query strings), and
 * `serve`, which answers a route of the contract (contract/) with its input checked. The
 * capabilities' route groups are mounted by `http/`.
 */
export * from './context.js';
export * from './body.js';
export * from './routes.js';
