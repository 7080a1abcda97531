/** Odoo's JSON-RPC (`POST /jsonrpc`, services `common` and `object`), the sidecar's own channel to Odoo. */
import { createOdooClient, defaultTimeoutMs, type OdooClient, type OdooConnectionOptions } from './client.js';
import { OdooConnectionError, toOdooError, type OdooFaultData } from './errors.js';
import { createTransport } from './transport.js';

interface JsonRpcReply {
  result?: unknown;
  error?: { code?: number; message?: string; data?: Partial<OdooFaultData> };
}

export function createJsonRpcClient(options: OdooConnectionOptions): OdooClient {
  const url = options.url.replace(/\/+$/, '');
  const transport = createTransport(url, options.timeoutMs ?? defaultTimeoutMs);
  let requestId = 0;

  return createOdooClient(
    options,
    async (service, method, args, idempotent) => {
      const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++requestId, params: { service, method, args } });
      const text = await transport.post('/jsonrpc', body, 'application/json', idempotent);
      let reply: JsonRpcReply;
      try {
        reply = JSON.parse(text) as JsonRpcReply;
      } catch {
        throw new OdooConnectionError(url, `Odoo at ${url} did not answer /jsonrpc with JSON: is this the URL of an Odoo server?`);
      }
      if (reply.error) {
        const data = reply.error.data ?? {};
        throw toOdooError(
          {
            name: data.name ?? 'unknown',
            message: data.message ?? reply.error.message ?? 'Odoo Server Error',
            ...(data.debug ? { debug: data.debug } : {}),
          },
          options.db,
        );
      }
      return reply.result;
    },
    () => transport.close(),
  );
}
