/**
 * Import of a project file, idempotent by xml id: a record whose xml id exists is updated, never
 * duplicated, and left alone (reported unchanged) when the file gives what it holds already; the
 * project's version moves only when something changed. Xml ids are read as Odoo does, within the
 * file's module (see modules.ts). Webhook paths are generated for new webhooks and kept for
 * existing ones. A file of evaluation-context records only (upstream's) is reported, with the plugin
 * each context maps to, and writes nothing. Runs inside
 * the caller's transaction: any error (an `InvalidInputError` naming the record and field) leaves
 * nothing written once the caller rolls back.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Queryable } from '../../db/index.js';
import { openSecret, secretColumns, type SecretCipher, type StoredSecret } from '../../secrets/index.js';
import { InvalidInputError } from '../../shared/errors.js';
import { parseInput } from '../../shared/validation.js';
import { resources } from '../resources.js';
import { applyManyCommands, fieldError, nameOf } from './convert.js';
import { fileModelByName, fileModels, storedChildXmlId, type FileModel } from './models.js';
import { fileModule, localId } from './modules.js';
import { fieldFromRef } from './odoo-names.js';
import { parseProjectFile, type FileRecord } from './parse.js';
import { looksLikePython } from './python-code.js';
import { readRecordDraft, type RecordDraft, type StoredKind } from './record-fields.js';
import { pluginForContext, upstreamContextName } from './upstream-contexts.js';

export interface ImportOptions {
  cipher: SecretCipher;
  /** Whether an evaluation-context plugin of that name is installed (unknown ones are kept, with a warning). */
  knownPlugins?: (name: string) => boolean;
  /** The Odoo module the file's bare xml ids belong to (default: inferred from its qualified ids). */
  module?: string;
}

export interface ImportReport {
  /** null for a file of evaluation-context records only. */
  project: { id: number; xml_id: string; created: boolean } | null;
  created: number;
  updated: number;
  /** Records the file gives as they are stored already. */
  unchanged: number;
  /** The file's sync.project.context records and the installed plugin each stands for (null: none is installed). */
  contexts: { record: string; name: string; plugin: string | null }[];
  ignored: { record: string; field?: string; reason: string }[];
  warnings: string[];
  /** Names of tasks whose code is Python (an upstream file): kept, but archived. */
  archived_python_tasks: string[];
}

type Row = Record<string, unknown> & { id: number };
interface Resolved {
  kind: StoredKind;
  id: number;
  projectId: number;
}

const requiredOnCreate: Record<StoredKind, string[]> = {
  project: ['name'],
  param: ['key'],
  text: ['key'],
  secret: ['key'],
  task: ['name'],
  button: ['trigger_name'],
  cron: ['trigger_name'],
  db: ['trigger_name', 'model', 'kind'],
  webhook: ['trigger_name'],
};
const triggerKinds = ['button', 'cron', 'db', 'webhook'] as const;
const quote = (name: string) => `"${name}"`;

export async function importProjectXml(db: Queryable, xml: string, options: ImportOptions): Promise<ImportReport> {
  const file = parseProjectFile(xml);
  const module = fileModule(file.records, options.module);
  const records = orderRecords(file.records.map((record) => ({ ...record, id: localId(module, record.id) })));
  const plugins = pluginNames(records);
  const importer = new ProjectImporter(db, options, plugins.names, module);
  importer.report.ignored.push(
    ...file.skipped.map((element) => ({ record: element, reason: 'not a <record>: a project file holds records only' })),
    ...plugins.ignored,
  );
  for (const [record, name] of plugins.names) {
    const installed = !options.knownPlugins || options.knownPlugins(name);
    importer.report.contexts.push({ record, name: plugins.upstreamNames.get(record)!, plugin: installed ? name : null });
    if (!installed) importer.report.warnings.push(`evaluation-context plugin "${name}" is not installed`);
  }
  if (!records.some(({ model }) => model.kind === 'project')) return importer.report;
  for (const { record, model } of records) {
    if (model.kind !== 'context') await importer.apply(record, model.kind);
  }
  return importer.finish();
}

/** Checks models and ids, and puts the project first (its children refer to it); a file of context records only has none. */
function orderRecords(records: FileRecord[]): { record: FileRecord; model: FileModel }[] {
  const seen = new Set<string>();
  const known = records.map((record) => {
    const model = fileModelByName(record.model);
    if (!model)
      throw new InvalidInputError(
        `record "${record.id}": unknown model ${record.model} (a project file holds ${Object.values(fileModels)
          .map((m) => m.model)
          .join(', ')})`,
      );
    if (seen.has(record.id)) throw new InvalidInputError(`record "${record.id}" appears twice in the file`);
    seen.add(record.id);
    return { record, model };
  });
  const projects = known.filter(({ model }) => model.kind === 'project');
  const contextsOnly = known.length > 0 && known.every(({ model }) => model.kind === 'context');
  if (projects.length !== 1 && !contextsOnly) {
    const ids = projects.map(({ record }) => `"${record.id}"`).join(', ');
    throw new InvalidInputError(
      projects.length === 0
        ? 'the file has no sync.project record'
        : `the file has ${projects.length} sync.project records (${ids}); import one project per file`,
    );
  }
  return [...projects, ...known.filter(({ model }) => model.kind !== 'project')];
}

type Ignored = ImportReport['ignored'][number];

/**
 * xml id → plugin name, from the file's sync.project.context records (their `display_name` is
 * informational; upstream's context names map to our plugins, see upstream-contexts.ts), with the
 * names the file gives.
 */
function pluginNames(records: { record: FileRecord; model: FileModel }[]): {
  names: Map<string, string>;
  upstreamNames: Map<string, string>;
  ignored: Ignored[];
} {
  const names = new Map<string, string>();
  const upstreamNames = new Map<string, string>();
  const ignored: Ignored[] = [];
  for (const { record, model } of records) {
    if (model.kind !== 'context') continue;
    const field = record.fields.find((f) => f.name === 'name');
    const name = field ? nameOf(field.source, { record: record.id, field: 'name' }) : '';
    if (!name) throw new InvalidInputError(`record "${record.id}": field name is required (the plugin's name)`, 'name');
    names.set(record.id, pluginForContext(name));
    upstreamNames.set(record.id, name);
    for (const other of record.fields) {
      if (!['name', 'display_name'].includes(other.name)) ignored.push({ record: record.id, field: other.name, reason: 'unknown field' });
    }
  }
  return { names, upstreamNames, ignored };
}

class ProjectImporter {
  readonly report: ImportReport = {
    project: null,
    created: 0,
    updated: 0,
    unchanged: 0,
    contexts: [],
    ignored: [],
    warnings: [],
    archived_python_tasks: [],
  };
  private readonly resolved = new Map<string, Resolved>();
  /** Whether the project's common code is Python (then every task is). */
  private pythonCommonCode = false;
  /** Whether the import wrote anything (the project's version moves only then). */
  private changed = false;

  constructor(
    private readonly db: Queryable,
    private readonly options: ImportOptions,
    private readonly plugins: Map<string, string>,
    private readonly module: string | undefined,
  ) {}

  private get projectXmlId(): string {
    return this.report.project?.xml_id ?? '';
  }

  async apply(record: FileRecord, kind: StoredKind): Promise<void> {
    const draft = readRecordDraft(kind, record.id, record.fields);
    if (draft.parentRef !== undefined) draft.parentRef = localId(this.module, draft.parentRef);
    this.report.ignored.push(...draft.ignored.map(({ field, reason }) => ({ record: record.id, field, reason })));
    const spec = resources[kind];
    const storedId = kind === 'project' ? record.id : storedChildXmlId(this.projectXmlId, record.id);
    const existing = (await this.db.query<Row>(`select * from sync_studio.${spec.table} where xml_id = $1`, [storedId])).rows[0];
    const parentId = await this.parentOf(record.id, kind, draft, existing);
    let row = existing;
    if (!(existing && record.noupdate)) {
      const columns = this.columnsOf(record.id, kind, draft, existing);
      if (!existing) {
        const missing = requiredOnCreate[kind].find((name) => columns[name] === undefined);
        if (missing)
          throw new InvalidInputError(`record "${record.id}": a new ${spec.label} needs the field ${fieldNameOf(kind, missing)}`, missing);
      }
      if (spec.parent) columns[spec.parent.column] = parentId;
      // Python code (an upstream project) is kept, but its task stays archived until rewritten.
      if (kind === 'task' && this.isPython(columns.code ?? existing?.code)) columns.active = false;
      if (kind === 'secret') this.sealSecretValue(columns, parentId!, existing);
      const changes = existing ? changedColumns(columns, existing) : columns;
      if (!existing) row = await this.insert(kind, storedId, columns);
      else if (Object.keys(changes).length > 0) row = await this.update(kind, existing.id, changes);
      this.report[!existing ? 'created' : Object.keys(changes).length > 0 ? 'updated' : 'unchanged'] += 1;
      this.changed ||= !existing || Object.keys(changes).length > 0;
    } else this.report.unchanged += 1;
    if (kind === 'project') this.report.project = { id: row!.id, xml_id: record.id, created: !existing };
    if (kind === 'project') this.pythonCommonCode = looksLikePython(String(row!.common_code));
    if (kind === 'task' && this.isPython(row!.code)) this.report.archived_python_tasks.push(String(row!.name));
    if (kind === 'db') this.checkWatchedFieldModels(record.id, draft, String(row!.model));
    this.resolved.set(record.id, { kind, id: row!.id, projectId: this.report.project!.id });
  }

  /** Reports Python code, checks trigger names, bumps the project version when something changed. */
  async finish(): Promise<ImportReport> {
    const projectId = this.report.project!.id;
    this.warnAboutPython();
    for (const kind of triggerKinds) {
      const { rows } = await this.db.query<{ trigger_name: string }>(
        `select t.trigger_name from sync_studio.${resources[kind].table} t join sync_studio.task k on k.id = t.task_id
          where k.project_id = $1 group by t.trigger_name having count(*) > 1 order by 1`,
        [projectId],
      );
      if (rows[0])
        throw new InvalidInputError(`two ${resources[kind].label}s of the project are named ${rows[0].trigger_name}`, 'trigger_name');
    }
    const { rows } = await this.db.query<{ eval_contexts: string[] }>(
      this.changed
        ? 'update sync_studio.project set version = version + 1, updated_at = now() where id = $1 returning eval_contexts'
        : 'select eval_contexts from sync_studio.project where id = $1',
      [projectId],
    );
    for (const name of rows[0]!.eval_contexts) {
      if (this.report.contexts.some((context) => context.plugin === null && pluginForContext(context.name) === name)) continue;
      if (this.options.knownPlugins && !this.options.knownPlugins(name))
        this.report.warnings.push(`evaluation-context plugin "${name}" is not installed`);
    }
    return this.report;
  }

  private async parentOf(recordId: string, kind: StoredKind, draft: RecordDraft, existing: Row | undefined): Promise<number | undefined> {
    const parent = resources[kind].parent;
    if (!parent) return undefined;
    const field = parent.kind === 'project' ? 'project_id' : 'sync_task_id';
    if (draft.parentRef === undefined) {
      if (existing) return existing[parent.column] as number;
      throw new InvalidInputError(`record "${recordId}": a new ${resources[kind].label} needs the field ${field}`, field);
    }
    const at = { record: recordId, field };
    const target = this.resolved.get(draft.parentRef) ?? (await this.findStored(parent.kind, draft.parentRef));
    if (!target) throw fieldError(at, `refers to "${draft.parentRef}", which is neither in this file nor in the database`);
    if (target.kind !== parent.kind)
      throw fieldError(at, `refers to "${draft.parentRef}", which is a ${resources[target.kind].label}, not a ${parent.kind}`);
    if (target.projectId !== this.report.project!.id)
      throw fieldError(at, `refers to "${draft.parentRef}", which belongs to another project`);
    return target.id;
  }

  private async findStored(kind: 'project' | 'task', xmlId: string): Promise<Resolved | undefined> {
    const { rows } = await this.db.query<{ id: number; project_id: number }>(
      kind === 'project'
        ? 'select id, id as project_id from sync_studio.project where xml_id = $1'
        : 'select id, project_id from sync_studio.task where xml_id = $1',
      [kind === 'project' ? xmlId : storedChildXmlId(this.projectXmlId, xmlId)],
    );
    return rows[0] && { kind, id: rows[0].id, projectId: rows[0].project_id };
  }

  /** The columns to write: read fields, many2many results, the (possibly encrypted) value; validated like API input. */
  private columnsOf(recordId: string, kind: StoredKind, draft: RecordDraft, existing: Row | undefined): Record<string, unknown> {
    const columns = { ...draft.columns };
    for (const { column, commands } of draft.many) {
      const current = (columns[column] ?? existing?.[column] ?? []) as string[];
      columns[column] = applyManyCommands(current, commands, (ref) => this.resolveMany(recordId, column, ref));
    }
    if (draft.value) Object.assign(columns, this.valueColumns(kind, draft.value, existing));
    const checked = { ...columns };
    if (checked.nextcall instanceof Date) checked.nextcall = checked.nextcall.toISOString();
    const spec = resources[kind];
    parseInput(spec.input.partial(), checked, `record "${recordId}" (${fileModels[kind].model})`);
    return columns;
  }

  private resolveMany(recordId: string, column: 'eval_contexts' | 'watched_fields', ref: string): string | undefined {
    const name = column === 'eval_contexts' ? this.pluginOf(ref) : fieldFromRef(ref)?.field;
    if (name === undefined) {
      const field = column === 'eval_contexts' ? 'eval_context_ids' : 'trigger_field_ids';
      const reason =
        column === 'eval_contexts'
          ? `ref "${ref}" is not a sync.project.context record of this file, so its plugin name is unknown`
          : `ref "${ref}" is not a field ref such as base.field_res_partner__email`;
      this.report.ignored.push({ record: recordId, field, reason });
    }
    return name;
  }

  /** The plugin of a context ref: a context record of the file, else one of upstream's context records. */
  private pluginOf(ref: string): string | undefined {
    const upstream = upstreamContextName(ref);
    return this.plugins.get(localId(this.module, ref)) ?? (upstream === undefined ? undefined : pluginForContext(upstream));
  }

  private valueColumns(kind: StoredKind, value: NonNullable<RecordDraft['value']>, existing: Row | undefined): Record<string, unknown> {
    const fill = value.mode === 'set' || value.text !== '';
    if (kind === 'text') {
      const current = (existing?.value ?? {}) as Record<string, string>;
      const { en_US: currentText, ...others } = current;
      if (value.mode === 'initial' && (currentText || !fill)) return {};
      return { value: value.text === '' ? others : { ...current, en_US: value.text } };
    }
    const current = existing?.[kind === 'secret' ? 'value_encrypted' : 'value'] as string | null | undefined;
    if (!fill || (value.mode === 'initial' && current)) return {};
    return { value: value.text === '' ? null : value.text };
  }

  /** Replaces a secret's clear `value` among `columns` by its value sealed for the row (or the current value sealed again if the key changed). */
  private sealSecretValue(columns: Record<string, unknown>, projectId: number, existing: Row | undefined): void {
    let value = columns.value as string | null | undefined;
    delete columns.value;
    const key = (columns.key ?? existing?.key) as string;
    // The value it holds already is not sealed again (a new ciphertext would count as a change).
    const stored = existing as StoredSecret | undefined;
    const held = (secret: StoredSecret) => (secret.value_encrypted === null ? null : openSecret(this.options.cipher, secret));
    if (value !== undefined && stored && stored.key === key && (held(stored) ?? '') === (value ?? '')) value = undefined;
    Object.assign(columns, secretColumns(this.options.cipher, { projectId, key }, value, stored));
  }

  private checkWatchedFieldModels(recordId: string, draft: RecordDraft, model: string): void {
    for (const { column, commands } of draft.many) {
      const refs = commands.flatMap((c) => ('refs' in c ? c.refs : 'ref' in c ? [c.ref] : []));
      for (const ref of refs) {
        const target = column === 'watched_fields' ? fieldFromRef(ref) : undefined;
        if (target && target.model !== model)
          this.report.warnings.push(
            `record "${recordId}": watched field ref "${ref}" names model ${target.model}, the trigger watches ${model}`,
          );
      }
    }
  }

  private async insert(kind: StoredKind, xmlId: string, columns: Record<string, unknown>): Promise<Row> {
    const names = ['xml_id', ...Object.keys(columns)];
    const { rows } = await this.db.query<Row>(
      `insert into sync_studio.${resources[kind].table} (${names.map(quote).join(', ')}) values (${names.map((_, i) => `$${i + 1}`).join(', ')}) returning *`,
      [xmlId, ...Object.values(columns)],
    );
    return rows[0]!;
  }

  private async update(kind: StoredKind, id: number, columns: Record<string, unknown>): Promise<Row> {
    const assignments = Object.keys(columns).map((name, i) => `${quote(name)} = $${i + 2}`);
    if (kind === 'project' || kind === 'task') assignments.push('updated_at = now()');
    const { rows } = await this.db.query<Row>(
      `update sync_studio.${resources[kind].table} set ${assignments.join(', ')} where id = $1 returning *`,
      [id, ...Object.values(columns)],
    );
    return rows[0]!;
  }

  private isPython(code: unknown): boolean {
    return this.pythonCommonCode || looksLikePython(String(code ?? ''));
  }

  private warnAboutPython(): void {
    if (this.pythonCommonCode)
      this.report.warnings.push('the project common code is Python (an upstream project): it is kept, but must be rewritten in JavaScript');
    const count = this.report.archived_python_tasks.length;
    if (count > 0)
      this.report.warnings.push(
        `${count} task(s) have Python code (an upstream project): their code is kept and they are archived until rewritten in JavaScript`,
      );
  }
}

/** Files carry datetimes to the second (`YYYY-MM-DD HH:MM:SS`). */
const fileSecond = (date: unknown) => Math.floor(new Date(date as Date).getTime() / 1000);

/** The columns whose value differs from the stored row's (datetimes to the second a file carries, numbers against numeric text). */
function changedColumns(columns: Record<string, unknown>, existing: Row): Record<string, unknown> {
  const same = (next: unknown, current: unknown): boolean => {
    if (next instanceof Date || current instanceof Date) return fileSecond(next) === fileSecond(current);
    if (typeof next === 'number' && typeof current === 'string') return next === Number(current);
    return isDeepStrictEqual(next, current);
  };
  return Object.fromEntries(Object.entries(columns).filter(([name, value]) => !same(value, existing[name])));
}

/** The file's name of a column, for messages. */
function fieldNameOf(kind: StoredKind, column: string): string {
  if (kind === 'db' && column === 'model') return 'model_id';
  if (kind === 'db' && column === 'kind') return 'trigger';
  return column;
}
