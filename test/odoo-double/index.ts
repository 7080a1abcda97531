/**
 * The Odoo double: a stand-in for an Odoo 16 server that tests (and a developer, through cli.ts)
 * can start in a moment. Each Odoo database is a PostgreSQL database the double creates, fills with
 * Odoo-shaped tables and drops at `stop()`; its writes are real SQL, so pg triggers installed on
 * those tables see what they would see under Odoo. The admin user is id 2, login `admin`,
 * password `admin`; `addUser` adds others (e.g. a technical user without Access Rights).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { models } from './models.js';
import { create } from './orm.js';
import { Dispatcher, type DoubleDatabase } from './rpc.js';
import { installDatabase } from './schema.js';
import { DoubleServer } from './server.js';
import { adminQuery as runAdminQuery } from '../helpers/db.js';

export { adminPassword } from './schema.js';
export { versionInfo } from './rpc.js';

export interface OdooDoubleOptions {
  /** A PostgreSQL URL with the right to create databases; default TEST_DATABASE_URL or the local server. */
  adminUrl?: string;
  /** Odoo database names to create at start; default ['odoo']. */
  databases?: string[];
  port?: number;
  host?: string;
  /** Close every HTTP connection after its response, as Odoo does. */
  closeConnections?: boolean;
}

export interface OdooDouble {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  addDatabase(name: string): Promise<void>;
  /**
   * A user of database `db`, with its own contact, who logs in with `password`: an internal user
   * without Administration / Access Rights (access.ts) unless `accessRights`, like admin. Returns the uid.
   */
  addUser(db: string, user: { login: string; password: string; name?: string; accessRights?: boolean }): Promise<number>;
  /** The PostgreSQL URL of an Odoo database (for tests that look at or trigger on its tables). */
  databaseUrl(name: string): string;
  /** The next `count` HTTP requests have their connection closed without an answer. */
  dropNextRequests(count: number): void;
  /** Every call received so far, in order: `common.login`, `res.partner.fields_get` … */
  calls(): readonly string[];
  stop(): Promise<void>;
}

export async function startOdooDouble(options: OdooDoubleOptions = {}): Promise<OdooDouble> {
  const adminUrl = options.adminUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const prefix = `odoo_double_${randomBytes(4).toString('hex')}`;
  const databases = new Map<string, DoubleDatabase & { pgName: string }>();

  const adminQuery = (sql: string) => runAdminQuery(sql, adminUrl);
  const databaseUrl = (name: string): string => {
    const database = databases.get(name);
    if (!database) throw new Error(`the Odoo double has no database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database.pgName}`;
    return url.toString();
  };

  const addDatabase = async (name: string): Promise<void> => {
    const pgName = `${prefix}_${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
    await adminQuery(`CREATE DATABASE "${pgName}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${pgName}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 8, application_name: 'odoo-double' });
    // A connection PostgreSQL ends (a restart) fails the request using it; as in createPool, no
    // client's error event goes unheard (an unheard one ends the process).
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const client = await pool.connect();
    try {
      await installDatabase(client);
    } finally {
      client.release();
    }
    databases.set(name, { name, pool, pgName });
  };

  const addUser: OdooDouble['addUser'] = async (db, user) => {
    const database = databases.get(db);
    if (!database) throw new Error(`the Odoo double has no database ${db}`);
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      const env = { client, uid: 1, context: {} };
      const partnerId = await create(env, models.get('res.partner')!, { name: user.name ?? user.login });
      const uid = await create(env, models.get('res.users')!, { login: user.login, partner_id: partnerId });
      await client.query('UPDATE res_users SET password = $2, access_rights = $3 WHERE id = $1', [
        uid,
        user.password,
        Boolean(user.accessRights),
      ]);
      await client.query('COMMIT');
      return uid as number;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };

  for (const name of options.databases ?? ['odoo']) await addDatabase(name);
  const dispatcher = new Dispatcher(databases);
  const server = new DoubleServer(dispatcher, { closeConnections: options.closeConnections ?? false });
  await new Promise<void>((resolve) => server.http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.http.address() as AddressInfo;

  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    addDatabase,
    addUser,
    databaseUrl,
    dropNextRequests: (count) => server.dropNextRequests(count),
    calls: () => dispatcher.calls,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.http.close(() => resolve());
        server.http.closeAllConnections();
      });
      for (const database of databases.values()) {
        await database.pool.end();
        await adminQuery(`DROP DATABASE IF EXISTS "${database.pgName}" WITH (FORCE)`);
      }
      databases.clear();
    },
  };
}
