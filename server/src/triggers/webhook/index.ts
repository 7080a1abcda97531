/**
 * Webhook triggers: the public `/sync/webhook/<uuid>` routes, parsing requests into the object
 * `handle_webhook` receives, turning return values into replies, the request journal and replay,
 * and the HTTP server limits that keep slow clients from holding connections.
 */
export * from './request.js';
export * from './response.js';
export * from './service.js';
export * from './routes.js';
export * from './module.js';
export * from './server-limits.js';
export { listJournal, type JournaledRequest } from './journal.js';
export { isSensitiveHeader, redactHeaders } from '../../shared/redaction.js';
