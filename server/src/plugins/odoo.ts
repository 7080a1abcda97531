/**
 * `odoo`: another Odoo over XML-RPC (`odoo_execute_kw(model, method, args, kwargs)`), e.g. for
 * the Odoo ↔ Odoo demo. The server and database come from the project parameters URL and DB, the
 * user and password (or API key) from the secrets USERNAME and PASSWORD. One client per server,
 * database and user is kept for the sidecar's life (its uid is looked up once). An unreachable
 * server is a RetryableJobError: the job runs again later.
 */
import { createXmlRpcClient, OdooConnectionError, type OdooClient } from '../odoo/index.js';
import { RetryableJobError } from './api-client.js';
import type { EvalContextPlugin } from './index.js';

export function odooPlugin(): EvalContextPlugin {
  const clients = new Map<string, OdooClient>();
  const clientFor = (url: string, db: string, login: string, password: string) => {
    const key = JSON.stringify([url, db, login, password]);
    let client = clients.get(key);
    if (!client) {
      client = createXmlRpcClient({ url, db, login, password });
      clients.set(key, client);
    }
    return client;
  };
  return {
    name: 'odoo',
    displayName: 'Another Odoo (XML-RPC)',
    description:
      'odoo_execute_kw(model, method, args, kwargs) calls another Odoo over XML-RPC. Needs the parameters URL (e.g. https://odoo.example) ' +
      'and DB, and the secrets USERNAME and PASSWORD (a password or an API key). An unreachable server retries the job later.',
    exportNames: ['odoo_execute_kw'],
    create(secrets, context) {
      const { URL: url, DB: db } = context.params;
      const { USERNAME: login, PASSWORD: password } = secrets;
      if (!url || !db || !login || !password) {
        throw new Error('External Odoo credentials are not set (parameters URL and DB, secrets USERNAME and PASSWORD)');
      }
      const client = clientFor(url, db, login, password);
      return {
        odoo_execute_kw: async (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => {
          context.logTransmission(`XMLRPC DB=${db} URL=${url}`, JSON.stringify([model, method, args, kwargs]));
          try {
            const result = await client.executeKw(model, method, args, kwargs);
            context.logReception(`XMLRPC DB=${db} URL=${url}`, JSON.stringify(result));
            return result;
          } catch (error) {
            if (error instanceof OdooConnectionError) throw new RetryableJobError(`Error on connecting to external Odoo: ${error.message}`);
            throw error;
          }
        },
      };
    },
  };
}
