import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.js';
import { withTransaction, type Pool } from '../../db/index.js';
import { SecretCipher } from '../../secrets/cipher.js';
import { packageRoot, samplesDir } from '../../shared/paths.js';
import { exportProject, importProjectXml, type ImportReport } from './index.js';

const cipher = new SecretCipher('round-trip test key');
const fixturePath = (name: string) => join(packageRoot, 'test', 'fixtures', 'projects', name);
const fixture = (name: string) => readFile(fixturePath(name), 'utf8');
const importInto = (pool: Pool, xml: string): Promise<ImportReport> =>
  withTransaction(pool, (client) => importProjectXml(client, xml, { cipher }));

const tables = [
  'project',
  'project_param',
  'project_text',
  'project_secret',
  'task',
  'trigger_cron',
  'trigger_db',
  'trigger_webhook',
  'trigger_button',
];
async function rowCounts(pool: Pool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables)
    counts[table] = (await pool.query<{ n: number }>(`select count(*)::int as n from sync_studio.${table}`)).rows[0]!.n;
  return counts;
}

describe('project files: export → import → export', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  before(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  after(async () => {
    await Promise.all([first.drop(), second.drop()]);
  });

  const files = [
    { name: 'full-project.xml', path: fixturePath('full-project.xml'), canonical: true },
    { name: 'minimal-project.xml', path: fixturePath('minimal-project.xml'), canonical: true },
    // The sample leaves nextcall out on purpose (it becomes the import time), so its export adds it.
    { name: 'the sample project', path: join(samplesDir, 'sample-project.xml'), canonical: false },
  ];
  for (const { name, path, canonical } of files) {
    test(`${name}: re-exported byte for byte, in this database and in a fresh one`, async (t) => {
      const xml = await readFile(path, 'utf8');
      const report = await importInto(first.pool, xml);
      const exported = await exportProject(first.pool, report.project!.id);
      if (canonical) assert.equal(exported, xml);
      const again = await importInto(second.pool, exported);
      assert.equal(again.project!.created, true);
      assert.equal(await exportProject(second.pool, again.project!.id), exported);
      t.diagnostic(`${report.created} records`);
    });
  }

  test('unicode, ]]> inside code, empty values and every trigger kind reach the database intact', async () => {
    const { rows } = await first.pool.query<{ name: string; common_code: string }>(
      `select * from sync_studio.project where xml_id = 'synchronisation-unicode--sync-project'`,
    );
    assert.equal(rows[0]!.name, 'Synchronisation Ünïcode — 日本 & <Co>');
    assert.match(rows[0]!.common_code, /const PREFIX = "Привет";/);
    const task = (
      await first.pool.query<{ code: string; timeout_seconds: number }>(
        `select * from sync_studio.task where name = 'Synchroniser les contacts ✓'`,
      )
    ).rows[0]!;
    assert.match(task.code, /the sequence \]\]> must survive, and so must \]\]\]>\./);
    assert.match(task.code, /const xml = '<!\[CDATA\[x\]\]>';/);
    assert.equal(task.timeout_seconds, 12.5);
    const text = (
      await first.pool.query<{ value: Record<string, string> }>(`select value from sync_studio.project_text where key = 'WELCOME'`)
    ).rows[0]!;
    assert.deepEqual(text.value, { en_US: '  Bienvenue ! 欢迎\nsecond line, indented   ' });
    const param = (
      await first.pool.query<{ value: string | null }>(`select value from sync_studio.project_param where key = 'EMPTY_PARAM'`)
    ).rows[0]!;
    assert.equal(param.value, null);
    const timed = (
      await first.pool.query(
        `select model, kind, watched_fields, date_field, date_range, date_range_type, active from sync_studio.trigger_db order by id`,
      )
    ).rows;
    assert.deepEqual(timed, [
      {
        model: 'res.partner',
        kind: 'on_create_or_write',
        watched_fields: ['email', 'phone'],
        date_field: null,
        date_range: null,
        date_range_type: null,
        active: true,
      },
      {
        model: 'crm.lead',
        kind: 'on_time',
        watched_fields: [],
        date_field: 'date_deadline',
        date_range: -2,
        date_range_type: 'day',
        active: false,
      },
      { model: 'res.partner', kind: 'on_unlink', watched_fields: [], date_field: null, date_range: 0, date_range_type: null, active: true },
    ]);
    const crons = (
      await first.pool.query(
        `select trigger_name, nextcall, numbercall, interval_number, interval_type from sync_studio.trigger_cron order by id`,
      )
    ).rows;
    assert.deepEqual(crons[0], {
      trigger_name: 'NIGHTLY',
      nextcall: new Date('2030-01-02T03:04:05Z'),
      numbercall: -1,
      interval_number: 1,
      interval_type: 'days',
    });
    const hooks = (
      await first.pool.query(`select kind, reply_mode, dedup_header from sync_studio.trigger_webhook where trigger_name = 'GITHUB_EVENTS'`)
    ).rows;
    assert.deepEqual(hooks, [{ kind: 'http', reply_mode: 'queued', dedup_header: 'X-GitHub-Delivery' }]);
    const project = (
      await first.pool.query(`select eval_contexts from sync_studio.project where xml_id = 'synchronisation-unicode--sync-project'`)
    ).rows[0];
    assert.deepEqual(project.eval_contexts, ['math', 'telegram']);
  });

  test('re-import of the same file changes nothing: no new rows, same ids, same webhook paths, same version', async () => {
    const xml = await fixture('full-project.xml');
    const before = await rowCounts(first.pool);
    const ids = (await first.pool.query(`select id, xml_id from sync_studio.task order by id`)).rows;
    const paths = (await first.pool.query(`select xml_id, path from sync_studio.trigger_webhook order by id`)).rows;
    const version = (
      await first.pool.query<{ version: number }>(
        `select version from sync_studio.project where xml_id = 'synchronisation-unicode--sync-project'`,
      )
    ).rows[0]!.version;
    const report = await importInto(first.pool, xml);
    assert.deepEqual([report.created, report.updated, report.unchanged], [0, 0, 16]);
    assert.equal(report.project!.created, false);
    assert.deepEqual(await rowCounts(first.pool), before);
    assert.deepEqual((await first.pool.query(`select id, xml_id from sync_studio.task order by id`)).rows, ids);
    assert.deepEqual((await first.pool.query(`select xml_id, path from sync_studio.trigger_webhook order by id`)).rows, paths);
    const after = (
      await first.pool.query<{ version: number }>(
        `select version from sync_studio.project where xml_id = 'synchronisation-unicode--sync-project'`,
      )
    ).rows[0]!.version;
    assert.equal(after, version);
  });

  test('a new import of a file generates new webhook paths', async () => {
    const firstPaths = (
      await first.pool.query<{ path: string }>(
        `select path from sync_studio.trigger_webhook where xml_id = 'synchronisation-unicode--sync-project/inbound--webhook-trigger'`,
      )
    ).rows;
    const secondPaths = (
      await second.pool.query<{ path: string }>(
        `select path from sync_studio.trigger_webhook where xml_id = 'synchronisation-unicode--sync-project/inbound--webhook-trigger'`,
      )
    ).rows;
    assert.equal(firstPaths.length, 1);
    assert.equal(secondPaths.length, 1);
    assert.notEqual(firstPaths[0]!.path, secondPaths[0]!.path);
  });
});
