/**
 * Export of one project as an Odoo XML data file, records in the upstream order (contexts, project,
 * secrets, params, texts, then each task followed by its buttons, crons, DB triggers and webhooks).
 * Unlike upstream, everything a project needs to run again is kept (see
 * docs/decisions/*-project-files.md) except secret values and webhook paths. Rows without an xml id
 * get one generated and stored, so later exports and imports reuse it; a read-only export (a caller
 * who may not change the project) generates the same ids without storing them.
 */
import type { Queryable } from '../../db/index.js';
import { NotFoundError } from '../../shared/errors.js';
import { resources } from '../resources.js';
import { exportHeader, type ExportHeader } from './export-header.js';
import { fileModels, storedChildXmlId, type FileRecordKind } from './models.js';
import { fieldRef, formatOdooDatetime, modelRef, slugify } from './odoo-names.js';
import { pythonStringLiteral } from './python-literal.js';
import { renderProjectFile, type OutField, type OutRecord } from './render.js';

export interface ExportOptions extends ExportHeader {
  /** The display name of an evaluation-context plugin (default: its name). */
  pluginDisplayName?: (name: string) => string;
  /** Generate missing xml ids without storing them, and remember no header (the caller may not change the project). */
  readOnly?: boolean;
}

type Row = Record<string, unknown> & { id: number; xml_id: string | null };
type TriggerKind = 'button' | 'cron' | 'db' | 'webhook';
// Triggers follow their task in this order (upstream's exporter).
const triggerKinds: TriggerKind[] = ['button', 'cron', 'db', 'webhook'];

const text = (name: string, value: unknown): OutField => ({ name, text: value === null || value === undefined ? '' : String(value) });
const bool = (name: string, value: unknown): OutField => ({ name, eval: value ? 'True' : 'False' });
const url = (value: unknown): OutField => ({ name: 'url', eval: value ? pythonStringLiteral(String(value)) : '' });
const replaceAll = (name: string, refs: string[]): OutField => ({
  name,
  eval: `[(6, 0, [${refs.map((r) => `ref(${pythonStringLiteral(r)})`).join(', ')}])]`,
});

export async function exportProject(db: Queryable, projectId: number, options: ExportOptions = {}): Promise<string> {
  const { rows: projects } = await db.query<Row>('select * from sync_studio.project where id = $1', [projectId]);
  const project = projects[0];
  if (!project) throw new NotFoundError('project', projectId);
  const store = !options.readOnly;
  const projectXmlId = await new XmlIds(db, '', store).of('project', project, String(project.name));
  const ids = new XmlIds(db, storedChildXmlId(projectXmlId, ''), store);
  const children = async (kind: 'secret' | 'param' | 'text' | 'task') =>
    (await db.query<Row>(`select * from sync_studio.${resources[kind].table} where project_id = $1 order by id`, [projectId])).rows;
  const [secrets, params, texts, tasks] = [
    await children('secret'),
    await children('param'),
    await children('text'),
    await children('task'),
  ];

  const records: OutRecord[] = [];
  const contextIds = new Map<string, string>();
  for (const name of project.eval_contexts as string[]) {
    const display = options.pluginDisplayName?.(name) ?? name;
    contextIds.set(name, `${slugify(name) || 'plugin'}--${slugify(fileModels.context.description)}`);
    records.push({
      id: contextIds.get(name)!,
      model: fileModels.context.model,
      fields: [text('name', name), text('display_name', display)],
    });
  }
  records.push({
    id: projectXmlId,
    model: fileModels.project.model,
    fields: [
      text('name', project.name),
      bool('active', project.active),
      replaceAll('eval_context_ids', [...contextIds.values()]),
      { name: 'common_code', code: String(project.common_code) },
    ],
  });
  const parentRef = { name: 'project_id', ref: projectXmlId };
  for (const secret of secrets) {
    // bound_url is ours (upstream has no such field): written only when set, so other files stay upstream's.
    const bound = secret.bound_url ? [text('bound_url', secret.bound_url)] : [];
    const fields = [text('key', secret.key), text('description', secret.description), url(secret.url), ...bound, parentRef];
    records.push({ id: await ids.of('secret', secret, String(secret.key)), model: fileModels.secret.model, fields });
  }
  for (const [kind, rows] of [
    ['param', params],
    ['text', texts],
  ] as const) {
    for (const row of rows) {
      const value = kind === 'text' ? (row.value as Record<string, string>).en_US : row.value;
      const fields = [text('key', row.key), text('initial_value', value), text('description', row.description), url(row.url), parentRef];
      records.push({ id: await ids.of(kind, row, String(row.key)), model: fileModels[kind].model, fields });
    }
  }
  for (const task of tasks) {
    const taskRef = { name: 'sync_task_id', ref: await ids.of('task', task, String(task.name)) };
    const fields = [text('name', task.name), bool('active', task.active), parentRef, { name: 'code', code: String(task.code) }];
    if (task.timeout_seconds !== null) fields.push(text('timeout_seconds', task.timeout_seconds));
    records.push({ id: taskRef.ref, model: fileModels.task.model, fields });
    for (const kind of triggerKinds) {
      const { rows } = await db.query<Row>(`select * from sync_studio.${resources[kind].table} where task_id = $1 order by id`, [task.id]);
      for (const trigger of rows) {
        const fields = [text('trigger_name', trigger.trigger_name), bool('active', trigger.active)];
        // A button's name is its description upstream too; the other kinds inherit a required name from Odoo.
        if (kind === 'button' || trigger.description !== '') fields.push(text('name', trigger.description));
        fields.push(taskRef, ...triggerFields[kind](trigger));
        records.push({ id: await ids.of(kind, trigger, String(trigger.trigger_name)), model: fileModels[kind].model, fields });
      }
    }
  }
  const { author, years, license } = options;
  return renderProjectFile(await exportHeader(db, { author, years, license }, store), records);
}

const triggerFields: Record<TriggerKind, (row: Row) => OutField[]> = {
  button: () => [],
  cron: (row) => [
    text('interval_number', row.interval_number),
    text('interval_type', row.interval_type),
    text('nextcall', formatOdooDatetime(row.nextcall as Date)),
    text('numbercall', row.numbercall),
  ],
  db: (row) => {
    const model = String(row.model);
    return [
      { name: 'model_id', ref: modelRef(model) },
      text('trigger', row.kind),
      text('filter_pre_domain', row.filter_pre_domain),
      text('filter_domain', row.filter_domain),
      replaceAll(
        'trigger_field_ids',
        (row.watched_fields as string[]).map((field) => fieldRef(model, field)),
      ),
      row.date_field === null ? text('trg_date_id', '') : { name: 'trg_date_id', ref: fieldRef(model, String(row.date_field)) },
      text('trg_date_range', row.date_range),
      text('trg_date_range_type', row.date_range_type),
    ];
  },
  webhook: (row) => [
    text('webhook_type', row.kind),
    ...(row.reply_mode === 'handler' ? [] : [text('reply_mode', row.reply_mode)]),
    ...(row.dedup_header === null ? [] : [text('dedup_header', row.dedup_header)]),
    ...(row.allow_redirect_and_cors === true ? [bool('allow_redirect_and_cors', true)] : []),
  ],
};

/**
 * The file id of each exported row: the stored xml id without its scope (the project's xml id for
 * the project's records, see `storedChildXmlId`), else `<slug(name)>--<slug(model description)>`
 * (upstream's scheme), with `-2`, `-3`… when the scope already uses it, stored on the row at once
 * (unless `store` is false: then only names this export has not given out and no row holds).
 */
class XmlIds {
  private readonly given = new Set<string>();

  constructor(
    private readonly db: Queryable,
    private readonly scope: string,
    private readonly store: boolean,
  ) {}

  async of(kind: Exclude<FileRecordKind, 'context'>, row: Row, name: string): Promise<string> {
    if (row.xml_id !== null) return this.unscoped(row.xml_id);
    const table = `sync_studio.${resources[kind].table}`;
    const base = `${slugify(name) || `record-${row.id}`}--${slugify(fileModels[kind].description)}`;
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!this.store) {
        if (this.given.has(candidate)) continue;
        const { rowCount } = await this.db.query(`select 1 from ${table} where xml_id = $1`, [this.scope + candidate]);
        if (rowCount !== 0) continue;
        this.given.add(candidate);
        return candidate;
      }
      const { rowCount } = await this.db.query(
        `update ${table} set xml_id = $2 where id = $1 and xml_id is null and not exists (select 1 from ${table} where xml_id = $2)`,
        [row.id, this.scope + candidate],
      );
      if (rowCount === 1) return candidate;
      const { rows } = await this.db.query<Row>(`select xml_id from ${table} where id = $1`, [row.id]);
      if (rows[0]?.xml_id) return this.unscoped(rows[0].xml_id); // a concurrent export named it first
    }
  }

  private unscoped(xmlId: string): string {
    return this.scope !== '' && xmlId.startsWith(this.scope) ? xmlId.slice(this.scope.length) : xmlId;
  }
}
