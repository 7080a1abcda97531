/**
 * One Odoo database of the double = one PostgreSQL database: its tables (generated from the model
 * definitions, with Odoo's constraint names) and the seed data of a fresh Odoo 16 `base`:
 * the company partner, OdooBot (__system__), the admin user (id 2, login admin), the public user,
 * en_US and fr_FR, ir.model / ir.model.fields rows and the usual `base.*` external ids.
 * Ids differ from real Odoo where Odoo keeps records the double does not model (the public user is
 * id 3 here, id 4 in Odoo 16).
 */
import type pg from 'pg';
import { isStored, models, sqlTypes, type ModelDef } from './models.js';

const foreignKeyActions: Record<string, string> = {
  'res_users.partner_id': 'RESTRICT',
  'ir_model_fields.model_id': 'CASCADE',
};

function tableDdl(model: ModelDef): string {
  const columns = Object.entries(model.fields)
    .filter(([name]) => name !== 'id' && isStored(model, name))
    .map(([name, field]) => {
      const notNull = field.required ? ' NOT NULL' : '';
      const defaultSql = field.defaultSql ? ` DEFAULT ${field.defaultSql}` : '';
      return `  ${name} ${sqlTypes[field.type]}${defaultSql}${notNull}`;
    });
  // Not fields: the password, and membership of base.group_erp_manager (access.ts).
  const extra = model.name === 'res.users' ? ['  password varchar', '  access_rights boolean NOT NULL DEFAULT false'] : [];
  const checks =
    model.name === 'res.partner'
      ? [`  CONSTRAINT res_partner_check_name CHECK ((type = 'contact' AND name IS NOT NULL) OR type != 'contact')`]
      : [];
  return `CREATE TABLE ${model.table} (\n  id serial PRIMARY KEY,\n${[...columns, ...extra, ...checks].join(',\n')}\n);`;
}

function foreignKeysDdl(model: ModelDef): string[] {
  return Object.entries(model.fields)
    .filter(([name, field]) => field.type === 'many2one' && isStored(model, name))
    .map(([name, field]) => {
      const target = models.get(field.relation!)!;
      const action = foreignKeyActions[`${model.table}.${name}`] ?? 'SET NULL';
      return `ALTER TABLE ${model.table} ADD CONSTRAINT ${model.table}_${name}_fkey FOREIGN KEY (${name}) REFERENCES ${target.table}(id) ON DELETE ${action};`;
    });
}

export function schemaSql(): string {
  const all = [...models.values()];
  return [
    ...all.map(tableDdl),
    ...all.flatMap(foreignKeysDdl),
    'CREATE INDEX ON res_partner (parent_id);',
    'CREATE INDEX ON mail_message (model, res_id);',
  ].join('\n');
}

/** The admin user's password in every database of the double. */
export const adminPassword = 'admin';

const seed = `
INSERT INTO res_lang (id, name, code, iso_code, active) VALUES (1, 'English (US)', 'en_US', 'en', true), (2, 'French / Français', 'fr_FR', 'fr', true);
INSERT INTO res_partner (id, name, is_company, active, email) VALUES
  (1, 'YourCompany', true, true, 'info@yourcompany.com'),
  (2, 'OdooBot', false, true, 'odoobot@example.com'),
  (3, 'Administrator', false, true, 'admin@yourcompany.example.com'),
  (4, 'Public user', false, false, NULL);
INSERT INTO res_users (id, login, partner_id, active, share, password, access_rights) VALUES
  (1, '__system__', 2, false, false, NULL, true),
  (2, 'admin', 3, true, false, '${adminPassword}', true),
  (3, 'public', 4, false, true, NULL, false);
UPDATE res_partner SET create_uid = 1, write_uid = 1, create_date = now() at time zone 'utc', write_date = now() at time zone 'utc';
UPDATE res_users SET create_uid = 1, write_uid = 1, create_date = now() at time zone 'utc', write_date = now() at time zone 'utc';
UPDATE res_lang SET create_uid = 1, write_uid = 1, create_date = now() at time zone 'utc', write_date = now() at time zone 'utc';
INSERT INTO ir_model_data (module, name, model, res_id, noupdate) VALUES
  ('base', 'main_partner', 'res.partner', 1, true),
  ('base', 'partner_root', 'res.partner', 2, true),
  ('base', 'partner_admin', 'res.partner', 3, true),
  ('base', 'public_partner', 'res.partner', 4, true),
  ('base', 'user_root', 'res.users', 1, true),
  ('base', 'user_admin', 'res.users', 2, true),
  ('base', 'public_user', 'res.users', 3, true),
  ('base', 'lang_en', 'res.lang', 1, true),
  ('base', 'lang_fr', 'res.lang', 2, true);
SELECT setval(pg_get_serial_sequence('res_partner', 'id'), 100);
SELECT setval(pg_get_serial_sequence('res_users', 'id'), 100);
SELECT setval(pg_get_serial_sequence('res_lang', 'id'), 100);
`;

function partnerComputeSql(): string {
  const partner = models.get('res.partner')!;
  const assignments = Object.entries(partner.fields)
    .filter(([, f]) => f.compute)
    .map(([name, f]) => `${name} = ${f.compute!((column) => `t.${column}`)}`);
  // Parents first, so children see their parent's display_name.
  return `UPDATE res_partner t SET ${assignments.join(', ')} WHERE parent_id IS NULL;`;
}

async function seedModelRegistry(client: pg.ClientBase): Promise<void> {
  for (const model of models.values()) {
    const { rows } = await client.query('INSERT INTO ir_model (model, name) VALUES ($1, $2) RETURNING id', [model.name, model.description]);
    const modelId = (rows[0] as { id: number }).id;
    for (const [name, field] of Object.entries(model.fields)) {
      await client.query(
        'INSERT INTO ir_model_fields (name, field_description, model, model_id, ttype, relation, required, store) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [name, field.string, model.name, modelId, field.type, field.relation ?? null, Boolean(field.required), isStored(model, name)],
      );
    }
  }
}

export async function installDatabase(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  await client.query(schemaSql());
  await client.query(seed);
  await client.query(partnerComputeSql());
  await seedModelRegistry(client);
  await client.query('COMMIT');
}
