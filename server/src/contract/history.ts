/**
 * Job history in the API: the filters of the job and log lists (pages by key, lists of values as
 * repeated keys or commas, times in ISO 8601), jobs with their sub-jobs, log lines, counts of log
 * lines grouped by any dimension, the live tail (SSE), requeue and the syntax check.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { logLevels, logTypes } from '../sandbox/protocol.js';
import { idParams, json, jsonBody, listOf, pageFields, pageOf, refused, rowId, time, wholeNumber } from './common.js';
import { triggerKinds } from './projects.js';

export const jobStates = ['pending', 'started', 'done', 'done_warning', 'failed'] as const;
export type JobState = (typeof jobStates)[number];
export type { LogLevel, LogType } from '../sandbox/protocol.js';
export const logGroupings = ['project_id', 'task_id', 'trigger_kind', 'trigger_id', 'job_id', 'level', 'type', 'state'] as const;
export type LogGrouping = (typeof logGroupings)[number];

const filterId = wholeNumber(1);
const filterTime = z.iso.datetime({
  offset: true,
  error: (issue) => `expected an ISO 8601 time such as 2026-01-31T12:00:00Z, got ${JSON.stringify(issue.input)}`,
});

const common = {
  project_id: filterId.optional(),
  task_id: filterId.optional(),
  trigger_kind: z.enum(triggerKinds).optional(),
  trigger_id: filterId.optional(),
  from: filterTime.optional(),
  to: filterTime.optional(),
  ...pageFields(100, 1000),
};

export const jobFilterSchema = z.strictObject({
  ...common,
  parent_job_id: filterId.optional(),
  top_level: z.enum(['true', 'false']).optional(),
  state: listOf(z.enum(jobStates)).optional(),
});
export type JobFilter = z.output<typeof jobFilterSchema>;

export const logFilterSchema = z.strictObject({
  ...common,
  job_id: filterId.optional(),
  level: listOf(z.enum(logLevels)).optional(),
  type: listOf(z.enum(logTypes)).optional(),
  state: listOf(z.enum(jobStates)).optional(),
  after_id: wholeNumber(0).optional().describe('follow a job: lines after this id, oldest first'),
  group_by: listOf(z.enum(logGroupings)).optional(),
});
export type LogFilter = z.output<typeof logFilterSchema>;

const jobState = z.enum(jobStates);
export const job = z
  .object({
    id: rowId,
    project_id: rowId,
    task_id: rowId,
    trigger_kind: z.enum(triggerKinds).nullable(),
    trigger_id: rowId.nullable(),
    trigger_name: z.string(),
    parent_job_id: rowId.nullable(),
    function: z.string(),
    description: z.string().nullable(),
    state: jobState,
    effective_state: jobState.describe('a started job whose runner died shows as failed'),
    attempts: z.number().int(),
    max_retries: z.number().int(),
    run_at: time,
    started_at: time.nullable(),
    finished_at: time.nullable(),
    error: z.string().nullable(),
    run_mode: z.enum(['queued', 'immediate']),
    created_at: time,
    retrying_at: time.nullable().describe('when a job waiting for a retry runs next'),
    duration_ms: z.number().nullable(),
  })
  .meta({ id: 'Job' });
export const jobListItem = job.extend({ sub_job_count: z.number().int() }).meta({ id: 'JobListItem' });
export const jobDetail = job
  .extend({
    identity_key: z.string().nullable(),
    priority: z.number().int(),
    result: z.unknown().describe("the handler's return value"),
    queue_job_id: z.string().nullable(),
    odoo_user_id: z.number().int().nullable(),
    instance_id: z.number().int().nullable(),
    args: z.array(z.unknown()).optional().describe('with ?include=args; credentials redacted unless administrator'),
  })
  .meta({ id: 'JobDetail' });
export const jobWithSubJobs = jobDetail.extend({ sub_jobs: z.array(jobListItem) }).meta({ id: 'JobWithSubJobs' });

export const logLine = z
  .object({
    id: rowId,
    job_id: rowId.nullable(),
    project_id: rowId.nullable(),
    task_id: rowId.nullable(),
    trigger_kind: z.enum(triggerKinds).nullable(),
    trigger_id: rowId.nullable(),
    level: z.enum(logLevels),
    type: z.enum(logTypes),
    name: z.string(),
    message: z.string(),
    created_at: time,
    job_state: jobState.nullable().optional(),
  })
  .meta({ id: 'LogLine' });
export const logCounts = z
  .object({
    group_by: z.array(z.enum(logGroupings)),
    groups: z.array(
      z
        .object({ count: z.number().int() })
        .catchall(z.union([z.string(), z.number(), z.null()]))
        .describe('one value per grouping'),
    ),
  })
  .meta({ id: 'LogCounts' });

export const syntaxProblem = z
  .object({ line: z.number().int(), column: z.number().int(), message: z.string() })
  .meta({ id: 'SyntaxProblem' });

export const historyApi = {
  listJobs: createRoute({
    method: 'get',
    path: '/jobs',
    tags: ['jobs'],
    summary: 'List jobs, newest first',
    request: { query: jobFilterSchema },
    responses: { 200: json(pageOf(jobListItem), 'a page of jobs'), ...refused() },
  }),
  readJob: createRoute({
    method: 'get',
    path: '/jobs/{id}',
    tags: ['jobs'],
    summary: 'A job with its result and sub-jobs',
    request: { params: idParams, query: z.strictObject({ include: listOf(z.enum(['args'])).optional() }) },
    responses: { 200: json(jobWithSubJobs, 'the job'), ...refused(404) },
  }),
  listLogs: createRoute({
    method: 'get',
    path: '/logs',
    tags: ['logs'],
    summary: 'List log lines, newest first (with after_id: oldest first from there)',
    request: { query: logFilterSchema },
    responses: { 200: json(pageOf(logLine), 'a page of log lines'), ...refused() },
  }),
  countLogs: createRoute({
    method: 'get',
    path: '/logs/counts',
    tags: ['logs'],
    summary: 'Count log lines grouped by any of the filter dimensions (group_by, default level)',
    request: { query: logFilterSchema },
    responses: { 200: json(logCounts, 'the groups, largest first'), ...refused() },
  }),
  streamLogs: createRoute({
    method: 'get',
    path: '/jobs/{id}/logs/stream',
    tags: ['jobs'],
    summary: "Follow a job's log lines live (server-sent events; reconnect with Last-Event-ID)",
    description:
      'Events: `log` (data: a LogLine, id: its id) and one `end`: `{state}` once the job has finished and every line is sent, or `{reason: "max_duration", max_seconds}`.',
    request: { params: idParams },
    responses: { 200: { description: 'the event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...refused(404, 503) },
  }),
  requeue: createRoute({
    method: 'post',
    path: '/jobs/{id}/requeue',
    tags: ['jobs'],
    summary: 'Queue a failed job again (developers)',
    request: { params: idParams },
    responses: { 202: json(jobDetail, 'the queued job'), ...refused(403, 404, 409) },
  }),
  syntaxCheck: createRoute({
    method: 'post',
    path: '/syntax-check',
    tags: ['jobs'],
    summary: "Check task or common code with the sandbox's own parser (developers)",
    request: { body: jsonBody(z.strictObject({ code: z.string().max(1_000_000) })) },
    responses: { 200: json(z.object({ problems: z.array(syntaxProblem) }), 'the problems found (none: the code parses)'), ...refused(403) },
  }),
};
