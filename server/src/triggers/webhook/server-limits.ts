/**
 * Limits of the HTTP server that carries the public webhooks, so a slow or oversized client cannot
 * hold a connection forever: headers must arrive within `headersTimeoutMs` (408 otherwise), the
 * whole request within `requestTimeoutMs`, header blocks over `maxHeaderBytes` get 431. main.ts
 * passes `httpServerOptions()` to the node server it creates.
 */
import type { ServerOptions } from 'node:http';

export interface HttpServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
}

export const defaultHttpServerLimits: HttpServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
});

export function httpServerOptions(limits: HttpServerLimits = defaultHttpServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // How often Node checks the two timeouts above; a fraction of the shorter one keeps them tight.
    connectionsCheckingInterval: Math.max(100, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
  };
}
