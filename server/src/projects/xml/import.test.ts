import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.js';
import { withTransaction } from '../../db/index.js';
import { openSecret, SecretCipher, type StoredSecret } from '../../secrets/index.js';
import { InvalidInputError } from '../../shared/errors.js';
import { packageRoot, samplesDir } from '../../shared/paths.js';
import { exportProject, importProjectXml, type ImportOptions, type ImportReport } from './index.js';

const cipher = new SecretCipher('import test key');
const fixture = (name: string) => readFile(join(packageRoot, 'test', 'fixtures', 'projects', name), 'utf8');

/** A small project file around the given records (the project's xml id is `p`). */
function projectFile(records: string, project = '<field name="name">P</field>'): string {
  return `<?xml version='1.0' encoding='UTF-8'?>\n<odoo>\n<record id="p" model="sync.project">${project}</record>\n${records}\n</odoo>\n`;
}
const task = (id: string, extra = '') =>
  `<record id="${id}" model="sync.task"><field name="name">${id}</field><field name="project_id" ref="p"/>${extra}</record>`;

describe('project files: import', () => {
  let db: TestDatabase;
  const importXml = (xml: string, options: Partial<ImportOptions> = {}): Promise<ImportReport> =>
    withTransaction(db.pool, (client) => importProjectXml(client, xml, { cipher, ...options }));
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await db.pool.query(sql, params)).rows[0] as T;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  test('the sample project imports: active, a button, an hourly cron left disabled, a JSON echo webhook', async () => {
    const report = await importXml(await readFile(join(samplesDir, 'sample-project.xml'), 'utf8'));
    assert.deepEqual(
      { ignored: report.ignored, warnings: report.warnings, archived: report.archived_python_tasks },
      { ignored: [], warnings: [], archived: [] },
    );
    const project = await one<{ name: string; active: boolean }>('select name, active from sync_studio.project where id = $1', [
      report.project!.id,
    ]);
    assert.deepEqual(project, { name: 'Sample: Hello Sync Studio', active: true });
    const cron = await one(
      'select trigger_name, active, interval_number, interval_type, numbercall from sync_studio.trigger_cron where xml_id = $1',
      ['sample-hello-sync-studio--sync-project/hourly-hello--cron-trigger'],
    );
    assert.deepEqual(cron, { trigger_name: 'HOURLY_HELLO', active: false, interval_number: 1, interval_type: 'hours', numbercall: -1 });
    const webhook = await one<{ kind: string; code: string }>(
      'select w.kind, t.code from sync_studio.trigger_webhook w join sync_studio.task t on t.id = w.task_id where w.trigger_name = $1',
      ['ECHO'],
    );
    assert.equal(webhook.kind, 'json');
    assert.match(webhook.code, /async function handle_webhook\(request\) \{\n.*\n {2}return \{ received: request\.json \};/);
    assert.equal(
      (await one<{ n: number }>(`select count(*)::int as n from sync_studio.trigger_button where trigger_name = 'SAY_HELLO'`)).n,
      1,
    );
  });

  test('an upstream export (test/fixtures/projects/upstream-partner-export.xml): Python task kept but archived, plugin from the file, defaults filled', async () => {
    const report = await importXml(await fixture('upstream-partner-export.xml'), { knownPlugins: (name) => name !== 'math' });
    assert.deepEqual(report.archived_python_tasks, ['Push partners']);
    assert.ok(report.warnings.some((w) => /Python/.test(w)));
    assert.ok(report.warnings.includes('evaluation-context plugin "math" is not installed'));
    assert.deepEqual(report.ignored, []);
    assert.equal(report.created, 9);
    const project = await one('select name, active, eval_contexts from sync_studio.project where id = $1', [report.project!.id]);
    assert.deepEqual(project, { name: 'Partner Export', active: false, eval_contexts: ['math'] });
    const pushTask = await one<{ active: boolean; code: string }>(
      `select active, code from sync_studio.task where xml_id = 'partner-export--sync-project/push-partners--sync-task'`,
    );
    assert.deepEqual(pushTask, { active: false, code: 'def handle_button():\n    log("manual push")\n' });
    const cron = await one('select numbercall, interval_type from sync_studio.trigger_cron where xml_id = $1', [
      'partner-export--sync-project/nightly--cron-trigger',
    ]);
    assert.deepEqual(cron, { numbercall: -1, interval_type: 'days' });
    const trigger = await one('select model, kind, filter_domain from sync_studio.trigger_db where xml_id = $1', [
      'partner-export--sync-project/on-partner-change--db-trigger',
    ]);
    assert.deepEqual(trigger, { model: 'res.partner', kind: 'on_create_or_write', filter_domain: '[("customer_rank", ">", 0)]' });
  });

  test('a hand-written upstream demo: Python common code archives every task, unused fields and unresolved refs are reported', async () => {
    const report = await importXml(await fixture('upstream-telegram-demo.xml'));
    assert.deepEqual(report.archived_python_tasks, ['Setup', 'Process Telegram Messages', 'Send response via Odoo']);
    assert.ok(report.warnings.some((w) => /common code is Python/.test(w)));
    assert.deepEqual(
      report.ignored.map(({ record, field }) => `${record}.${field}`),
      ['telegram_webhook.groups_id', 'telegram_db_trigger.trg_date_calendar_id'],
    );
    // ref('sync.sync_project_context_telegram_demo') is upstream's Telegram context: our telegram plugin.
    const contexts = await one('select eval_contexts from sync_studio.project where id = $1', [report.project!.id]);
    assert.deepEqual(contexts, { eval_contexts: ['telegram'] });
    const text = await one('select description, value from sync_studio.project_text where xml_id = $1', [
      'telegram_project/telegram_welcome_message',
    ]);
    assert.deepEqual(text, { description: 'Sent on first bot use', value: { en_US: 'Hello! How can I help you?' } });
    const dbTrigger = await one('select model, kind, filter_domain, description from sync_studio.trigger_db where xml_id = $1', [
      'telegram_project/telegram_db_trigger',
    ]);
    assert.deepEqual(dbTrigger, {
      model: 'mail.message',
      kind: 'on_create',
      filter_domain: '[["model","=","res.partner"],["body","ilike","/telegram"]]',
      description: 'Sync Studio: Demo Telegram Integration -> ON_MESSAGE_POSTED',
    });
    const secret = await one('select url, value_encrypted from sync_studio.project_secret where xml_id = $1', [
      'telegram_project/telegram_bot_token',
    ]);
    assert.deepEqual(secret, { url: 'https://core.telegram.org/bots#how-do-i-create-a-bot', value_encrypted: null });
    const common = await one<{ common_code: string }>('select common_code from sync_studio.project where id = $1', [report.project!.id]);
    assert.match(common.common_code, /^\n\ndef user2name\(user\):\n/);
  });

  test('unknown fields and elements other than records are reported by name, the rest is imported', async () => {
    const report = await importXml(
      projectFile(
        task('t_unknown', '<field name="colour">blue</field><field name="priority">3</field>') +
          '<record id="ctx" model="sync.project.context"><field name="name">math</field><field name="description">Math</field></record>' +
          '<function model="sync.project" name="activate"/>',
      ),
    );
    assert.deepEqual(report.ignored, [
      { record: '<function>', reason: 'not a <record>: a project file holds records only' },
      { record: 'ctx', field: 'description', reason: 'unknown field' },
      { record: 't_unknown', field: 'colour', reason: 'unknown field' },
      { record: 't_unknown', field: 'priority', reason: 'priorities are not used by Sync Studio' },
    ]);
    assert.equal((await one<{ n: number }>(`select count(*)::int as n from sync_studio.task where xml_id = 'p/t_unknown'`)).n, 1);
  });

  test('initial_value fills only an empty value; value overwrites', async () => {
    const file = (param: string, text: string, empty: string) =>
      projectFile(
        `<record id="iv_param" model="sync.project.param"><field name="key">URL</field><field name="project_id" ref="p"/>${param}</record>` +
          `<record id="iv_text" model="sync.project.text"><field name="key">HELLO</field><field name="project_id" ref="p"/>${text}</record>` +
          `<record id="iv_empty" model="sync.project.param"><field name="key">LATER</field><field name="project_id" ref="p"/>${empty}</record>`,
      );
    await importXml(
      file('<field name="initial_value">a</field>', '<field name="initial_value">Hi</field>', '<field name="initial_value"></field>'),
    );
    const values = async () => [
      (await one<{ value: string | null }>(`select value from sync_studio.project_param where xml_id = 'p/iv_param'`)).value,
      (await one<{ value: unknown }>(`select value from sync_studio.project_text where xml_id = 'p/iv_text'`)).value,
      (await one<{ value: string | null }>(`select value from sync_studio.project_param where xml_id = 'p/iv_empty'`)).value,
    ];
    assert.deepEqual(await values(), ['a', { en_US: 'Hi' }, null]);
    await db.pool.query(`update sync_studio.project_param set value = 'edited' where xml_id = 'p/iv_param'`);
    await db.pool.query(`update sync_studio.project_text set value = '{"en_US": "Edited", "fr_FR": "Salut"}' where xml_id = 'p/iv_text'`);
    await importXml(
      file('<field name="initial_value">b</field>', '<field name="initial_value">Hello</field>', '<field name="initial_value">now</field>'),
    );
    assert.deepEqual(await values(), ['edited', { en_US: 'Edited', fr_FR: 'Salut' }, 'now']);
    await importXml(file('<field name="value">c</field>', '<field name="value">Bonjour</field>', '<field name="value"></field>'));
    assert.deepEqual(await values(), ['c', { en_US: 'Bonjour', fr_FR: 'Salut' }, null]);
  });

  test('secret values can be imported, are stored encrypted, and are never exported', async () => {
    const file = (value: string) =>
      projectFile(
        `<record id="s_token" model="sync.project.secret"><field name="key">TOKEN</field><field name="project_id" ref="p"/>${value}</record>`,
      );
    const report = await importXml(file('<field name="value">s3cr3t-value</field>'));
    const stored = await one<StoredSecret>(`select * from sync_studio.project_secret where xml_id = 'p/s_token'`);
    assert.notEqual(stored.value_encrypted, 's3cr3t-value');
    assert.equal(openSecret(cipher, stored), 's3cr3t-value');
    await importXml(file('<field name="initial_value">other</field>'));
    const kept = await one<StoredSecret>(`select * from sync_studio.project_secret where xml_id = 'p/s_token'`);
    assert.equal(openSecret(cipher, kept), 's3cr3t-value');
    const exported = await exportProject(db.pool, report.project!.id);
    assert.doesNotMatch(exported, /s3cr3t-value/);
    assert.match(
      exported,
      /<record id="s_token" model="sync.project.secret">\n {8}<field name="key">TOKEN<\/field>\n {8}<field name="description"><\/field>\n {8}<field name="url" eval=""\/>\n {8}<field name="project_id" ref="p"\/>\n {4}<\/record>/,
    );
  });

  test('noupdate records are created once and never updated', async () => {
    const file = (name: string) => projectFile(`<data noupdate="1">${task('t_noupdate', `<field name="code">${name}</field>`)}</data>`);
    await importXml(file('first'));
    const report = await importXml(file('second'));
    assert.equal((await one<{ code: string }>(`select code from sync_studio.task where xml_id = 'p/t_noupdate'`)).code, 'first');
    assert.deepEqual([report.updated, report.unchanged], [0, 2]); // the project gives what it holds; the task is not updated
  });

  test('two projects may use the same record ids: each project scopes the ids of its records', async () => {
    await importXml(projectFile(task('t_shared')));
    const other = projectFile(task('t_shared'), '<field name="name">Other</field>')
      .replace('id="p"', 'id="other"')
      .replace('ref="p"', 'ref="other"');
    const report = await importXml(other);
    assert.equal(report.created, 2);
    const { rows } = await db.pool.query(`select xml_id from sync_studio.task where xml_id like '%/t_shared' order by id`);
    assert.deepEqual(rows, [{ xml_id: 'p/t_shared' }, { xml_id: 'other/t_shared' }]);
    const exported = await exportProject(db.pool, report.project!.id);
    assert.match(exported, /<record id="t_shared" model="sync.task">/);
  });

  test("a ref to another project's task is refused", async () => {
    const xml = projectFile(
      '<record id="b1" model="sync.trigger.button"><field name="trigger_name">GO</field><field name="sync_task_id" ref="t_shared"/></record>',
    ).replace('id="p"', 'id="third"');
    await assert.rejects(
      importXml(xml),
      /record "b1": field sync_task_id: refers to "t_shared", which is neither in this file nor in the database/,
    );
  });

  describe('bad files are refused with a message naming the record and field, and write nothing', () => {
    const cases: [string, string, RegExp][] = [
      ['not XML', 'this is not xml <', /not a well-formed XML file/],
      ['no <odoo> root', '<html><body/></html>', /root element must be <odoo>/],
      [
        'an unknown model',
        projectFile('<record id="x" model="res.partner"><field name="name">A</field></record>'),
        /record "x": unknown model res\.partner/,
      ],
      [
        'a ref to a missing project',
        projectFile(task('t1').replace('ref="p"', 'ref="nowhere"')),
        /record "t1": field project_id: refers to "nowhere", which is neither in this file nor in the database/,
      ],
      [
        'a ref to a missing task',
        projectFile(
          '<record id="b1" model="sync.trigger.button"><field name="trigger_name">GO</field><field name="sync_task_id" ref="missing_task"/></record>',
        ),
        /record "b1": field sync_task_id: refers to "missing_task"/,
      ],
      [
        'two projects',
        projectFile('<record id="p2" model="sync.project"><field name="name">Q</field></record>'),
        /2 sync\.project records \("p", "p2"\)/,
      ],
      ['no project', `<odoo>${task('t1')}</odoo>`, /no sync\.project record/],
      [
        'an interval_number that is not a number',
        projectFile(
          `${task('t1')}<record id="c1" model="sync.trigger.cron"><field name="trigger_name">C</field><field name="sync_task_id" ref="t1"/><field name="interval_number">abc</field></record>`,
        ),
        /record "c1": field interval_number: expects an integer, got "abc"/,
      ],
      [
        'an eval that is not a literal',
        projectFile(task('t1', '<field name="active" eval="__import__(\'os\')"/>')),
        /record "t1": field active: cannot read eval/,
      ],
      [
        'a DB trigger kind Sync Studio does not have',
        projectFile(
          `${task('t1')}<record id="d1" model="sync.trigger.automation"><field name="trigger_name">D</field><field name="sync_task_id" ref="t1"/><field name="model_id" ref="base.model_res_partner"/><field name="trigger">on_change</field></record>`,
        ),
        /record "d1": field trigger: "on_change" is not one of on_create/,
      ],
      [
        'a bad nextcall',
        projectFile(
          `${task('t1')}<record id="c1" model="sync.trigger.cron"><field name="trigger_name">C</field><field name="sync_task_id" ref="t1"/><field name="nextcall">tomorrow</field></record>`,
        ),
        /record "c1": field nextcall: expects a UTC datetime/,
      ],
      [
        'a bad trigger name',
        projectFile(
          `${task('t1')}<record id="b1" model="sync.trigger.button"><field name="trigger_name">NOT VALID</field><field name="sync_task_id" ref="t1"/></record>`,
        ),
        /record "b1" \(sync\.trigger\.button\): field "trigger_name"/,
      ],
      [
        'two triggers of a kind with one name',
        projectFile(
          `${task('t1')}<record id="b1" model="sync.trigger.button"><field name="trigger_name">GO</field><field name="sync_task_id" ref="t1"/></record><record id="b2" model="sync.trigger.button"><field name="trigger_name">GO</field><field name="sync_task_id" ref="t1"/></record>`,
        ),
        /two manual triggers of the project are named GO/,
      ],
      ['a record id used twice', projectFile(task('t1') + task('t1')), /record "t1" appears twice/],
      [
        'a new task without a name',
        projectFile('<record id="t1" model="sync.task"><field name="project_id" ref="p"/></record>'),
        /record "t1": a new task needs the field name/,
      ],
    ];
    for (const [what, xml, message] of cases) {
      test(what, async () => {
        const before = await one<{ n: number }>(
          'select (select count(*) from sync_studio.project) + (select count(*) from sync_studio.task) as n',
        );
        await assert.rejects(importXml(xml), (error: Error) => {
          assert.ok(error instanceof InvalidInputError, `${error.name}: ${error.message}`);
          assert.match(error.message, message);
          return true;
        });
        assert.deepEqual(
          await one('select (select count(*) from sync_studio.project) + (select count(*) from sync_studio.task) as n'),
          before,
        );
      });
    }
  });
});
