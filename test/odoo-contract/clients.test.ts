/**
 * Bad input and faults through both clients, and the XML-RPC client against the double's
 * /xmlrpc/2 endpoints: every failure is a typed error that names its cause.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessError,
  MissingError,
  OdooConnectionError,
  OdooDatabaseError,
  OdooServerError,
  UserError,
  createJsonRpcClient,
  createXmlRpcClient,
  type OdooClient,
  type OdooConnectionOptions,
} from '../../server/src/odoo/index.js';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';

const secret = 'not-the-password-xyz';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe('Odoo clients: faults and bad input', () => {
  let double: OdooDouble;
  const clients: OdooClient[] = [];
  const servers: Server[] = [];
  const client = (factory: (o: OdooConnectionOptions) => OdooClient, options: Partial<OdooConnectionOptions> = {}): OdooClient => {
    const created = factory({ url: double.url, db: 'odoo', login: 'admin', password: adminPassword, ...options });
    clients.push(created);
    return created;
  };

  before(async () => {
    double = await startOdooDouble({ databases: ['odoo'] });
  });

  after(async () => {
    for (const c of clients) c.close();
    for (const s of servers) await closeServer(s);
    await double.stop();
  });

  for (const [protocol, factory] of [
    ['JSON-RPC', createJsonRpcClient],
    ['XML-RPC', createXmlRpcClient],
  ] as const) {
    describe(protocol, () => {
      test('unreachable Odoo: the error names the URL and ECONNREFUSED, and never the password', async () => {
        const closed = createServer();
        const url = await listen(closed);
        await closeServer(closed);
        const odoo = client(factory, { url, password: secret });
        await assert.rejects(odoo.executeKw('res.partner', 'search', [[]]), (error: unknown) => {
          assert.ok(error instanceof OdooConnectionError);
          assert.match(error.message, new RegExp(`Odoo at ${url} is unreachable: ECONNREFUSED`));
          assert.equal(error.code, 'odoo_unreachable');
          assert.doesNotMatch(
            JSON.stringify(error) + String((error.cause as Error).message) + JSON.stringify(error.cause),
            new RegExp(secret),
          );
          return true;
        });
      });

      test('a server that never answers: a timeout naming the URL', async () => {
        const silent = createServer(() => undefined);
        servers.push(silent);
        const url = await listen(silent);
        const odoo = client(factory, { url, timeoutMs: 150 });
        await assert.rejects(odoo.version(), (error: unknown) => {
          assert.ok(error instanceof OdooConnectionError);
          assert.match(error.message, new RegExp(`Odoo at ${url} did not answer .* within 150 ms \\(ETIMEDOUT\\)`));
          return true;
        });
      });

      test('a URL that is not Odoo: the HTTP status in the error', async () => {
        const notOdoo = createServer((_req, res) => res.writeHead(404).end('nope'));
        servers.push(notOdoo);
        const url = await listen(notOdoo);
        await assert.rejects(client(factory, { url }).version(), /answered HTTP 404/);
      });

      test('wrong password: AccessError naming the login and the database', async () => {
        await assert.rejects(client(factory, { password: 'wrong' }).executeKw('res.partner', 'search', [[]]), (error: unknown) => {
          assert.ok(error instanceof AccessError);
          assert.equal(error.message, 'wrong login or password for admin on database odoo');
          return true;
        });
      });

      test('wrong database: an error naming the database', async () => {
        await assert.rejects(client(factory, { db: 'nodb' }).authenticate(), (error: unknown) => {
          assert.ok(error instanceof OdooDatabaseError);
          assert.match(error.message, /^Odoo database 'nodb' is not available: .*database "nodb" does not exist/);
          return true;
        });
      });

      test('unknown model, unknown field, malformed domain, missing record: typed errors with Odoo messages', async () => {
        const odoo = client(factory);
        await assert.rejects(
          odoo.executeKw('no.such.model', 'search', [[]]),
          (e: unknown) => e instanceof UserError && e.message === "Object no.such.model doesn't exist",
        );
        await assert.rejects(
          odoo.executeKw('res.partner', 'create', [{ no_such_field: 1 }]),
          (e: unknown) =>
            e instanceof OdooServerError &&
            e.odooName === 'builtins.ValueError' &&
            e.message === "Invalid field 'no_such_field' on model 'res.partner'",
        );
        await assert.rejects(
          odoo.executeKw('res.partner', 'search', [[['name', 'badop', 'x']]]),
          (e: unknown) => e instanceof OdooServerError && e.message === "Invalid leaf ('name', 'badop', 'x')",
        );
        await assert.rejects(
          odoo.executeKw('res.partner', 'write', [[999999], { name: 'x' }]),
          (e: unknown) => e instanceof MissingError && e.message.startsWith('Record does not exist or has been deleted.'),
        );
      });

      test('version, login, create, search_read and write over this protocol', async () => {
        const odoo = client(factory);
        assert.equal((await odoo.version()).server_version, '16.0');
        assert.equal(await odoo.authenticate(), 2);
        const id = await odoo.executeKw<number>('res.partner', 'create', [{ name: `${protocol} partner`, city: 'Bergen' }]);
        assert.equal(await odoo.executeKw('res.partner', 'write', [[id], { city: 'Oslo' }]), true);
        const rows = await odoo.executeKw('res.partner', 'search_read', [[['id', '=', id]]], { fields: ['name', 'city', 'parent_id'] });
        assert.deepEqual(rows, [{ id, name: `${protocol} partner`, city: 'Oslo', parent_id: false }]);
      });

      test('a read is retried after a dropped connection; a write is not', async () => {
        const odoo = client(factory);
        await odoo.authenticate();
        double.dropNextRequests(1);
        assert.ok((await odoo.executeKw<number>('res.partner', 'search_count', [[]])) > 0);
        const before = await odoo.executeKw<number>('res.partner', 'search_count', [[]]);
        double.dropNextRequests(1);
        await assert.rejects(odoo.executeKw('res.partner', 'create', [{ name: 'dropped' }]), OdooConnectionError);
        assert.equal(await odoo.executeKw('res.partner', 'search_count', [[]]), before);
      });
    });
  }

  test('executeKw adds the context to kwargs.context, the call’s own keys winning', async () => {
    const odoo = client(createJsonRpcClient);
    const archived = await odoo.executeKw<number>('res.partner', 'create', [{ name: 'archived one', active: false }]);
    const found = await odoo.executeKw<number[]>(
      'res.partner',
      'search',
      [[['id', '=', archived]]],
      {},
      { context: { active_test: false, lang: 'en_US' } },
    );
    assert.deepEqual(found, [archived]);
    const hidden = await odoo.executeKw<number[]>(
      'res.partner',
      'search',
      [[['id', '=', archived]]],
      { context: { active_test: true } },
      { context: { active_test: false } },
    );
    assert.deepEqual(hidden, []);
  });
});
