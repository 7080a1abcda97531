/**
 * egress/: what task code's `http` may reach and how much it may take — the egress policy
 * (policy.ts), agents that connect only to checked addresses (agents.ts), and per-job request
 * sessions with size, time and concurrency caps (task-http.ts), secret handles expanded only for
 * their bound URLs (secret-handles.ts).
 */
export * from './policy.js';
export * from './secret-handles.js';
export * from './task-http.js';
