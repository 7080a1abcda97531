/**
 * What the double does beyond the contract suite: the exact 16.0 version payload, the SQL shape of
 * its writes (what pg triggers on Odoo's tables will see), the web-client session endpoints and
 * several databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createJsonRpcClient, type OdooClient } from '../../server/src/odoo/index.js';
import { adminPassword, startOdooDouble, versionInfo, type OdooDouble } from './index.js';

interface Statement {
  op: string;
  tbl: string;
  n: number;
  tx: string;
}

const statementLog = `
CREATE TABLE statement_log (id serial, op text, tbl text, n integer, tx bigint DEFAULT txid_current());
CREATE FUNCTION log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN INSERT INTO statement_log (op, tbl, n) SELECT TG_OP, TG_TABLE_NAME, count(*) FROM old_rows;
  ELSE INSERT INTO statement_log (op, tbl, n) SELECT TG_OP, TG_TABLE_NAME, count(*) FROM new_rows; END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_ins AFTER INSERT ON res_partner REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_statement();
CREATE TRIGGER log_upd AFTER UPDATE ON res_partner REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_statement();
CREATE TRIGGER log_del AFTER DELETE ON res_partner REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_statement();
CREATE TRIGGER log_msg AFTER INSERT ON mail_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_statement();
`;

describe('Odoo double', () => {
  let double: OdooDouble;
  let odoo: OdooClient;
  let db: pg.Client;

  /** The statements logged since the last call, in order; those that touched no row only when asked. */
  const statements = async (withEmpty = false): Promise<Statement[]> => {
    const { rows } = await db.query<Statement>('DELETE FROM statement_log RETURNING id, op, tbl, n, tx::text');
    return rows
      .sort((a, b) => Number((a as unknown as { id: number }).id) - Number((b as unknown as { id: number }).id))
      .filter((r) => withEmpty || r.n > 0);
  };

  before(async () => {
    double = await startOdooDouble({ databases: ['odoo'] });
    odoo = createJsonRpcClient({ url: double.url, db: 'odoo', login: 'admin', password: adminPassword });
    db = new pg.Client({ connectionString: double.databaseUrl('odoo') });
    await db.connect();
    await db.query(statementLog);
  });

  after(async () => {
    odoo.close();
    await db.end();
    await double.stop();
  });

  test('common.version answers the exact Odoo 16.0 payload', async () => {
    assert.deepEqual(await odoo.version(), {
      server_version: '16.0',
      server_version_info: [16, 0, 0, 'final', 0, ''],
      server_serie: '16.0',
      protocol_version: 1,
    });
    assert.deepEqual(versionInfo, await odoo.version());
  });

  test('create of 3 partners: one INSERT, the mail_message rows, then one UPDATE per record, in one transaction', async () => {
    await statements();
    const ids = await odoo.executeKw<number[]>('res.partner', 'create', [
      [{ name: 'S1', email: 'S1@X.org' }, { name: 'S2' }, { name: 'S3' }],
    ]);
    const log = await statements();
    assert.deepEqual(
      log.map((s) => `${s.op} ${s.tbl} ${s.n}`),
      ['INSERT res_partner 3', 'INSERT mail_message 3', 'UPDATE res_partner 1', 'UPDATE res_partner 1', 'UPDATE res_partner 1'],
    );
    assert.equal(new Set(log.map((s) => s.tx)).size, 1);
    const { rows } = await db.query('SELECT body, message_type, model FROM mail_message WHERE res_id = ANY($1) ORDER BY id', [ids]);
    assert.deepEqual(rows[0], { body: '<p>Contact created</p>', message_type: 'notification', model: 'res.partner' });
    const { rows: stored } = await db.query(
      'SELECT email_normalized, display_name, commercial_partner_id, create_uid, write_uid FROM res_partner WHERE id = $1',
      [ids[0]],
    );
    assert.deepEqual(stored[0], {
      email_normalized: 's1@x.org',
      display_name: 'S1',
      commercial_partner_id: ids[0],
      create_uid: 2,
      write_uid: 2,
    });
  });

  test('write of an untracked field on 3 records is exactly one UPDATE; a tracked field adds a message', async () => {
    const ids = await odoo.executeKw<number[]>('res.partner', 'create', [[{ name: 'W1' }, { name: 'W2' }, { name: 'W3' }]]);
    await statements();
    await odoo.executeKw('res.partner', 'write', [ids, { comment: 'plain' }]);
    assert.deepEqual(
      (await statements()).map((s) => `${s.op} ${s.tbl} ${s.n}`),
      ['UPDATE res_partner 3'],
    );
    await odoo.executeKw('res.partner', 'write', [[ids[0]], { email: 'New@Mail.org' }]);
    assert.deepEqual(
      (await statements()).map((s) => `${s.op} ${s.tbl} ${s.n}`),
      ['UPDATE res_partner 1', 'INSERT mail_message 1'],
    );
    const { rows } = await db.query('SELECT email_normalized FROM res_partner WHERE id = $1', [ids[0]]);
    assert.equal(rows[0].email_normalized, 'new@mail.org');
  });

  test('a write sends no statement on no rows: children are looked up first, and updated only when a field they read changed', async () => {
    const company = await odoo.executeKw<number>('res.partner', 'create', [{ name: 'Acme', is_company: true }]);
    const [child] = await odoo.executeKw<number[]>('res.partner', 'create', [[{ name: 'Ann', parent_id: company }]]);
    const loner = await odoo.executeKw<number>('res.partner', 'create', [{ name: 'Loner' }]);
    await statements(true);
    const shape = async () => (await statements(true)).map((s) => `${s.op} ${s.tbl} ${s.n}`);
    await odoo.executeKw('res.partner', 'write', [[loner], { email: 'loner@example.com', city: 'Paris' }]);
    assert.deepEqual(await shape(), ['UPDATE res_partner 1', 'INSERT mail_message 1']);
    await odoo.executeKw('res.partner', 'write', [[loner], { name: 'Lone Wolf' }]);
    assert.deepEqual(await shape(), ['UPDATE res_partner 1', 'INSERT mail_message 1']);
    await odoo.executeKw('res.partner', 'write', [[company], { email: 'info@acme.example' }]);
    assert.deepEqual(await shape(), ['UPDATE res_partner 1', 'INSERT mail_message 1']);
    await odoo.executeKw('res.partner', 'write', [[company], { name: 'Acme Corp' }]);
    assert.deepEqual(await shape(), ['UPDATE res_partner 1', 'UPDATE res_partner 1', 'INSERT mail_message 1']);
    const [read] = await odoo.executeKw<{ display_name: string }[]>('res.partner', 'read', [[child], ['display_name']]);
    assert.equal(read!.display_name, 'Acme Corp, Ann');
  });

  test('unlink deletes the rows and their messages', async () => {
    const id = await odoo.executeKw<number>('res.partner', 'create', [{ name: 'Gone' }]);
    await statements();
    await odoo.executeKw('res.partner', 'unlink', [[id]]);
    assert.deepEqual(
      (await statements()).map((s) => `${s.op} ${s.tbl} ${s.n}`),
      ['DELETE res_partner 1'],
    );
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM mail_message WHERE model = 'res.partner' AND res_id = $1`, [id]);
    assert.equal(rows[0].n, 0);
  });

  test('web client endpoints: call_kw needs the session cookie from /web/session/authenticate', async () => {
    const post = (path: string, params: unknown, cookie?: string) =>
      fetch(`${double.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 7, params }),
      });
    const call = { model: 'res.users', method: 'read', args: [[2], ['login']], kwargs: {} };
    const anonymous = (await (await post('/web/dataset/call_kw', call)).json()) as { error: { code: number; data: { name: string } } };
    assert.equal(anonymous.error.code, 100);
    assert.equal(anonymous.error.data.name, 'odoo.http.SessionExpiredException');
    const login = await post('/web/session/authenticate', { db: 'odoo', login: 'admin', password: adminPassword });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal(((await login.json()) as { result: { uid: number } }).result.uid, 2);
    const answer = (await (await post('/web/dataset/call_kw/res.users/read', call, cookie)).json()) as { result: unknown };
    assert.deepEqual(answer.result, [{ id: 2, login: 'admin' }]);
  });

  test('several databases, each its own PostgreSQL database', async () => {
    await double.addDatabase('second');
    const second = createJsonRpcClient({ url: double.url, db: 'second', login: 'admin', password: adminPassword });
    try {
      const id = await odoo.executeKw<number>('res.partner', 'create', [{ name: 'Only in odoo' }]);
      assert.deepEqual(await second.executeKw('res.partner', 'search', [[['name', '=', 'Only in odoo']]]), []);
      assert.deepEqual(await odoo.executeKw('res.partner', 'search', [[['name', '=', 'Only in odoo']]]), [id]);
      assert.notEqual(double.databaseUrl('second'), double.databaseUrl('odoo'));
    } finally {
      second.close();
    }
  });
});
