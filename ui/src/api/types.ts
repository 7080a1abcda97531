/**
 * The shapes of the sidecar's API as the panel reads them. A thin hand-written mirror of the
 * server's presenters until the typed API contract (the structure issue) can be imported instead.
 */
export type Role = 'user' | 'developer' | 'administrator';
export const roles: readonly Role[] = ['user', 'developer', 'administrator'];

export interface Session {
  uid: number | null;
  db: string | null;
  role: Role;
}

/** A page of a list: lists page by key; `next_cursor` asks for the next page (null on the last). */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  next_cursor: string | null;
}

export interface Project {
  id: number;
  xml_id: string | null;
  name: string;
  active: boolean;
  common_code: string;
  eval_contexts: string[];
  version: number;
  created_at: string;
  updated_at: string;
}
export interface ProjectSummary extends Project {
  task_count: number;
  enabled_trigger_count: number;
  recent_failure_count: number;
}

interface KeyedValue {
  id: number;
  project_id: number;
  key: string;
  description: string;
  url: string;
}
export interface Param extends KeyedValue {
  value: string | null;
}
export interface Text extends KeyedValue {
  value: Record<string, string>;
}
export interface Secret extends KeyedValue {
  has_value: boolean;
  /** Present for administrators only. */
  value?: string | null;
}

export interface Task {
  id: number;
  project_id: number;
  name: string;
  code: string;
  active: boolean;
  timeout_seconds: number | null;
}

export type TriggerKind = 'cron' | 'db' | 'webhook' | 'button';
export const triggerKinds: readonly TriggerKind[] = ['cron', 'db', 'webhook', 'button'];

interface TriggerBase {
  id: number;
  task_id: number;
  trigger_name: string;
  description: string;
  active: boolean;
}
export interface CronTrigger extends TriggerBase {
  interval_number: number;
  interval_type: 'minutes' | 'hours' | 'days' | 'weeks' | 'months';
  nextcall: string;
  lastcall: string | null;
  numbercall: number;
}
export interface DbTrigger extends TriggerBase {
  model: string;
  kind: 'on_create' | 'on_write' | 'on_create_or_write' | 'on_unlink' | 'on_time';
  filter_domain: string;
  filter_pre_domain: string;
  watched_fields: string[];
  date_field: string | null;
  date_range: number | null;
  date_range_type: 'minutes' | 'hour' | 'day' | 'month' | null;
}
export interface WebhookTrigger extends TriggerBase {
  kind: 'json' | 'http';
  reply_mode: 'handler' | 'queued';
  dedup_header: string | null;
  allow_redirect_and_cors: boolean;
  path: string;
  url: string;
}
export type ButtonTrigger = TriggerBase;
export interface TriggerOf {
  cron: CronTrigger;
  db: DbTrigger;
  webhook: WebhookTrigger;
  button: ButtonTrigger;
}
export type AnyTrigger = TriggerOf[TriggerKind];

export type JobState = 'pending' | 'started' | 'done' | 'done_warning' | 'failed';
export const jobStates: readonly JobState[] = ['pending', 'started', 'done', 'done_warning', 'failed'];

export interface Job {
  id: number;
  project_id: number;
  task_id: number;
  trigger_kind: TriggerKind | null;
  trigger_id: number | null;
  trigger_name: string;
  parent_job_id: number | null;
  function: string;
  description: string | null;
  state: JobState;
  effective_state: JobState;
  attempts: number;
  max_retries: number;
  run_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  created_at: string;
  retrying_at: string | null;
  duration_ms?: number | null;
  sub_job_count?: number;
}
export interface JobWithSubJobs extends Job {
  result: unknown;
  sub_jobs: Job[];
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];
export type LogType = 'server' | 'data_out' | 'data_in';
export interface LogLine {
  id: number;
  job_id: number | null;
  project_id: number | null;
  task_id: number | null;
  trigger_kind: TriggerKind | null;
  trigger_id: number | null;
  level: LogLevel;
  type: LogType;
  name: string;
  message: string;
  created_at: string;
  job_state?: JobState | null;
}
export const logGroupings = ['project_id', 'task_id', 'trigger_kind', 'trigger_id', 'job_id', 'level', 'type', 'state'] as const;
export type LogGrouping = (typeof logGroupings)[number];
export interface LogCounts {
  group_by: LogGrouping[];
  groups: (Partial<Record<LogGrouping, string | number | null>> & { count: number })[];
}

export interface Link {
  id: number;
  relation: string;
  system1: string;
  ref1: string;
  system2: string;
  ref2: string;
  model: string | null;
  date: string;
}

export interface WebhookRequest {
  id: number;
  trigger_id: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  body_encoding: 'utf8' | 'base64';
  remote_addr: string | null;
  job_id: number | null;
  received_at: string;
}

export interface Plugin {
  name: string;
  display_name: string;
  description: string;
  exports: string[];
}

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export interface ImportReport {
  /** null for a file of evaluation-context records only. */
  project: { id: number; xmlId: string; created: boolean } | null;
  created: number;
  updated: number;
  unchanged: number;
  contexts: { record: string; name: string; plugin: string | null }[];
  ignored: { record: string; field?: string; reason: string }[];
  warnings: string[];
  archivedPythonTasks: string[];
}

/** Run Now answers at once with the started (manual) or queued (cron) job. */
export interface RunNowAnswer {
  job_id: number;
  state: JobState;
}
