/**
 * The HTTP face of the double, speaking Odoo 16's wire formats: JSON-RPC on `/jsonrpc`,
 * the web client's `/web/session/authenticate` + `/web/dataset/call_kw` (session cookie), and
 * XML-RPC on `/xmlrpc/2/common` and `/xmlrpc/2/object` with Odoo's fault codes.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import xmlrpcDeserializer from 'xmlrpc/lib/deserializer.js';
import xmlrpcSerializer from 'xmlrpc/lib/serializer.js';
import { OdooFault, traceback } from './faults.js';
import type { Dispatcher } from './rpc.js';

export interface ServerOptions {
  /** Answer `Connection: close` like a real Odoo 16, which closes each HTTP connection after the response; default false, so clients can reuse connections. */
  closeConnections?: boolean;
}

interface Session {
  db: string;
  uid: number;
}

/** Odoo's `RPC_FAULT_CODE_*` for XML-RPC faults. */
const xmlFaultCodes: Record<string, number> = {
  'odoo.exceptions.AccessDenied': 3,
  'odoo.exceptions.AccessError': 4,
  'odoo.exceptions.UserError': 2,
  'odoo.exceptions.ValidationError': 2,
  'odoo.exceptions.MissingError': 2,
  'odoo.exceptions.RedirectWarning': 2,
};

function asFault(error: unknown): OdooFault {
  return error instanceof OdooFault ? error : new OdooFault('builtins.Exception', error instanceof Error ? error.message : String(error));
}

function jsonError(id: unknown, fault: OdooFault, code = 200, message = 'Odoo Server Error'): unknown {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code,
      message,
      data: { name: fault.pythonName, debug: traceback(fault), message: fault.message, arguments: [fault.message], context: {} },
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class DoubleServer {
  private readonly sessions = new Map<string, Session>();
  private connectionsToDrop = 0;
  readonly http: Server;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly options: ServerOptions = {},
  ) {
    this.http = createServer((req, res) => {
      if (this.connectionsToDrop > 0) {
        this.connectionsToDrop--;
        req.socket.destroy();
        return;
      }
      if (options.closeConnections) res.setHeader('Connection', 'close');
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
  }

  /** The next `count` requests get their connection closed without an answer (network faults). */
  dropNextRequests(count: number): void {
    this.connectionsToDrop = count;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://double').pathname;
    const body = await readBody(req);
    if (req.method !== 'POST') return void res.writeHead(405, { 'content-type': 'text/html' }).end('<h1>405 Method Not Allowed</h1>');
    if (path === '/xmlrpc/2/common' || path === '/xmlrpc/2/object')
      return this.handleXml(path.endsWith('common') ? 'common' : 'object', body, res);
    if (path === '/jsonrpc' || path === '/web/session/authenticate' || path.startsWith('/web/dataset/call_kw')) {
      let request: { id?: unknown; params?: Record<string, unknown> };
      try {
        request = JSON.parse(body.toString('utf8')) as typeof request;
      } catch {
        return void res.writeHead(400, { 'content-type': 'text/html' }).end('<h1>400 Bad Request</h1>');
      }
      const reply = await this.handleJson(path, request.id ?? null, request.params ?? {}, req, res);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404 Not Found</h1>');
  }

  private async handleJson(
    path: string,
    id: unknown,
    params: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<unknown> {
    try {
      if (path === '/jsonrpc') {
        const args = (params.args as unknown[] | undefined) ?? [];
        const result =
          params.service === 'common'
            ? await this.dispatcher.common(String(params.method), args)
            : params.service === 'object'
              ? await this.dispatcher.object(String(params.method), args)
              : undefined;
        if (result === undefined) throw new OdooFault('builtins.Exception', `No such service ${String(params.service)}`);
        return { jsonrpc: '2.0', id, result };
      }
      if (path === '/web/session/authenticate') {
        const uid = await this.dispatcher.login(params.db, params.login, params.password);
        if (uid === false) throw new OdooFault('odoo.exceptions.AccessDenied', 'Access Denied');
        const sessionId = randomBytes(20).toString('hex');
        this.sessions.set(sessionId, { db: String(params.db), uid });
        res.setHeader('set-cookie', `session_id=${sessionId}; HttpOnly; Path=/`);
        return { jsonrpc: '2.0', id, result: { uid, db: params.db, username: params.login, server_version: '16.0' } };
      }
      const session = this.session(req);
      if (!session)
        return jsonError(id, new OdooFault('odoo.http.SessionExpiredException', 'Session expired'), 100, 'Odoo Session Expired');
      const result = await this.dispatcher.callKw(
        session.db,
        session.uid,
        String(params.model),
        String(params.method),
        (params.args as unknown[]) ?? [],
        (params.kwargs as Record<string, unknown>) ?? {},
      );
      return { jsonrpc: '2.0', id, result };
    } catch (error) {
      return jsonError(id, asFault(error));
    }
  }

  private session(req: IncomingMessage): Session | undefined {
    const cookie = /(?:^|;\s*)session_id=([0-9a-f]+)/.exec(req.headers.cookie ?? '');
    return cookie ? this.sessions.get(cookie[1]!) : undefined;
  }

  private async handleXml(service: 'common' | 'object', body: Buffer, res: ServerResponse): Promise<void> {
    let xml: string;
    try {
      const [method, params] = await new Promise<[string, unknown[]]>((resolve, reject) => {
        new xmlrpcDeserializer().deserializeMethodCall(Readable.from([body]), (error, method, params) =>
          error ? reject(error) : resolve([method!, params!]),
        );
      });
      const result = service === 'common' ? await this.dispatcher.common(method, params) : await this.dispatcher.object(method, params);
      xml = xmlrpcSerializer.serializeMethodResponse(result);
    } catch (error) {
      const fault = asFault(error);
      const faultCode = xmlFaultCodes[fault.pythonName] ?? 1;
      xml = xmlrpcSerializer.serializeFault({ faultCode, faultString: faultCode === 1 ? traceback(fault) : fault.message });
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(xml);
  }
}
