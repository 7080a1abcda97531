/**
 * Odoo's behaviour as the sidecar relies on it, written from Odoo 16's documented behaviour and
 * what was observed of a real Odoo 16 (the statements its ORM sends, its answers), and run through our JSON-RPC OdooClient against any target: the Odoo
 * double in `npm test`, a real Odoo when ODOO_URL is set. Tests create their own records (names
 * start with a random tag) and delete them at the end, so a real database is left as it was.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AccessError,
  MissingError,
  OdooServerError,
  UserError,
  ValidationError,
  createJsonRpcClient,
  type OdooClient,
  type OdooConnectionOptions,
} from '../../server/src/odoo/index.js';

export interface ContractTarget {
  options: OdooConnectionOptions;
  /**
   * Whether the user is known to be in Administration / Access Rights (may edit users, read
   * ir.model.data); the contract then checks Odoo agrees. Unset for a real Odoo's user: the
   * contract asks Odoo and expects what Odoo 16 does for that kind of user.
   */
  accessRights?: boolean;
  stop?: () => Promise<void>;
}

type Row = Record<string, unknown>;

/** A raw JSON-RPC call, for what our client deliberately never sends (a wrong password on execute_kw). */
async function rawJsonRpc(
  url: string,
  service: string,
  method: string,
  args: unknown[],
): Promise<{ result?: unknown; error?: { code: number; message: string; data: Row } }> {
  const response = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as never;
}

/** An assert.rejects check: the client's error class, Odoo's exception name and its message. */
const expectFault =
  (kind: new (...args: never[]) => Error, odooName: string, message: string | RegExp) =>
  (error: unknown): true => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    const odooError = error as unknown as { odooName: string; message: string };
    assert.equal(odooError.odooName, odooName);
    if (typeof message === 'string') assert.equal(odooError.message, message);
    else assert.match(odooError.message, message);
    assert.doesNotMatch(odooError.message, /Traceback/);
    return true;
  };

export function defineOdooContract(name: string, start: () => Promise<ContractTarget>): void {
  describe(`Odoo contract: ${name}`, () => {
    let target: ContractTarget;
    let odoo: OdooClient;
    let uid: number;
    /** The user may edit res.users and read ir.model.data (Administration / Access Rights). */
    let accessRights: boolean;
    const tag = `ct${randomBytes(4).toString('hex')}`;
    const created: number[] = [];
    const ids: Record<string, number> = {};
    const inTag = ['name', '=like', `${tag}%`];
    // Records of tests other than the domain fixtures, outside `inTag`.
    const other = `o${tag}`;

    const partners = (domain: unknown[], kwargs: Row = {}): Promise<number[]> =>
      odoo.executeKw<number[]>('res.partner', 'search', [[inTag, ...domain]], kwargs);
    const namesOf = async (domain: unknown[], kwargs: Row = {}): Promise<string[]> => {
      const rows = await odoo.executeKw<Row[]>('res.partner', 'search_read', [[inTag, ...domain]], { fields: ['name'], ...kwargs });
      return rows.map((r) => String(r.name).slice(tag.length + 1));
    };
    const sorted = (names: string[]): string[] => [...names].sort();
    const createPartner = async (vals: Row): Promise<number> => {
      const id = await odoo.executeKw<number>('res.partner', 'create', [vals]);
      created.push(id);
      return id;
    };

    before(async () => {
      target = await start();
      odoo = createJsonRpcClient(target.options);
      uid = await odoo.authenticate();
      accessRights = await odoo.executeKw<boolean>('res.users', 'check_access_rights', ['write'], { raise_exception: false });
      ids.alpha = await createPartner({ name: `${tag} alpha`, is_company: true, city: 'Paris', email: 'alpha@example.com' });
      // An invoice address of alpha: only "contact" children take their company's address in Odoo.
      ids.beta = await createPartner({
        name: `${tag} beta`,
        parent_id: ids.alpha,
        type: 'invoice',
        city: false,
        email: 'Beta@Example.com',
      });
      ids.gamma = await createPartner({ name: `${tag} gamma`, city: 'Lyon' });
      ids.delta = await createPartner({ name: `${tag} delta_1`, city: 'paris', active: false });
      ids.epsilon = await createPartner({ name: `${tag} Epsilon`, city: 'Nice' });
    });

    after(async () => {
      if (odoo && created.length)
        await odoo.executeKw('res.partner', 'unlink', [created], { context: { active_test: false } }).catch(() => undefined);
      odoo?.close();
      await target?.stop?.();
    });

    describe('service common', () => {
      test('version answers the server version and protocol 1', async () => {
        const version = await odoo.version();
        assert.equal(version.protocol_version, 1);
        assert.match(version.server_version, /^\d+\.\d/);
        assert.equal(version.server_serie, version.server_version.replace(/^(\d+\.\d+).*/, '$1').replace(/^saas~/, ''));
      });

      test('login returns the uid; a wrong password returns false, which the client turns into an AccessError', async () => {
        assert.ok(Number.isInteger(uid) && uid > 0);
        const raw = await rawJsonRpc(target.options.url, 'common', 'login', [target.options.db, target.options.login, 'wrong-password']);
        assert.equal(raw.result, false);
        const wrong = createJsonRpcClient({ ...target.options, password: 'wrong-password' });
        await assert.rejects(wrong.authenticate(), (error: unknown) => {
          assert.ok(error instanceof AccessError);
          assert.equal(error.message, `wrong login or password for ${target.options.login} on database ${target.options.db}`);
          return true;
        });
        wrong.close();
      });

      test('execute_kw with a wrong password is odoo.exceptions.AccessDenied in the standard envelope', async () => {
        const raw = await rawJsonRpc(target.options.url, 'object', 'execute_kw', [
          target.options.db,
          uid,
          'wrong-password',
          'res.partner',
          'search',
          [[]],
        ]);
        assert.equal(raw.error?.code, 200);
        assert.equal(raw.error?.message, 'Odoo Server Error');
        assert.equal(raw.error?.data.name, 'odoo.exceptions.AccessDenied');
        assert.equal(raw.error?.data.message, 'Access Denied');
        assert.deepEqual(raw.error?.data.arguments, ['Access Denied']);
        assert.equal(typeof raw.error?.data.debug, 'string');
      });
    });

    describe('create, read, write, unlink', () => {
      test('create one returns an id; create a list returns ids in order, in one call', async () => {
        const many = await odoo.executeKw<number[]>('res.partner', 'create', [
          [{ name: `${other} many 1` }, { name: `${other} many 2` }, { name: `${other} many 3` }],
        ]);
        created.push(...many);
        assert.equal(many.length, 3);
        assert.ok(many[0]! < many[1]! && many[1]! < many[2]!);
        const rows = await odoo.executeKw<Row[]>('res.partner', 'read', [many, ['name']]);
        assert.deepEqual(
          rows.map((r) => r.name),
          [`${other} many 1`, `${other} many 2`, `${other} many 3`],
        );
      });

      test('read returns id plus the requested fields; many2one as [id, name]; empty values as false', async () => {
        const [beta] = await odoo.executeKw<Row[]>('res.partner', 'read', [
          [ids.beta],
          ['name', 'parent_id', 'city', 'display_name', 'commercial_partner_id', 'email_normalized'],
        ]);
        assert.deepEqual(Object.keys(beta!).sort(), [
          'city',
          'commercial_partner_id',
          'display_name',
          'email_normalized',
          'id',
          'name',
          'parent_id',
        ]);
        assert.deepEqual(beta!.parent_id, [ids.alpha, `${tag} alpha`]);
        assert.equal(beta!.city, false);
        assert.equal(beta!.display_name, `${tag} alpha, ${tag} beta`);
        assert.deepEqual(beta!.commercial_partner_id, [ids.alpha, `${tag} alpha`]);
        assert.equal(beta!.email_normalized, 'beta@example.com');
      });

      test('create and write maintain create_date, write_date, create_uid and write_uid', async () => {
        const id = await createPartner({ name: `${other} dated` });
        const [fresh] = await odoo.executeKw<Row[]>('res.partner', 'read', [
          [id],
          ['create_date', 'write_date', 'create_uid', 'write_uid'],
        ]);
        assert.match(String(fresh!.create_date), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        assert.equal(fresh!.write_date, fresh!.create_date);
        assert.equal((fresh!.create_uid as unknown[])[0], uid);
        assert.equal((fresh!.write_uid as unknown[])[0], uid);
        assert.equal(await odoo.executeKw('res.partner', 'write', [[id], { comment: '<p>noted</p>' }]), true);
        const [written] = await odoo.executeKw<Row[]>('res.partner', 'read', [[id], ['create_date', 'write_date', 'comment']]);
        assert.ok(String(written!.write_date) >= String(written!.create_date));
        assert.equal(written!.comment, '<p>noted</p>');
      });

      test('write changes every record given; unlink removes them; read skips them, write is a MissingError', async () => {
        const pair = await odoo.executeKw<number[]>('res.partner', 'create', [[{ name: `${other} pair a` }, { name: `${other} pair b` }]]);
        assert.equal(await odoo.executeKw('res.partner', 'write', [pair, { city: 'Oslo' }]), true);
        assert.deepEqual(
          await odoo.executeKw('res.partner', 'search_count', [
            [
              ['id', 'in', pair],
              ['city', '=', 'Oslo'],
            ],
          ]),
          2,
        );
        assert.equal(await odoo.executeKw('res.partner', 'unlink', [pair]), true);
        assert.deepEqual(await odoo.executeKw('res.partner', 'read', [pair, ['name']]), []);
        await assert.rejects(odoo.executeKw('res.partner', 'write', [pair, { city: 'Bergen' }]), MissingError);
      });

      test("a contact takes its company's address, and follows it when the company's address changes", async () => {
        const company = await createPartner({ name: `${other} company`, is_company: true, city: 'Paris' });
        const contact = await createPartner({ name: `${other} contact`, parent_id: company, city: 'Lyon' });
        const invoice = await createPartner({ name: `${other} invoice`, parent_id: company, type: 'invoice', city: 'Lyon' });
        const city = async (id: number) => (await odoo.executeKw<Row[]>('res.partner', 'read', [[id], ['city']]))[0]!.city;
        assert.equal(await city(contact), 'Paris');
        assert.equal(await city(invoice), 'Lyon');
        await odoo.executeKw('res.partner', 'write', [[company], { city: 'Nice' }]);
        assert.equal(await city(contact), 'Nice');
        assert.equal(await city(invoice), 'Lyon');
        const bare = await createPartner({ name: `${other} bare company`, is_company: true });
        assert.equal(
          await city(await createPartner({ name: `${other} own`, parent_id: bare, city: 'Lyon' })),
          'Lyon',
          'a company without address imposes none',
        );
      });

      test('a parent change recomputes the display name of the children', async () => {
        const parent = await createPartner({ name: `${other} parent`, is_company: true });
        const child = await createPartner({ name: `${other} child`, parent_id: parent });
        await odoo.executeKw('res.partner', 'write', [[parent], { name: `${other} renamed` }]);
        const [row] = await odoo.executeKw<Row[]>('res.partner', 'read', [[child], ['display_name']]);
        assert.equal(row!.display_name, `${other} renamed, ${other} child`);
      });
    });

    describe('errors, with Odoo names and messages', () => {
      test('create with an unknown field', async () => {
        await assert.rejects(
          odoo.executeKw('res.partner', 'create', [{ name: `${other} x`, no_such_field: 1 }]),
          expectFault(OdooServerError, 'builtins.ValueError', "Invalid field 'no_such_field' on model 'res.partner'"),
        );
      });

      test('write on a missing id', async () => {
        await assert.rejects(
          odoo.executeKw('res.partner', 'write', [[999999999], { name: 'x' }]),
          expectFault(
            MissingError,
            'odoo.exceptions.MissingError',
            `Record does not exist or has been deleted.\n(Record: res.partner(999999999,), User: ${uid})`,
          ),
        );
      });

      test('unknown model', async () => {
        await assert.rejects(
          odoo.executeKw('no.such.model', 'search', [[]]),
          expectFault(UserError, 'odoo.exceptions.UserError', "Object no.such.model doesn't exist"),
        );
      });

      test('domain with an unknown operator', async () => {
        await assert.rejects(
          odoo.executeKw('res.partner', 'search', [[['name', 'badop', 'x']]]),
          expectFault(OdooServerError, 'builtins.ValueError', "Invalid leaf ('name', 'badop', 'x')"),
        );
      });

      test('domain on an unknown field names the field', async () => {
        await assert.rejects(
          odoo.executeKw('res.partner', 'search', [[['no_such_field', '=', 1]]]),
          expectFault(OdooServerError, 'builtins.ValueError', /no_such_field/),
        );
      });

      test('a recursive parent is a ValidationError', async () => {
        await assert.rejects(
          odoo.executeKw('res.partner', 'write', [[ids.alpha], { parent_id: ids.beta }]),
          expectFault(ValidationError, 'odoo.exceptions.ValidationError', 'You cannot create recursive Partner hierarchies.'),
        );
      });

      test('check_access_rights answers whether the user may edit users (Administration / Access Rights)', async () => {
        if (target.accessRights !== undefined) assert.equal(accessRights, target.accessRights);
        assert.equal(await odoo.executeKw('res.partner', 'check_access_rights', ['read'], { raise_exception: false }), true);
        assert.equal(await odoo.executeKw('res.users', 'check_access_rights', ['read']), true);
        if (!accessRights)
          await assert.rejects(
            odoo.executeKw('res.users', 'check_access_rights', ['write']),
            expectFault(AccessError, 'odoo.exceptions.AccessError', /^You are not allowed to modify 'User' \(res\.users\) records\./),
          );
      });

      test("deleting a user's contact is refused: a RedirectWarning for who may edit users, else a ValidationError", async () => {
        const [user] = await odoo.executeKw<Row[]>('res.users', 'read', [[uid], ['partner_id']]);
        const unlink = odoo.executeKw('res.partner', 'unlink', [[(user!.partner_id as number[])[0]]]);
        if (accessRights)
          await assert.rejects(
            unlink,
            expectFault(
              UserError,
              'odoo.exceptions.RedirectWarning',
              /^You cannot delete contacts linked to an active user\.\nYou should rather archive them after archiving their associated user\./,
            ),
          );
        else
          await assert.rejects(
            unlink,
            expectFault(
              ValidationError,
              'odoo.exceptions.ValidationError',
              /^You cannot delete contacts linked to an active user\.\nAsk an administrator to archive their associated user first\./,
            ),
          );
      });
    });

    describe('domains', () => {
      test('=, != (which matches empty values), and = False meaning not set', async () => {
        assert.deepEqual(await namesOf([['city', '=', 'Paris']]), ['alpha']);
        assert.deepEqual(sorted(await namesOf([['city', '!=', 'Paris']])), ['Epsilon', 'beta', 'gamma']);
        assert.deepEqual(await namesOf([['city', '=', false]]), ['beta']);
        assert.deepEqual(sorted(await namesOf([['city', '!=', false]])), ['Epsilon', 'alpha', 'gamma']);
        assert.deepEqual(sorted(await namesOf([['is_company', '=', false]])), ['Epsilon', 'beta', 'gamma']);
      });

      test('<, <=, >, >= on ids', async () => {
        assert.deepEqual(sorted(await namesOf([['id', '<', ids.gamma]])), ['alpha', 'beta']);
        assert.deepEqual(sorted(await namesOf([['id', '<=', ids.gamma]])), ['alpha', 'beta', 'gamma']);
        assert.deepEqual(sorted(await namesOf([['id', '>', ids.gamma]])), ['Epsilon']);
        assert.deepEqual(sorted(await namesOf([['id', '>=', ids.gamma]])), ['Epsilon', 'gamma']);
      });

      test('in and not in, with an empty list and with False', async () => {
        assert.deepEqual(sorted(await namesOf([['city', 'in', ['Paris', 'Lyon']]])), ['alpha', 'gamma']);
        assert.deepEqual(await namesOf([['city', 'in', []]]), []);
        assert.deepEqual(sorted(await namesOf([['city', 'in', ['Lyon', false]]])), ['beta', 'gamma']);
        assert.deepEqual(sorted(await namesOf([['city', 'not in', ['Paris', 'Lyon']]])), ['Epsilon', 'beta']);
        assert.deepEqual(sorted(await namesOf([['id', 'not in', []]])), ['Epsilon', 'alpha', 'beta', 'gamma']);
      });

      test('like is case-sensitive and ilike is not; both match a substring; % and _ are wildcards', async () => {
        assert.deepEqual(await namesOf([['email', 'like', 'Example']]), ['beta']);
        assert.deepEqual(sorted(await namesOf([['email', 'ilike', 'EXAMPLE']])), ['alpha', 'beta']);
        assert.deepEqual(sorted(await namesOf([['email', 'not like', 'Example']])), ['Epsilon', 'alpha', 'gamma']);
        assert.deepEqual(sorted(await namesOf([['email', 'not ilike', 'example']])), ['Epsilon', 'gamma']);
        // Names carry a random hex tag, so the patterns use letters hex never has (l, t, h).
        assert.deepEqual(await namesOf([['name', 'like', 'lt_']], { context: { active_test: false } }), ['delta_1']);
        // Odoo 16 does not escape % and _ in like patterns: they are wildcards.
        assert.deepEqual(await namesOf([['name', 'like', 'l%h']]), ['alpha']);
      });

      test('=like and =ilike use the pattern as given', async () => {
        assert.deepEqual(await namesOf([['city', '=like', 'P%']]), ['alpha']);
        assert.deepEqual(sorted(await namesOf([['city', '=ilike', 'p%']], { context: { active_test: false } })), ['alpha', 'delta_1']);
        assert.deepEqual(await namesOf([['city', '=like', 'Ly_n']]), ['gamma']);
      });

      test('prefix operators |, & and !, with the implicit & between terms', async () => {
        assert.deepEqual(sorted(await namesOf(['|', ['city', '=', 'Paris'], ['city', '=', 'Lyon']])), ['alpha', 'gamma']);
        assert.deepEqual(await namesOf(['&', ['city', '=', 'Paris'], ['is_company', '=', true]]), ['alpha']);
        assert.deepEqual(
          await namesOf([
            ['city', '=', 'Paris'],
            ['is_company', '=', false],
          ]),
          [],
        );
        assert.deepEqual(
          sorted(
            await namesOf([
              '|',
              '&',
              ['city', '=', 'Paris'],
              ['is_company', '=', true],
              '|',
              ['city', '=', 'Nice'],
              ['parent_id', '!=', false],
            ]),
          ),
          ['Epsilon', 'alpha', 'beta'],
        );
        // Odoo pushes ! into the leaf: !(city = Paris) is city != Paris, which matches an empty city.
        assert.deepEqual(sorted(await namesOf(['!', ['city', '=', 'Paris']])), ['Epsilon', 'beta', 'gamma']);
        assert.deepEqual(sorted(await namesOf(['!', '|', ['city', '=', 'Paris'], ['city', '=', 'Lyon']])), ['Epsilon', 'beta']);
      });

      test('dotted paths through many2one fields, and a many2one compared with an id', async () => {
        assert.deepEqual(await namesOf([['parent_id.name', '=', `${tag} alpha`]]), ['beta']);
        assert.deepEqual(await namesOf([['parent_id.city', 'ilike', 'par']]), ['beta']);
        assert.deepEqual(await namesOf([['parent_id', '=', ids.alpha]]), ['beta']);
        assert.deepEqual(await namesOf([['parent_id', 'in', [ids.alpha]]]), ['beta']);
      });

      test('archived records are left out unless the domain or the context asks for them', async () => {
        assert.deepEqual(await namesOf([['city', '=ilike', 'paris']]), ['alpha']);
        assert.deepEqual(await namesOf([['active', '=', false]]), ['delta_1']);
        assert.deepEqual(sorted(await namesOf([['city', '=ilike', 'paris']], { context: { active_test: false } })), ['alpha', 'delta_1']);
      });

      test('a domain with a missing operand is refused', async () => {
        await assert.rejects(
          odoo.executeKw('res.partner', 'search', [['&', ['name', '=', 'x']]]),
          (error: unknown) => error instanceof OdooServerError,
        );
      });
    });

    describe('search options', () => {
      test('order by name desc, by name asc then id, and the default order (display_name, then id desc)', async () => {
        assert.deepEqual(await namesOf([['name', 'not ilike', 'epsilon']], { order: 'name desc' }), ['gamma', 'beta', 'alpha']);
        assert.deepEqual(await namesOf([['name', 'not ilike', 'epsilon']], { order: 'name asc, id' }), ['alpha', 'beta', 'gamma']);
        const rows = await odoo.executeKw<Row[]>('res.partner', 'search_read', [[['id', 'in', [ids.alpha, ids.beta, ids.gamma]]]], {
          fields: ['display_name'],
        });
        assert.deepEqual(
          rows.map((r) => r.id),
          [ids.alpha, ids.beta, ids.gamma],
        );
      });

      test('limit and offset', async () => {
        const all = await partners([], { order: 'id' });
        assert.deepEqual(await partners([], { order: 'id', limit: 2 }), all.slice(0, 2));
        assert.deepEqual(await partners([], { order: 'id', limit: 2, offset: 1 }), all.slice(1, 3));
        assert.deepEqual(await partners([], { order: 'id', offset: 3 }), all.slice(3));
      });

      test('an invalid order is a UserError; an unknown field in it a ValueError', async () => {
        await assert.rejects(odoo.executeKw('res.partner', 'search', [[]], { order: 'name dsc' }), (error: unknown) => {
          assert.ok(error instanceof UserError);
          assert.equal(error.odooName, 'odoo.exceptions.UserError');
          assert.match(error.message, /^Invalid "order" specified \(name dsc\)/);
          return true;
        });
        await assert.rejects(odoo.executeKw('res.partner', 'search', [[]], { order: 'no_such_field' }), OdooServerError);
      });

      test('search_count counts what search finds', async () => {
        assert.equal(
          await odoo.executeKw('res.partner', 'search_count', [[inTag, ['is_company', '=', false]]]),
          (await partners([['is_company', '=', false]])).length,
        );
      });
    });

    describe('metadata', () => {
      test('fields_get describes fields; attributes narrows each description', async () => {
        const fields = await odoo.executeKw<Record<string, Row>>('res.partner', 'fields_get', [], {});
        assert.equal(fields.name?.type, 'char');
        assert.equal(fields.name?.string, 'Name');
        assert.equal(fields.parent_id?.type, 'many2one');
        assert.equal(fields.parent_id?.relation, 'res.partner');
        assert.equal(fields.child_ids?.type, 'one2many');
        assert.equal(fields.write_date?.type, 'datetime');
        assert.equal(typeof fields.email?.required, 'boolean');
        const narrow = await odoo.executeKw<Record<string, Row>>('res.partner', 'fields_get', [], { attributes: ['type', 'relation'] });
        assert.deepEqual(narrow.parent_id, { type: 'many2one', relation: 'res.partner' });
        assert.deepEqual(narrow.name, { type: 'char' });
      });

      test("a field of Administration / Access Rights only (res.partner's signup_token): fields_get lists it and read gives it to members only; others get neither, and an AccessError naming it when they ask", async () => {
        const fields = await odoo.executeKw<Record<string, Row>>('res.partner', 'fields_get', [], { attributes: ['type'] });
        const [all] = await odoo.executeKw<Row[]>('res.partner', 'read', [[ids.alpha]]);
        const asked = odoo.executeKw<Row[]>('res.partner', 'read', [[ids.alpha], ['name', 'signup_token']]);
        if (accessRights) {
          assert.deepEqual(fields.signup_token, { type: 'char' });
          assert.ok('signup_token' in all!);
          assert.deepEqual(await asked, [{ id: ids.alpha, name: `${tag} alpha`, signup_token: false }]);
        } else {
          assert.equal(fields.signup_token, undefined);
          assert.ok(!('signup_token' in all!));
          await assert.rejects(
            asked,
            expectFault(
              AccessError,
              'odoo.exceptions.AccessError',
              /Operation: read\n[^]*- signup_token \(allowed for groups 'Administration \/ Access Rights'\)/,
            ),
          );
        }
      });

      test('name_get gives [id, display name] pairs', async () => {
        assert.deepEqual(await odoo.executeKw('res.partner', 'name_get', [[ids.beta, ids.alpha]]), [
          [ids.beta, `${tag} alpha, ${tag} beta`],
          [ids.alpha, `${tag} alpha`],
        ]);
      });

      test('check_object_reference resolves an external id for any user: [model, id], [model, false] when not found by a search', async () => {
        const reference = (xmlId: string, kwargs: Row = {}): Promise<unknown> =>
          odoo.executeKw('ir.model.data', 'check_object_reference', xmlId.split('.'), kwargs);
        assert.deepEqual(await reference('base.user_admin'), ['res.users', 2]);
        const [user] = await odoo.executeKw<Row[]>('res.users', 'read', [[2], ['login']]);
        assert.equal(user?.login, 'admin');
        const [model, partnerId] = (await reference('base.main_partner')) as [string, number];
        assert.equal(model, 'res.partner');
        assert.ok(Number.isInteger(partnerId) && partnerId > 0);
        await assert.rejects(
          reference('base.no_such_record'),
          expectFault(OdooServerError, 'builtins.ValueError', 'External ID not found in the system: base.no_such_record'),
        );
        // The public user is archived: the search behind the answer skips it unless active_test is off.
        assert.deepEqual(await reference('base.public_user'), ['res.users', false]);
        const [, publicId] = (await reference('base.public_user', { context: { active_test: false } })) as [string, number];
        assert.ok(Number.isInteger(publicId) && publicId > 2);
        await assert.rejects(
          reference('base.public_user', { raise_on_access_error: true }),
          expectFault(AccessError, 'odoo.exceptions.AccessError', 'Not enough access rights on the external ID: base.public_user'),
        );
      });

      test('ir.model.data itself is readable only in Administration / Access Rights', async () => {
        const lookup = odoo.executeKw<Row[]>(
          'ir.model.data',
          'search_read',
          [
            [
              ['module', '=', 'base'],
              ['name', '=', 'user_admin'],
            ],
          ],
          { fields: ['model', 'res_id'] },
        );
        if (accessRights) {
          const [admin] = await lookup;
          assert.equal(admin?.model, 'res.users');
          assert.equal(admin?.res_id, 2);
        } else
          await assert.rejects(
            lookup,
            expectFault(
              AccessError,
              'odoo.exceptions.AccessError',
              "You are not allowed to access 'Model Data' (ir.model.data) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Access Rights\n\nContact your administrator to request access if necessary.",
            ),
          );
      });
    });
  });
}
