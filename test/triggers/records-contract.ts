/**
 * The records contract of DB triggers, run against any Odoo: the Odoo double (db.test.ts) and a
 * real Odoo 16 when one is set (db-real-odoo.test.ts). handle_db's records are read from Odoo's
 * tables (RecordLoader + present()); their stored fields must equal what Odoo's `read` returns for
 * the same records, for a user of each language. The partners created are varied (company, contact
 * with parent, lang, title, country, state, tags, salesperson, dates, html); the fields that the
 * target's res.partner lacks are left out (the double models fewer). The records created are
 * deleted at the end, so a real database is left as it was.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { OdooClient } from '../../server/src/odoo/index.js';
import type { Queryable } from '../../server/src/db/index.js';
import { present, recordLoaderFor } from '../../server/src/triggers/db/records.js';

export interface RecordsTarget {
  rpc: OdooClient;
  /** Odoo's PostgreSQL database: where the SQL path reads. */
  db: Queryable;
  stop?: () => Promise<void>;
}

type Row = Record<string, unknown>;

/** Models besides res.partner whose records are compared when the target has them (translated `name`s). */
const OTHER_MODELS = [
  'res.partner.title',
  'res.country',
  'res.country.state',
  'res.partner.category',
  'res.users',
  'res.company',
  'res.lang',
];

export function defineRecordsContract(name: string, setup: () => Promise<RecordsTarget>): void {
  describe(`records contract: ${name}`, () => {
    let t: RecordsTarget;
    const created: number[] = [];
    const categories: number[] = [];
    before(async () => {
      t = await setup();
      // Both languages are compared: a target without French would fail on the first French value with Odoo's own error.
      const { rowCount } = await t.db.query(`select 1 from res_lang where code = 'fr_FR' and active`);
      assert.equal(rowCount, 1, `the records contract reads in en_US and fr_FR: install French in this Odoo first (Settings → Languages)`);
    });
    after(async () => {
      if (created.length) await t.rpc.executeKw('res.partner', 'unlink', [created]);
      if (categories.length) await t.rpc.executeKw('res.partner.category', 'unlink', [categories]);
      await t.stop?.();
    });

    const exists = async (model: string): Promise<boolean> =>
      (await t.db.query('select 1 from ir_model where model = $1', [model])).rowCount! > 0;

    /** Both paths on the same records, for a reader of each language. */
    async function compare(model: string, ids: number[]): Promise<void> {
      assert.ok(ids.length > 0, `no ${model} records to compare`);
      const loader = recordLoaderFor(t.db, t.rpc);
      const loaded = await loader.load(model, ids);
      const fields = loaded.fields.map((f) => f.name);
      for (const lang of ['en_US', 'fr_FR']) {
        const viaRpc = await t.rpc.executeKw<Row[]>(model, 'read', [ids, fields], {}, { context: { lang } });
        assert.equal(viaRpc.length, ids.length);
        for (const expected of viaRpc) {
          assert.deepEqual(present(loaded, expected.id as number, lang), expected, `${model} ${String(expected.id)} read in ${lang}`);
        }
      }
    }

    test("stored fields read from Odoo's tables equal Odoo's read of the same records, in en_US and fr_FR", async () => {
      const tag = `rc-${randomBytes(3).toString('hex')}`;
      const partnerFields = await t.rpc.executeKw<Record<string, unknown>>('res.partner', 'fields_get', [], { attributes: ['type'] });
      const has = (field: string) => field in partnerFields;
      const firstId = async (model: string, domain: unknown[] = []): Promise<number | undefined> =>
        (await exists(model)) ? (await t.rpc.executeKw<number[]>(model, 'search', [domain], { limit: 1, order: 'id' }))[0] : undefined;
      const country = await firstId('res.country', [['code', '=', 'FR']]);
      const state = await firstId('res.country.state', [['country_id.code', '=', 'US']]);
      const title = await firstId('res.partner.title');
      let category: number | undefined;
      if (await exists('res.partner.category')) {
        // Three levels: a category's parent_id reads as the parent's full path ("Tier / Gold").
        const tier = await t.rpc.executeKw<number>('res.partner.category', 'create', [{ name: `${tag} Tier` }]);
        const gold = await t.rpc.executeKw<number>('res.partner.category', 'create', [{ name: 'Gold', parent_id: tier }]);
        category = await t.rpc.executeKw<number>('res.partner.category', 'create', [{ name: 'VIP', parent_id: gold }]);
        categories.push(category, gold, tier);
        await compare('res.partner.category', categories);
      }
      const optional = (values: Row): Row => Object.fromEntries(Object.entries(values).filter(([k, v]) => has(k) && v !== undefined));

      const company = await t.rpc.executeKw<number>('res.partner', 'create', [
        {
          name: `${tag} Acme`,
          is_company: true,
          city: 'Lyon',
          ...optional({
            country_id: country,
            street: '1 rue de la Paix',
            zip: '69001',
            website: 'https://acme.example',
            comment: '<p>Key <b>account</b></p>',
            category_id: category && [[6, 0, [category]]],
            user_id: 2,
            partner_latitude: 45.764,
            partner_longitude: 4.8357,
            industry_id: undefined,
            vat: undefined,
          }),
        },
      ]);
      created.push(company);
      const contact = await t.rpc.executeKw<number>('res.partner', 'create', [
        {
          name: `${tag} Zoé`,
          parent_id: company,
          email: 'zoe@acme.example',
          lang: 'fr_FR',
          ...optional({ title, function: 'CTO', mobile: '+33 6 00 00 00 00', date: '2024-02-29', type: 'contact', tz: 'Europe/Paris' }),
        },
      ]);
      created.push(contact);
      const invoice = await t.rpc.executeKw<number>('res.partner', 'create', [
        {
          name: `${tag} Billing`,
          parent_id: company,
          ...optional({ type: 'invoice', state_id: state, country_id: state && (await usCountry()), active: false }),
        },
      ]);
      created.push(invoice);
      const bare = await t.rpc.executeKw<number>('res.partner', 'create', [{ name: `${tag} Bare` }]);
      created.push(bare);
      await compare('res.partner', [company, contact, invoice, bare, 1, 3]);

      for (const model of OTHER_MODELS) {
        if (!(await exists(model))) continue;
        const ids = await t.rpc.executeKw<number[]>(model, 'search', [[]], { limit: 5, order: 'id', context: { active_test: false } });
        await compare(model, ids);
      }

      async function usCountry(): Promise<number | undefined> {
        return firstId('res.country', [['code', '=', 'US']]);
      }
    });
  });
}
