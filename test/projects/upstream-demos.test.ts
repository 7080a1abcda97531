/**
 * Upstream's own project files (the five demo data files of module `sync`, kept beside the
 * repository in ../shared/upstream-demos/), module-qualified xml ids, re-imports that change nothing,
 * and files refused before they are read (empty, DTD with entities).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { withTransaction } from '../../server/src/db/index.js';
import { SecretCipher } from '../../server/src/secrets/index.js';
import { InvalidInputError } from '../../server/src/shared/errors.js';
import { packageRoot, samplesDir } from '../../server/src/shared/paths.js';
import { exportProject, importProjectXml, type ImportOptions, type ImportReport } from '../../server/src/projects/xml/index.js';

const cipher = new SecretCipher('upstream demos test key');
// The repository is checked out beside shared/, which holds upstream's files (never copied in
// here). A checkout without it says so and skips the tests that read them, as tests that need a
// real Odoo do without ODOO_URL.
const demosDir = join(packageRoot, '..', 'shared', 'upstream-demos');
const demosMissing = existsSync(demosDir)
  ? false
  : `upstream demo files not found in ${demosDir}: check the repository out beside shared/ (which holds upstream-demos/)`;
const demo = (name: string) => readFile(join(demosDir, name), 'utf8');
const installed = new Set(['telegram', 'github', 'trello', 'odoo']);

describe('project files: upstream demos, module-qualified ids, unchanged re-imports', () => {
  let db: TestDatabase;
  const importXml = (xml: string, options: Partial<ImportOptions> = {}): Promise<ImportReport> =>
    withTransaction(db.pool, (client) =>
      importProjectXml(client, xml, { cipher, knownPlugins: (name) => installed.has(name), ...options }),
    );
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await db.pool.query(sql, params)).rows[0] as T;
  const version = async (id: number) =>
    (await one<{ version: number }>('select version from sync_studio.project where id = $1', [id])).version;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  test('importing the same file again reports every record unchanged and keeps the project version', async () => {
    const xml = await readFile(join(samplesDir, 'sample-project.xml'), 'utf8');
    const first = await importXml(xml);
    const records = first.created;
    const before = await version(first.project!.id);
    const again = await importXml(xml);
    assert.deepEqual(
      { created: again.created, updated: again.updated, unchanged: again.unchanged, project: again.project },
      { created: 0, updated: 0, unchanged: records, project: { ...first.project, created: false } },
    );
    assert.equal(await version(first.project!.id), before);
    // Our own export of it, imported back, changes nothing either.
    const exported = await importXml(await exportProject(db.pool, first.project!.id));
    assert.deepEqual([exported.created, exported.updated, exported.unchanged, exported.ignored], [0, 0, records, []]);
    assert.equal(await version(first.project!.id), before);
    // One changed record is reported as such, and the version moves.
    const changed = await importXml(xml.replace('HOURLY_HELLO', 'HOURLY_HI'));
    assert.deepEqual([changed.created, changed.updated, changed.unchanged], [0, 1, records - 1]);
    assert.equal(await version(first.project!.id), before + 1);
  });

  test('a secret value given in the file, imported twice, is unchanged the second time', async () => {
    const xml = `<odoo><record id="sv" model="sync.project"><field name="name">SV</field></record>
      <record id="sv_token" model="sync.project.secret"><field name="key">TOKEN</field><field name="value">abc</field><field name="project_id" ref="sv"/></record></odoo>`;
    await importXml(xml);
    const again = await importXml(xml);
    assert.deepEqual([again.created, again.updated, again.unchanged], [0, 0, 2]);
  });

  test(
    'all five upstream demo files import: Python tasks archived, evaluation contexts mapped to plugins or reported',
    { skip: demosMissing },
    async () => {
      const contexts = await importXml(await demo('sync_project_context_demo.xml'));
      assert.equal(contexts.project, null);
      assert.deepEqual([contexts.created, contexts.updated, contexts.unchanged], [0, 0, 0]);
      assert.deepEqual(contexts.contexts, [
        { record: 'sync_project_context_odoo2odoo_demo', name: 'odoo2odoo_demo', plugin: 'odoo' },
        { record: 'sync_project_context_telegram_demo', name: 'telegram_demo', plugin: 'telegram' },
        { record: 'sync_project_context_trello_demo', name: 'trello', plugin: 'trello' },
        { record: 'sync_project_context_github_demo', name: 'github', plugin: 'github' },
        { record: 'sync_project_context_math_demo', name: 'math', plugin: null },
      ]);
      assert.deepEqual(contexts.warnings, ['evaluation-context plugin "math" is not installed']);

      const expected: Record<string, { name: string; contexts: string[]; archived: string[]; records: number }> = {
        'sync_project_telegram_demo.xml': {
          name: 'Demo Telegram Integration',
          contexts: ['telegram'],
          archived: ['Setup', 'Process Telegram Messages', 'Send response via Odoo'],
          records: 11,
        },
        'sync_project_odoo2odoo_demo.xml': {
          name: 'Demo Odoo2odoo Integration',
          contexts: ['odoo'],
          archived: ['Sync Local Partners To Remote Odoo', 'Sync Remote Partners Updates'],
          records: 11,
        },
        'sync_project_trello_github_demo.xml': {
          name: 'Demo Trello-Github Integration',
          contexts: ['trello', 'github', 'math'],
          archived: [
            'Setup',
            'Sync Github Issues to Trello (name, messages, labels)',
            'Sync Trello Cards to Github (labels)',
            'Sync labels Updating/Deleting',
            'Labels Conflict Resolving',
          ],
          records: 25,
        },
        'sync_project_unittest_demo.xml': {
          name: 'Project For Unittests',
          contexts: [],
          archived: ['Assign ref to new partners'],
          records: 4,
        },
      };
      for (const [file, want] of Object.entries(expected)) {
        const xml = await demo(file);
        const report = await importXml(xml);
        const project = await one<{ name: string; eval_contexts: string[] }>(
          'select name, eval_contexts from sync_studio.project where id = $1',
          [report.project!.id],
        );
        assert.deepEqual(
          { name: project.name, contexts: project.eval_contexts, archived: report.archived_python_tasks, records: report.created },
          want,
          file,
        );
        if (want.contexts.includes('math'))
          assert.ok(report.warnings.includes('evaluation-context plugin "math" is not installed'), report.warnings.join('\n'));
        // `sync.X` inside module sync's file is the record X of the file: imported once, found again.
        const again = await importXml(xml);
        assert.deepEqual(
          [again.project!.id, again.created, again.updated, again.unchanged],
          [report.project!.id, 0, 0, want.records],
          file,
        );
      }
      const param = await one('select p.xml_id from sync_studio.project_text p where p.key = $1', ['TELEGRAM_WELCOME_MESSAGE']);
      assert.deepEqual(param, { xml_id: 'telegram_project/telegram_project_param_welcome' });
    },
  );

  test('an upstream export with ids of another module lands on the project of the unqualified export', async () => {
    const first = await importXml(
      `<odoo><record id="export-probe--sync-project" model="sync.project"><field name="name">Export probe</field></record>
        <record id="go--sync-task" model="sync.task"><field name="name">Go</field><field name="project_id" ref="export-probe--sync-project"/></record></odoo>`,
    );
    const qualified = (await exportProject(db.pool, first.project!.id))
      .replaceAll('id="export-probe--sync-project"', 'id="sync_x.export-probe--sync-project"')
      .replaceAll('ref="export-probe--sync-project"', 'ref="sync_x.export-probe--sync-project"')
      .replaceAll('id="go--sync-task"', 'id="sync_x.go--sync-task"');
    assert.match(qualified, /<record id="sync_x\.go--sync-task"/);
    const report = await importXml(qualified);
    assert.deepEqual([report.project!.id, report.project!.created, report.created, report.unchanged], [first.project!.id, false, 0, 2]);
    // The module may be given instead of inferred; a ref into another module is not a record of this file.
    const given = await importXml(qualified.replaceAll('sync_x.', 'other.'), { module: 'other' });
    assert.deepEqual([given.project!.id, given.unchanged], [first.project!.id, 2]);
    const foreignRef = qualified.replace('ref="sync_x.export-probe--sync-project"', 'ref="other.export-probe--sync-project"');
    await assert.rejects(
      importXml(foreignRef, { module: 'sync_x' }),
      /record "go--sync-task": field project_id: refers to "other\.export-probe--sync-project", which is neither in this file nor in the database/,
    );
    await assert.rejects(importXml(foreignRef), /ids of more than one module \(other, sync_x\): say which module the file belongs to/);
  });

  describe('files refused before they are read, with one line naming the problem', () => {
    const cases: [string, string, RegExp][] = [
      ['an empty file', '', /^the file is empty$/],
      ['a file of blanks', ' \n\t\n', /^the file is empty$/],
      [
        'an external entity',
        '<?xml version="1.0"?>\n<!DOCTYPE odoo [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<odoo>&x;</odoo>',
        /^the file declares an external entity x \(SYSTEM "file:\/\/\/etc\/passwd"\): project files may not declare entities or a DTD$/,
      ],
      [
        'an internal entity',
        '<!DOCTYPE odoo [<!ENTITY a "aaaa">]><odoo>&a;</odoo>',
        /^the file declares an entity a: project files may not declare entities or a DTD$/,
      ],
    ];
    for (const [what, xml, message] of cases) {
      test(what, async () => {
        await assert.rejects(importXml(xml), (error: Error) => {
          assert.ok(error instanceof InvalidInputError, `${error.name}: ${error.stack}`);
          assert.match(error.message, message);
          return true;
        });
      });
    }
  });
});
