/**
 * odoo/: the sidecar's connection to Odoo. JSON-RPC (the default) and XML-RPC (for other Odoo
 * instances) clients behind one `OdooClient` interface, with keep-alive connections, timeouts,
 * retries of reads after network faults, and Odoo's faults turned into typed errors.
 */
export { createJsonRpcClient } from './json-rpc.js';
export { createXmlRpcClient } from './xml-rpc.js';
export { readMethods, type OdooClient, type OdooConnectionOptions, type OdooVersion } from './client.js';
export {
  AccessError,
  MissingError,
  OdooConnectionError,
  OdooDatabaseError,
  OdooError,
  OdooServerError,
  UserError,
  ValidationError,
  toOdooError,
  type OdooFaultData,
} from './errors.js';
