/**
 * The fields each record model of a project file may carry and where each lands in our store: the
 * upstream field names (including those the upstream records inherit from Odoo's ir.cron,
 * base.automation and ir.actions.server) and our own extra columns. A field read here becomes a
 * column value, a parent ref, a value update or many2many commands of a `RecordDraft`; a field
 * Sync Studio cannot use is reported with the reason.
 */
import {
  fieldError,
  boolOf,
  manyCommandsOf,
  nameOf,
  numberOf,
  refOf,
  selectionOf,
  textOf,
  type FieldAt,
  type ManyCommand,
} from './convert.js';
import type { FileRecordKind } from './models.js';
import { fieldFromRef, modelFromRef, parseOdooDatetime } from './odoo-names.js';
import type { FieldSource } from './parse.js';

export type StoredKind = Exclude<FileRecordKind, 'context'>;

export interface RecordDraft {
  columns: Record<string, unknown>;
  /** xml id of the owning project (project_id) or task (sync_task_id). */
  parentRef?: string;
  /** `value` overwrites; `initial_value` fills an empty value only. */
  value?: { mode: 'set' | 'initial'; text: string };
  many: { column: 'eval_contexts' | 'watched_fields'; commands: ManyCommand[] }[];
  ignored: { field: string; reason: string }[];
}

type FieldReader = (draft: RecordDraft, source: FieldSource, at: FieldAt) => void;

const column =
  (name: string, read: (source: FieldSource, at: FieldAt) => unknown): FieldReader =>
  (draft, source, at) => {
    draft.columns[name] = read(source, at);
  };
const named = (name: string) => column(name, nameOf);
const flag = (name: string) => column(name, boolOf);
const integer = (name: string) => column(name, (source, at) => numberOf(source, at, true));
const choice = (name: string, allowed: readonly string[]) => column(name, (source, at) => selectionOf(source, at, allowed));
const domain = (name: string) => column(name, (source, at) => (source.kind === 'eval' ? source.source : textOf(source, at)).trim());
const many =
  (name: RecordDraft['many'][number]['column']): FieldReader =>
  (draft, source, at) => {
    draft.many.push({ column: name, commands: manyCommandsOf(source, at) });
  };
const parent: FieldReader = (draft, source, at) => {
  const ref = refOf(source, at);
  if (ref === undefined) throw fieldError(at, 'is empty: every record must belong to a project or task');
  draft.parentRef = ref;
};
const value =
  (mode: 'set' | 'initial'): FieldReader =>
  (draft, source, at) => {
    draft.value = { mode, text: textOf(source, at) };
  };

function modelOf(source: FieldSource, at: FieldAt): string {
  const ref = refOf(source, at);
  const model = ref === undefined ? undefined : modelFromRef(ref);
  if (model === undefined) throw fieldError(at, `expects a model ref such as base.model_res_partner${ref ? `, got "${ref}"` : ''}`);
  return model;
}

function dateFieldOf(source: FieldSource, at: FieldAt): string | null {
  const ref = refOf(source, at);
  if (ref === undefined) return null;
  const field = fieldFromRef(ref);
  if (field === undefined) throw fieldError(at, `expects a field ref such as base.field_res_partner__date, got "${ref}"`);
  return field.field;
}

function datetimeOf(source: FieldSource, at: FieldAt): Date {
  const text = textOf(source, at).trim();
  const date = parseOdooDatetime(text);
  if (date === undefined) throw fieldError(at, `expects a UTC datetime "YYYY-MM-DD HH:MM:SS", got "${text}"`);
  return date;
}

const paramFields: Record<string, FieldReader> = {
  key: named('key'),
  description: named('description'),
  url: column('url', (source, at) => textOf(source, at).trim()),
  project_id: parent,
  value: value('set'),
  initial_value: value('initial'),
};

const triggerFields: Record<string, FieldReader> = {
  trigger_name: named('trigger_name'),
  active: flag('active'),
  name: named('description'),
  sync_task_id: parent,
};

export const recordFields: Record<StoredKind, Record<string, FieldReader>> = {
  project: {
    name: named('name'),
    active: flag('active'),
    eval_context_ids: many('eval_contexts'),
    common_code: column('common_code', textOf),
  },
  param: paramFields,
  text: paramFields,
  secret: { ...paramFields, bound_url: column('bound_url', (source, at) => textOf(source, at).trim() || null) },
  task: {
    name: named('name'),
    active: flag('active'),
    project_id: parent,
    code: column('code', textOf),
    timeout_seconds: column('timeout_seconds', (source, at) => numberOf(source, at, false)),
  },
  button: triggerFields,
  cron: {
    ...triggerFields,
    interval_number: integer('interval_number'),
    interval_type: choice('interval_type', ['minutes', 'hours', 'days', 'weeks', 'months']),
    nextcall: column('nextcall', datetimeOf),
    numbercall: integer('numbercall'),
  },
  db: {
    ...triggerFields,
    model_id: column('model', modelOf),
    trigger: choice('kind', ['on_create', 'on_write', 'on_create_or_write', 'on_unlink', 'on_time']),
    filter_pre_domain: domain('filter_pre_domain'),
    filter_domain: domain('filter_domain'),
    trigger_field_ids: many('watched_fields'),
    trg_date_id: column('date_field', dateFieldOf),
    trg_date_range: integer('date_range'),
    trg_date_range_type: choice('date_range_type', ['minutes', 'hour', 'day', 'month']),
  },
  webhook: {
    ...triggerFields,
    webhook_type: choice('kind', ['json', 'http']),
    reply_mode: choice('reply_mode', ['handler', 'queued']),
    dedup_header: column('dedup_header', (source, at) => nameOf(source, at) || null),
    allow_redirect_and_cors: flag('allow_redirect_and_cors'),
  },
};

/** Upstream fields that files carry but Sync Studio has no use for, with the reason reported. */
const unusedReasons: Record<string, string> = {
  user_id: 'jobs run as the configured technical Odoo user',
  priority: 'priorities are not used by Sync Studio',
  doall: 'after a downtime a missed schedule runs once',
  lastcall: 'run state is not imported',
  last_run: 'run state is not imported',
  website_path: 'webhook paths are generated on import and kept on re-import',
  groups_id: 'webhooks are protected by their unguessable path',
  trg_date_calendar_id: 'working-day calendars are not supported',
  eval_context: 'deprecated upstream; eval_context_ids is read',
};

export function readRecordDraft(kind: StoredKind, recordId: string, fields: { name: string; source: FieldSource }[]): RecordDraft {
  const draft: RecordDraft = { columns: {}, many: [], ignored: [] };
  const readers = recordFields[kind];
  for (const { name, source } of fields) {
    const reader = Object.hasOwn(readers, name) ? readers[name] : undefined;
    if (reader) reader(draft, source, { record: recordId, field: name });
    else draft.ignored.push({ field: name, reason: unusedReasons[name] ?? 'unknown field' });
  }
  return draft;
}
