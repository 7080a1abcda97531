/**
 * The models the double knows, shaped like Odoo 16's: their tables, fields (with fields_get
 * metadata), default order, display names and stored computed fields. A computed field is a SQL
 * expression over the record's own columns (`col(name)`), so a create can store it with one
 * UPDATE per record and a write can recompute it inside its single UPDATE, as Odoo's ORM does.
 */
export type FieldType =
  'char' | 'text' | 'html' | 'boolean' | 'integer' | 'float' | 'date' | 'datetime' | 'selection' | 'many2one' | 'one2many';

/** SQL for a column's value inside a statement on the record's row (alias `t`). */
export type ColumnRef = (field: string) => string;

export interface FieldDef {
  type: FieldType;
  string: string;
  relation?: string;
  /** one2many: the many2one on `relation` that points back. */
  inverse?: string;
  selection?: [string, string][];
  required?: boolean;
  /** A stored field computed from others (SQL over `col`). */
  compute?: (col: ColumnRef) => string;
  /** Fields whose write recomputes this one; empty: computed at create only. */
  depends?: string[];
  /** Not stored: the value of `[many2one, field]` on the related record. */
  related?: [string, string];
  /** Writes that change it post a tracking message (mail.thread). */
  tracked?: boolean;
  /** SQL default in the DDL. */
  defaultSql?: string;
  /**
   * Odoo's `groups=`: only members of Administration / Access Rights (base.group_erp_manager, the
   * double's `access_rights`) see it; fields_get leaves it out for others and read refuses it.
   */
  groups?: 'access_rights';
}

export interface ModelDef {
  name: string;
  table: string;
  description: string;
  order: string;
  fields: Record<string, FieldDef>;
  /** SQL for the display name of row alias `t` when display_name is not a stored column. */
  displayNameSql?: (t: string) => string;
  /** mail.thread: a create posts "<description> created". */
  mailThread?: boolean;
}

const magicFields: Record<string, FieldDef> = {
  id: { type: 'integer', string: 'ID' },
  create_uid: { type: 'many2one', relation: 'res.users', string: 'Created by' },
  create_date: { type: 'datetime', string: 'Created on' },
  write_uid: { type: 'many2one', relation: 'res.users', string: 'Last Updated by' },
  write_date: { type: 'datetime', string: 'Last Updated on' },
};

const partnerDisplayName = (col: ColumnRef): string =>
  `CASE WHEN ${col('parent_id')} IS NOT NULL AND NOT coalesce(${col('is_company')}, false)
        THEN (SELECT coalesce(p.display_name, p.name) FROM res_partner p WHERE p.id = ${col('parent_id')}) || ', ' || coalesce(${col('name')}, '')
        ELSE ${col('name')} END`;

const partner: ModelDef = {
  name: 'res.partner',
  table: 'res_partner',
  description: 'Contact',
  // Odoo 16 (16.0-20231208, base): res.partner._order = "display_name ASC, id DESC"
  order: 'display_name ASC, id DESC',
  mailThread: true,
  fields: {
    name: { type: 'char', string: 'Name', tracked: true },
    display_name: { type: 'char', string: 'Display Name', compute: partnerDisplayName, depends: ['name', 'parent_id', 'is_company'] },
    email: { type: 'char', string: 'Email', tracked: true },
    email_normalized: {
      type: 'char',
      string: 'Normalized Email',
      compute: (col) => `CASE WHEN position('@' in coalesce(${col('email')}, '')) > 0 THEN lower(trim(${col('email')})) END`,
      depends: ['email'],
    },
    phone: { type: 'char', string: 'Phone' },
    city: { type: 'char', string: 'City' },
    ref: { type: 'char', string: 'Reference' },
    comment: { type: 'html', string: 'Notes' },
    // Odoo stores it as an attachment and reads it as base64 text; the double keeps that text in a column.
    image_1920: { type: 'text', string: 'Image' },
    lang: {
      type: 'selection',
      string: 'Language',
      selection: [
        ['en_US', 'English (US)'],
        ['fr_FR', 'French / Français'],
      ],
      defaultSql: `'en_US'`,
    },
    // Odoo's tz is a selection of every time zone name; the double keeps the name as text.
    tz: { type: 'char', string: 'Timezone' },
    active: { type: 'boolean', string: 'Active', defaultSql: 'true' },
    is_company: { type: 'boolean', string: 'Is a Company', defaultSql: 'false' },
    type: {
      type: 'selection',
      string: 'Address Type',
      selection: [
        ['contact', 'Contact'],
        ['invoice', 'Invoice Address'],
        ['delivery', 'Delivery Address'],
        ['other', 'Other Address'],
        ['private', 'Private Address'],
      ],
      defaultSql: `'contact'`,
    },
    parent_id: { type: 'many2one', relation: 'res.partner', string: 'Related Company' },
    child_ids: { type: 'one2many', relation: 'res.partner', inverse: 'parent_id', string: 'Contact' },
    commercial_partner_id: {
      type: 'many2one',
      relation: 'res.partner',
      string: 'Commercial Entity',
      compute: (col) =>
        `CASE WHEN coalesce(${col('is_company')}, false) OR ${col('parent_id')} IS NULL THEN ${col('id')}
              ELSE (SELECT coalesce(p.commercial_partner_id, p.id) FROM res_partner p WHERE p.id = ${col('parent_id')}) END`,
      depends: ['parent_id', 'is_company'],
    },
    partner_share: {
      type: 'boolean',
      string: 'Share Partner',
      compute: (col) => `NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = ${col('id')} AND NOT u.share)`,
      depends: [],
    },
    user_ids: { type: 'one2many', relation: 'res.users', inverse: 'partner_id', string: 'Users' },
    // auth_signup (installed with contacts): the token of the sign-up / password reset link.
    signup_token: { type: 'char', string: 'Signup Token', groups: 'access_rights' },
  },
};

const users: ModelDef = {
  name: 'res.users',
  table: 'res_users',
  description: 'User',
  // Odoo 16 orders users by 'name, login'; name is the partner's, so the double orders by login.
  order: 'login',
  displayNameSql: (t) => `(SELECT p.display_name FROM res_partner p WHERE p.id = ${t}.partner_id)`,
  fields: {
    login: { type: 'char', string: 'Login', required: true },
    partner_id: { type: 'many2one', relation: 'res.partner', string: 'Related Partner', required: true },
    name: { type: 'char', string: 'Name', related: ['partner_id', 'name'] },
    email: { type: 'char', string: 'Email', related: ['partner_id', 'email'] },
    lang: { type: 'char', string: 'Language', related: ['partner_id', 'lang'] },
    tz: { type: 'char', string: 'Timezone', related: ['partner_id', 'tz'] },
    active: { type: 'boolean', string: 'Active', defaultSql: 'true' },
    share: { type: 'boolean', string: 'Share User', defaultSql: 'false' },
  },
};

const mailMessage: ModelDef = {
  name: 'mail.message',
  table: 'mail_message',
  description: 'Message',
  order: 'id desc',
  displayNameSql: (t) => `coalesce(${t}.subject, ${t}.model || ',' || ${t}.res_id)`,
  fields: {
    subject: { type: 'char', string: 'Subject' },
    body: { type: 'html', string: 'Contents', defaultSql: `''` },
    model: { type: 'char', string: 'Related Document Model' },
    res_id: { type: 'integer', string: 'Related Document ID' },
    message_type: {
      type: 'selection',
      string: 'Type',
      selection: [
        ['email', 'Email'],
        ['comment', 'Comment'],
        ['notification', 'System notification'],
        ['user_notification', 'User Specific Notification'],
      ],
      required: true,
      defaultSql: `'email'`,
    },
    author_id: { type: 'many2one', relation: 'res.partner', string: 'Author' },
    date: { type: 'datetime', string: 'Date', defaultSql: `(now() at time zone 'utc')` },
  },
};

const irModel: ModelDef = {
  name: 'ir.model',
  table: 'ir_model',
  description: 'Models',
  order: 'model',
  displayNameSql: (t) => `${t}.name`,
  fields: {
    model: { type: 'char', string: 'Model', required: true },
    name: { type: 'char', string: 'Model Description', required: true },
  },
};

const irModelFields: ModelDef = {
  name: 'ir.model.fields',
  table: 'ir_model_fields',
  description: 'Fields',
  order: 'name',
  displayNameSql: (t) => `${t}.field_description`,
  fields: {
    name: { type: 'char', string: 'Field Name', required: true },
    field_description: { type: 'char', string: 'Field Label' },
    model: { type: 'char', string: 'Model Name', required: true },
    model_id: { type: 'many2one', relation: 'ir.model', string: 'Model' },
    ttype: { type: 'char', string: 'Field Type', required: true },
    relation: { type: 'char', string: 'Related Model' },
    required: { type: 'boolean', string: 'Required', defaultSql: 'false' },
    store: { type: 'boolean', string: 'Stored', defaultSql: 'true' },
  },
};

const irModelData: ModelDef = {
  name: 'ir.model.data',
  table: 'ir_model_data',
  description: 'Model Data',
  order: 'module, model, name',
  displayNameSql: (t) => `${t}.module || '.' || ${t}.name`,
  fields: {
    module: { type: 'char', string: 'Module', required: true },
    name: { type: 'char', string: 'External Identifier', required: true },
    model: { type: 'char', string: 'Model Name', required: true },
    res_id: { type: 'integer', string: 'Record ID' },
    noupdate: { type: 'boolean', string: 'Non Updatable', defaultSql: 'false' },
  },
};

const resLang: ModelDef = {
  name: 'res.lang',
  table: 'res_lang',
  description: 'Languages',
  order: 'active desc,name',
  displayNameSql: (t) => `${t}.name`,
  fields: {
    name: { type: 'char', string: 'Name', required: true },
    code: { type: 'char', string: 'Locale Code', required: true },
    iso_code: { type: 'char', string: 'ISO code' },
    active: { type: 'boolean', string: 'Active', defaultSql: 'false' },
    direction: {
      type: 'selection',
      string: 'Direction',
      selection: [
        ['ltr', 'Left-to-Right'],
        ['rtl', 'Right-to-Left'],
      ],
      defaultSql: `'ltr'`,
    },
  },
};

function withMagicFields(model: ModelDef): ModelDef {
  const fields: Record<string, FieldDef> = { ...magicFields, ...model.fields };
  if (!fields.display_name) fields.display_name = { type: 'char', string: 'Display Name' };
  return { ...model, fields };
}

export const models: ReadonlyMap<string, ModelDef> = new Map(
  [partner, users, mailMessage, irModel, irModelFields, irModelData, resLang].map((m) => [m.name, withMagicFields(m)]),
);

/** A field stored as a column of the model's table. */
export function isStored(model: ModelDef, name: string): boolean {
  const field = model.fields[name];
  return (
    field !== undefined && field.type !== 'one2many' && field.related === undefined && !(name === 'display_name' && model.displayNameSql)
  );
}

export const sqlTypes: Record<FieldType, string> = {
  char: 'varchar',
  text: 'text',
  html: 'text',
  boolean: 'boolean',
  integer: 'integer',
  float: 'double precision',
  date: 'date',
  datetime: 'timestamp',
  selection: 'varchar',
  many2one: 'integer',
  one2many: 'integer',
};
