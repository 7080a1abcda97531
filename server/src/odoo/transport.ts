/**
 * HTTP for both RPC flavours: one axios instance per client with keep-alive agents (connections
 * are reused between calls), a per-request timeout, and one small retry policy: a call marked
 * idempotent (a read) that failed before any answer arrived (connection refused or reset) is
 * tried again after 100 ms and 400 ms. Writes are never retried, since Odoo may have applied them;
 * timeouts are not retried either (the caller already waited the whole timeout).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import axios, { AxiosError } from 'axios';
import { OdooConnectionError } from './errors.js';

const retryDelaysMs = [100, 400];
const retryableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']);

export interface Transport {
  post(path: string, body: string, contentType: string, idempotent: boolean): Promise<string>;
  close(): void;
}

export function createTransport(baseUrl: string, timeoutMs: number): Transport {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 32 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32 });
  const http = axios.create({
    baseURL: baseUrl,
    timeout: timeoutMs,
    httpAgent,
    httpsAgent,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });

  const failure = (path: string, error: unknown): OdooConnectionError => {
    const code = error instanceof AxiosError ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new OdooConnectionError(baseUrl, `Odoo at ${baseUrl} did not answer ${path} within ${timeoutMs} ms (ETIMEDOUT)`, {
        code: 'ETIMEDOUT',
        message,
      });
    }
    return new OdooConnectionError(baseUrl, `Odoo at ${baseUrl} is unreachable: ${code ?? 'network error'} (${message})`, {
      ...(code ? { code } : {}),
      message,
    });
  };

  return {
    async post(path, body, contentType, idempotent) {
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await http.post<string>(path, body, { headers: { 'content-type': contentType } });
          if (response.status !== 200) {
            throw new OdooConnectionError(
              baseUrl,
              `Odoo at ${baseUrl} answered HTTP ${response.status} on ${path}: is this the URL of an Odoo server?`,
            );
          }
          return response.data;
        } catch (error) {
          if (error instanceof OdooConnectionError) throw error;
          const code = error instanceof AxiosError ? error.code : undefined;
          const delay = retryDelaysMs[attempt];
          if (!idempotent || delay === undefined || code === undefined || !retryableCodes.has(code)) throw failure(path, error);
          await sleep(delay);
        }
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
