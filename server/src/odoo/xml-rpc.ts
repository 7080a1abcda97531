/**
 * Odoo's XML-RPC (`/xmlrpc/2/common`, `/xmlrpc/2/object`), for talking to other Odoo instances.
 * Encoding and decoding come from the `xmlrpc` package; the transport is the same as JSON-RPC's.
 * Odoo reports faults as codes: 3 AccessDenied, 4 AccessError, 2 a UserError (ValidationError and
 * MissingError included; only MissingError's message tells it apart), 1 anything else with the
 * traceback as text, whose last line is `ExceptionName: message`.
 */
import { Readable } from 'node:stream';
import XmlRpcDeserializer from 'xmlrpc/lib/deserializer.js';
import xmlrpcSerializer from 'xmlrpc/lib/serializer.js';
import { createOdooClient, defaultTimeoutMs, type OdooClient, type OdooConnectionOptions } from './client.js';
import { OdooConnectionError, toOdooError, type OdooFaultData } from './errors.js';
import { createTransport } from './transport.js';

/** The exception name and message on the last lines of a Python traceback. */
function parseTraceback(text: string): OdooFaultData {
  const lines = text.replace(/\n+$/, '').split('\n');
  let start = 0;
  lines.forEach((line, i) => {
    if (line.startsWith('  File ')) start = i + 2;
  });
  const tail = lines.slice(start).join('\n');
  const match = /^([A-Za-z_][\w.]*): ([\s\S]*)$/.exec(tail);
  if (!match) return { name: 'unknown', message: tail, debug: text };
  const name = match[1]!.includes('.') ? match[1]! : `builtins.${match[1]}`;
  return { name, message: match[2]!, debug: text };
}

export function faultToData(faultCode: number | undefined, faultString: string): OdooFaultData {
  switch (faultCode) {
    case 3:
      return { name: 'odoo.exceptions.AccessDenied', message: faultString };
    case 4:
      return { name: 'odoo.exceptions.AccessError', message: faultString };
    case 2:
      return {
        name: faultString.startsWith('Record does not exist or has been deleted')
          ? 'odoo.exceptions.MissingError'
          : 'odoo.exceptions.UserError',
        message: faultString,
      };
    default:
      return parseTraceback(faultString);
  }
}

export function createXmlRpcClient(options: OdooConnectionOptions): OdooClient {
  const url = options.url.replace(/\/+$/, '');
  const transport = createTransport(url, options.timeoutMs ?? defaultTimeoutMs);

  return createOdooClient(
    options,
    async (service, method, args, idempotent) => {
      const path = `/xmlrpc/2/${service}`;
      const text = await transport.post(path, xmlrpcSerializer.serializeMethodCall(method, args), 'text/xml', idempotent);
      return new Promise((resolve, reject) => {
        new XmlRpcDeserializer().deserializeMethodResponse(Readable.from([text]), (error, result) => {
          if (!error) return resolve(result);
          if (error.faultString !== undefined) return reject(toOdooError(faultToData(error.faultCode, error.faultString), options.db));
          reject(new OdooConnectionError(url, `Odoo at ${url} did not answer ${path} with XML-RPC: is this the URL of an Odoo server?`));
        });
      });
    },
    () => transport.close(),
  );
}
