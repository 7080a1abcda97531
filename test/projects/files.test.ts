/** Project files through the API and the CLI; plugins listed and validated on projects. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mintToken } from '../../server/src/auth/index.js';
import type { EvalContextPlugin } from '../../server/src/plugins/index.js';
import { createTestDatabase } from '../helpers/db.js';
import { TEST_SECRET } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

const mathPlugin: EvalContextPlugin = {
  name: 'math',
  displayName: 'Math functions',
  description: 'Exports sqrt.',
  exportNames: ['sqrt'],
  create: () => ({ sqrt: (x: number) => Math.sqrt(x) }),
};

let s: TestStack;
let dir: string;
before(async () => {
  s = await createTestStack({ plugins: [mathPlugin] });
  dir = await mkdtemp(join(tmpdir(), 'sync-studio-files-'));
});
after(async () => {
  await s.close();
  await rm(dir, { recursive: true, force: true });
});

test('installed plugins are listed, and a project may only select installed ones', async () => {
  const list = await s.call('user', 'GET', '/api/plugins');
  assert.deepEqual(list.body.items, [{ name: 'math', display_name: 'Math functions', description: 'Exports sqrt.', exports: ['sqrt'] }]);
  const bad = await s.call('administrator', 'POST', '/api/projects', { name: 'p', eval_contexts: ['telepathy'] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'eval_contexts');
  assert.match(bad.body.error.message, /telepathy/);
  assert.equal((await s.call('administrator', 'POST', '/api/projects', { name: 'p', eval_contexts: ['math'] })).status, 201);
});

test('export over the API, import over the API into the same database updates instead of duplicating', async () => {
  const { projectId } = await s.project(`function handle_button() { log(sqrt(16)); }`, { evalContexts: ['math'] });
  await s.store.create('secret', projectId, { key: 'TOKEN', value: 'never-exported-value' });
  // A developer's export stores the generated xml ids, so the import below finds the project.
  const token = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'developer', exp: Math.floor(Date.now() / 1000) + 60 });
  const exported = await s.app.request(`/api/projects/${projectId}/export`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(exported.status, 200);
  assert.match(exported.headers.get('content-type')!, /application\/xml/);
  const xml = await exported.text();
  assert.match(xml, /<field name="display_name">Math functions<\/field>/);
  assert.match(xml, /TOKEN/);
  assert.doesNotMatch(xml, /never-exported-value/);

  const adminToken = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'administrator', exp: Math.floor(Date.now() / 1000) + 60 });
  const before = (await s.call('user', 'GET', '/api/projects')).body.total;
  const imported = await s.app.request('/api/projects/import', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/xml' },
    body: xml,
  });
  assert.equal(imported.status, 200, await imported.clone().text());
  const report = (await imported.json()) as { project: { id: number; created: boolean }; created: number };
  assert.equal(report.project.id, projectId);
  assert.equal(report.created, 0);
  assert.equal((await s.call('user', 'GET', '/api/projects')).body.total, before);

  const asDeveloper = await s.call('developer', 'POST', '/api/projects/import');
  assert.equal(asDeveloper.status, 403);
  const notXml = await s.app.request('/api/projects/import', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/xml' },
    body: '<odoo><record',
  });
  assert.equal(notXml.status, 400);
});

test('sync-studio export then import into another database reproduces the project byte for byte', async () => {
  const { projectId } = await s.project(`function handle_button() { return 'ünïcode ]]> inside'; }`, {
    trigger: { description: 'Push — now' },
  });
  const env = { DATABASE_URL: s.db.url, SYNC_STUDIO_SECRET: TEST_SECRET };
  const exported = await runCli(['export', String(projectId)], env);
  assert.equal(exported.code, 0, exported.stderr);
  const file = join(dir, 'project.xml');
  await writeFile(file, exported.stdout);

  const other = await createTestDatabase('ss_files');
  try {
    const otherEnv = { DATABASE_URL: other.url, SYNC_STUDIO_SECRET: TEST_SECRET };
    const imported = await runCli(['import', file], otherEnv);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(JSON.parse(imported.stdout).project.created, true);
    const { rows } = await other.pool.query('select id from sync_studio.project');
    const again = await runCli(['export', String(rows[0].id)], otherEnv);
    assert.equal(again.stdout, await readFile(file, 'utf8'));
    const missing = await runCli(['import', join(dir, 'nope.xml')], otherEnv);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*nope\.xml/);
  } finally {
    await other.drop();
  }
});

test('an export by role user changes nothing (no xml ids written); a developer export stores them', async () => {
  const { projectId } = await s.project(`function handle_button() {}`);
  await s.store.create('param', projectId, { key: 'P1', value: 'v' });
  await s.store.create('param', projectId, { key: 'P2', value: 'w' });
  const stored = async () =>
    (
      await s.db.pool.query<{ n: number }>(
        `select (select count(xml_id) from sync_studio.project where id = $1)
              + (select count(xml_id) from sync_studio.project_param where project_id = $1)
              + (select count(xml_id) from sync_studio.task where project_id = $1)
              + (select count(b.xml_id) from sync_studio.trigger_button b join sync_studio.task t on t.id = b.task_id where t.project_id = $1)
              as n`,
        [projectId],
      )
    ).rows[0]!.n;
  const exportAs = async (role: 'user' | 'developer') => {
    const token = mintToken(TEST_SECRET, { uid: 7, db: 'odoo', role, exp: Math.floor(Date.now() / 1000) + 600 });
    const res = await s.app.request(`/api/projects/${projectId}/export`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    return res.text();
  };
  const byUser = await exportAs('user');
  assert.equal(Number(await stored()), 0, 'a read-only caller wrote nothing');
  assert.match(byUser, /<record id="p1--/);
  assert.equal(await exportAs('user'), byUser, 'the same file each time');
  const byDeveloper = await exportAs('developer');
  assert.equal(byDeveloper, byUser, 'the ids a developer export stores are the ones users were shown');
  assert.equal(Number(await stored()), 5);
});

test('malformed eval values (deep nesting, \\U escapes past U+10FFFF) answer 400 naming the record and field', async () => {
  const token = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'administrator', exp: Math.floor(Date.now() / 1000) + 60 });
  const importFile = async (field: string) => {
    const xml = `<?xml version='1.0' encoding='UTF-8'?>
<odoo>
    <record id="evil--sync-project" model="sync.project">
        <field name="name">Evil</field>
        ${field}
    </record>
</odoo>`;
    const res = await s.app.request('/api/projects/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: xml,
    });
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; field?: string } } };
  };
  const deep = await importFile(`<field name="eval_context_ids" eval="${'['.repeat(100_000)}${']'.repeat(100_000)}"/>`);
  assert.equal(deep.status, 400);
  assert.equal(deep.body.error.field, 'eval_context_ids');
  assert.match(
    deep.body.error.message,
    /^record "evil--sync-project": field eval_context_ids: cannot read eval: lists or tuples nested deeper than 64 levels/,
  );
  assert.ok(deep.body.error.message.length < 1000, 'the message quotes the value shortened');

  const escape = await importFile(`<field name="common_code" eval="'\\U00110000'"/>`);
  assert.equal(escape.status, 400);
  assert.equal(escape.body.error.field, 'common_code');
  assert.match(
    escape.body.error.message,
    /^record "evil--sync-project": field common_code: cannot read eval: \\U00110000 is beyond the last Unicode character U\+10FFFF/,
  );
  assert.equal((await s.db.pool.query(`select 1 from sync_studio.project where name = 'Evil'`)).rowCount, 0, 'nothing imported');
});

test('an unchanged re-import over the API reports every record unchanged; the module is an option (?module=, --module)', async () => {
  const token = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'administrator', exp: Math.floor(Date.now() / 1000) + 60 });
  const post = async (xml: string, query = '') => {
    const res = await s.app.request(`/api/projects/import${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: xml,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  // Bare ids of module m1's file; the second file names the module only through the option.
  const xml = (prefix: string) => `<odoo>
    <record id="${prefix}mod-probe" model="sync.project"><field name="name">Module probe</field></record>
    <record id="${prefix}mod-task" model="sync.task"><field name="name">T</field><field name="project_id" ref="${prefix}mod-probe"/></record>
  </odoo>`;
  const first = await post(xml(''));
  assert.equal(first.status, 201);
  const again = await post(xml('m1.'), '?module=m1');
  assert.equal(again.status, 200);
  assert.deepEqual([again.body.project.id, again.body.created, again.body.updated, again.body.unchanged], [first.body.project.id, 0, 0, 2]);

  const file = join(dir, 'qualified.xml');
  await writeFile(file, xml('m2.').replace('ref="m2.mod-probe"', 'ref="mod-probe"'));
  const env = { DATABASE_URL: s.db.url, SYNC_STUDIO_SECRET: TEST_SECRET };
  const cli = await runCli(['import', '--module', 'm2', file], env);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).project, { id: first.body.project.id, xml_id: 'mod-probe', created: false });
  assert.equal(JSON.parse(cli.stdout).unchanged, 2);
});

test('an empty file and a file with an external entity are refused with one line naming the problem', async () => {
  const token = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'administrator', exp: Math.floor(Date.now() / 1000) + 60 });
  const entity = '<?xml version="1.0"?>\n<!DOCTYPE odoo [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<odoo>&x;</odoo>\n';
  const refusal =
    /^the file declares an external entity x \(SYSTEM "file:\/\/\/etc\/passwd"\): project files may not declare entities or a DTD$/;
  for (const [xml, message] of [
    ['', /^the file is empty$/],
    [entity, refusal],
  ] as const) {
    const res = await s.app.request('/api/projects/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: xml,
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, message);
  }
  const env = { DATABASE_URL: s.db.url, SYNC_STUDIO_SECRET: TEST_SECRET };
  for (const [name, xml, message] of [
    ['empty.xml', '', 'the file is empty'],
    ['entity.xml', entity, refusal.source.slice(1, -1).replace(/\\/g, '')],
  ] as const) {
    await writeFile(join(dir, name), xml);
    const cli = await runCli(['import', join(dir, name)], env);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, `sync-studio: ${message}\n`);
  }
});

test("the export header's author, years and licence are options (API query, CLI flags), remembered per database", async () => {
  const { projectId } = await s.project(`function handle_button() {}`);
  const exportAs = async (role: 'user' | 'developer', query = '') => {
    const token = mintToken(TEST_SECRET, { uid: 7, db: 'odoo', role, exp: Math.floor(Date.now() / 1000) + 600 });
    const res = await s.app.request(`/api/projects/${projectId}/export${query}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, text, head: text.slice(0, text.indexOf('<odoo>')) };
  };
  const none = await exportAs('developer');
  assert.equal(none.head, `<?xml version='1.0' encoding='UTF-8'?>\n`);
  assert.doesNotMatch(none.text, /Sync Studio|2025/);

  const query = `?author=${encodeURIComponent('Jane Doe')}&years=2024-2026&license=${encodeURIComponent('License LGPL-3.0 or later')}`;
  const jane = `<?xml version='1.0' encoding='UTF-8'?>\n<!-- Copyright 2024-2026 Jane Doe\n     License LGPL-3.0 or later. -->\n`;
  assert.equal((await exportAs('user', '?author=Eve')).head, `<?xml version='1.0' encoding='UTF-8'?>\n<!-- Copyright Eve -->\n`);
  assert.equal((await exportAs('developer')).head, none.head, "a user's options are not remembered");
  assert.equal((await exportAs('developer', query)).head, jane);
  assert.equal((await exportAs('user')).head, jane, 'remembered for every caller');

  const bad = await exportAs('developer', '?author=a%0Ab');
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.text).error.message, /query: field "author": expected one line/);
  const unknown = await exportAs('developer', '?colour=blue');
  assert.equal(unknown.status, 400);
  assert.match(JSON.parse(unknown.text).error.message, /unknown field "colour"/);

  const env = { DATABASE_URL: s.db.url, SYNC_STUDIO_SECRET: TEST_SECRET };
  const cli = await runCli(['export', String(projectId), '--author', 'Ann', '--years', '2027'], env);
  assert.equal(cli.code, 0, cli.stderr);
  const ann = `<?xml version='1.0' encoding='UTF-8'?>\n<!-- Copyright 2027 Ann\n     License LGPL-3.0 or later. -->\n<odoo>\n`;
  assert.ok(cli.stdout.startsWith(ann), cli.stdout.slice(0, 200));
  const again = await runCli(['export', String(projectId)], env);
  assert.ok(again.stdout.startsWith(ann), 'the CLI remembers too');
  assert.equal((await exportAs('user')).head, ann.replace('<odoo>\n', ''));
});
