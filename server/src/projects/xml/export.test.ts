import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.js';
import { withTransaction } from '../../db/index.js';
import { NotFoundError } from '../../shared/errors.js';
import { SecretCipher } from '../../secrets/cipher.js';
import { exportProject, importProjectXml } from './index.js';

describe('project files: export', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  /** A project made through SQL, as the panel would: no xml ids anywhere. */
  async function makeProject(name: string): Promise<number> {
    const { rows } = await db.pool.query<{ id: number }>(
      `insert into sync_studio.project (name, eval_contexts, common_code) values ($1, '{telegram}', '') returning id`,
      [name],
    );
    const projectId = rows[0]!.id;
    await db.pool.query(
      `insert into sync_studio.project_param (project_id, key, value, url) values ($1, 'API_URL', 'https://a.example', '')`,
      [projectId],
    );
    const task = await db.pool.query<{ id: number }>(
      `insert into sync_studio.task (project_id, name, code) values ($1, 'Sync', '') returning id`,
      [projectId],
    );
    const twin = await db.pool.query<{ id: number }>(
      `insert into sync_studio.task (project_id, name, code) values ($1, 'Sync', '') returning id`,
      [projectId],
    );
    await db.pool.query(`insert into sync_studio.trigger_button (task_id, trigger_name) values ($1, 'GO')`, [task.rows[0]!.id]);
    await db.pool.query(`insert into sync_studio.trigger_webhook (task_id, trigger_name) values ($1, 'HOOK')`, [twin.rows[0]!.id]);
    return projectId;
  }

  test('generates upstream-style xml ids, stores them, and reuses them in later exports', async () => {
    const projectId = await makeProject('Über Sync!');
    const xml = await exportProject(db.pool, projectId, { pluginDisplayName: (name) => `${name} (plugin)` });
    assert.match(
      xml,
      /<record id="telegram--project-context" model="sync.project.context">\n {8}<field name="name">telegram<\/field>\n {8}<field name="display_name">telegram \(plugin\)<\/field>/,
    );
    assert.match(xml, /<record id="uber-sync--sync-project" model="sync.project">/);
    assert.match(xml, /<field name="eval_context_ids" eval="\[\(6, 0, \[ref\('telegram--project-context'\)\]\)\]"\/>/);
    assert.match(xml, /<record id="api-url--project-parameter" model="sync.project.param">/);
    // Two tasks with one name: the second gets a suffix.
    assert.match(
      xml,
      /<record id="sync--sync-task" model="sync.task">[\s\S]*<record id="go--manual-trigger"[\s\S]*<record id="sync--sync-task-2" model="sync.task">[\s\S]*<record id="hook--webhook-trigger"/,
    );
    assert.doesNotMatch(xml, /path|website/);
    const { rows } = await db.pool.query(`select xml_id from sync_studio.task where project_id = $1 order by id`, [projectId]);
    assert.deepEqual(rows, [
      { xml_id: 'uber-sync--sync-project/sync--sync-task' },
      { xml_id: 'uber-sync--sync-project/sync--sync-task-2' },
    ]);
    assert.equal(await exportProject(db.pool, projectId, { pluginDisplayName: (name) => `${name} (plugin)` }), xml);
  });

  test('a second project of the same name gets its own project id, its records keep the same file ids', async () => {
    const projectId = await makeProject('Über Sync!');
    const xml = await exportProject(db.pool, projectId);
    assert.match(xml, /<record id="uber-sync--sync-project-2" model="sync.project">/);
    assert.match(xml, /<record id="api-url--project-parameter" model="sync.project.param">/);
    assert.match(xml, /<field name="project_id" ref="uber-sync--sync-project-2"\/>/);
  });

  test('the header carries the given author, years and license, remembered for later exports; none of ours by default', async () => {
    const projectId = await makeProject('Header');
    const start = (xml: string) => xml.slice(0, xml.indexOf('<odoo>\n') + 7);
    assert.equal(start(await exportProject(db.pool, projectId)), `<?xml version='1.0' encoding='UTF-8'?>\n<odoo>\n`);
    const header = { author: 'Jane Doe <https://example.com>', years: '2024-2026', license: 'License LGPL-3.0 -- or later' };
    const janes = `<?xml version='1.0' encoding='UTF-8'?>\n<!-- Copyright 2024-2026 Jane Doe <https://example.com>\n     License LGPL-3.0 - - or later. -->\n<odoo>\n`;
    // A read-only export writes what it is given, and remembers nothing.
    assert.equal(start(await exportProject(db.pool, projectId, { ...header, readOnly: true })), janes);
    assert.equal(start(await exportProject(db.pool, projectId)), `<?xml version='1.0' encoding='UTF-8'?>\n<odoo>\n`);
    assert.equal(start(await exportProject(db.pool, projectId, header)), janes);
    assert.equal(start(await exportProject(db.pool, projectId)), janes, 'remembered');
    assert.equal(
      start(await exportProject(db.pool, projectId, { license: '' })),
      `<?xml version='1.0' encoding='UTF-8'?>\n<!-- Copyright 2024-2026 Jane Doe <https://example.com> -->\n<odoo>\n`,
      'an empty part is cleared',
    );
  });

  test('an exported project imports back into the same database as an update', async () => {
    const projectId = await makeProject('Again');
    const xml = await exportProject(db.pool, projectId);
    const report = await withTransaction(db.pool, (client) => importProjectXml(client, xml, { cipher: new SecretCipher('k') }));
    assert.deepEqual(
      { id: report.project!.id, created: report.project!.created, rows: report.created },
      { id: projectId, created: false, rows: 0 },
    );
  });

  test('a code character XML cannot carry is refused by name; a missing project is NotFoundError', async () => {
    const projectId = await makeProject('Control');
    await db.pool.query(`update sync_studio.task set code = 'log("\u0007")' where project_id = $1`, [projectId]);
    await assert.rejects(exportProject(db.pool, projectId), /field code holds a control character/);
    await assert.rejects(exportProject(db.pool, 999_999), NotFoundError);
  });
});
