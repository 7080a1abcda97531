/** The contract suite against a real Odoo, when ODOO_URL, ODOO_DB, ODOO_USER and ODOO_PASSWORD are set. */
import { test } from 'node:test';
import { defineOdooContract } from './contract.js';

const { ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD } = process.env;

if (ODOO_URL && ODOO_DB && ODOO_USER && ODOO_PASSWORD) {
  defineOdooContract(`real Odoo at ${ODOO_URL}`, async () => ({
    options: { url: ODOO_URL, db: ODOO_DB, login: ODOO_USER, password: ODOO_PASSWORD },
  }));
} else {
  test('Odoo contract: real Odoo', { skip: 'ODOO_URL not set: real-Odoo target skipped' }, () => undefined);
}
