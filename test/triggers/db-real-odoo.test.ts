/**
 * The DB triggers' records contract against a real Odoo 16, when ODOO_URL, ODOO_DB, ODOO_USER,
 * ODOO_PASSWORD and ODOO_DATABASE_URL (that Odoo's PostgreSQL database, where the SQL path reads)
 * are set.
 */
import { test } from 'node:test';
import pg from 'pg';
import { createJsonRpcClient } from '../../server/src/odoo/index.js';
import { defineRecordsContract } from './records-contract.js';

const { ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD, ODOO_DATABASE_URL } = process.env;

if (ODOO_URL && ODOO_DB && ODOO_USER && ODOO_PASSWORD && ODOO_DATABASE_URL) {
  defineRecordsContract(`real Odoo at ${ODOO_URL}`, async () => {
    const rpc = createJsonRpcClient({ url: ODOO_URL, db: ODOO_DB, login: ODOO_USER, password: ODOO_PASSWORD });
    const db = new pg.Pool({ connectionString: ODOO_DATABASE_URL, max: 2 });
    return {
      rpc,
      db,
      stop: async () => {
        rpc.close();
        await db.end();
      },
    };
  });
} else {
  test(
    'records contract: real Odoo',
    {
      skip: 'ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD and ODOO_DATABASE_URL not all set: real-Odoo target skipped',
    },
    () => undefined,
  );
}
