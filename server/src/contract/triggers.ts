/**
 * What triggers do in the API beyond their configuration: Run Now (every kind that can run
 * on demand), a DB trigger's recent events and jobs, and the webhook journal with replay.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { idParams, json, jsonBody, pageOf, pageQuery, refused, rowId, time } from './common.js';
import { jobStates } from './history.js';
import { triggerParams } from './projects.js';

/** Records one "Run Now" of a DB trigger may hand to handle_db. */
export const RUN_ON_RECORDS_MAX = 1000;

const jobError = z.object({ name: z.string(), message: z.string(), limit: z.enum(['time', 'memory', 'collateral']).optional() });

export const runNowAnswer = z
  .object({
    job_id: rowId,
    state: z.enum(['done', 'done_warning', 'failed', 'pending', 'started']),
    result: z.unknown().optional(),
    error: jobError.optional(),
    links: z.object({ job: z.string(), log_stream: z.string() }).describe('where to find the job and follow its log'),
  })
  .meta({ id: 'RunNowAnswer' });

export const dbTriggerActivity = z
  .object({
    model: z.string(),
    table: z.string(),
    events: z.array(
      z.object({
        id: rowId.nullable().describe('null while the event waits in the capture inbox: events are numbered when the sidecar takes them'),
        operation: z.string(),
        txid: z.string(),
        record_count: z.number().int(),
        ids: z.array(z.number().int()).describe('the first 100'),
        changed_columns: z.array(z.string()).nullable(),
        created_at: time,
        processed_at: time.nullable(),
      }),
    ),
    jobs: z.array(
      z.object({
        id: rowId,
        state: z.enum(jobStates),
        created_at: time,
        finished_at: time.nullable(),
        odoo_user_id: z.number().int().nullable(),
        record_count: z.number().int(),
        record_ids: z.array(z.number().int()).nullable(),
      }),
    ),
  })
  .meta({ id: 'DbTriggerActivity' });

export const webhookRequest = z
  .object({
    id: rowId,
    trigger_id: rowId,
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()).describe('authenticating values redacted unless administrator'),
    body: z.string(),
    body_encoding: z.enum(['utf8', 'base64']),
    remote_addr: z.string().nullable(),
    dedup_key: z.string().nullable(),
    job_id: rowId.nullable(),
    received_at: time,
  })
  .meta({ id: 'WebhookRequest' });

export const replayAnswer = z
  .object({
    jobId: rowId,
    state: z.enum(['done', 'done_warning', 'failed', 'pending']),
    result: z.unknown().optional(),
    error: jobError.optional(),
    response: z.object({ status: z.number().int(), headers: z.array(z.tuple([z.string(), z.string()])), body: z.string().nullable() }),
  })
  .meta({ id: 'ReplayAnswer' });

export const triggerApi = {
  runNow: createRoute({
    method: 'post',
    path: '/triggers/{kind}/{id}/run',
    tags: ['triggers'],
    summary: 'Run Now: start a job of a cron or manual trigger, or of a DB trigger on chosen records (developers)',
    request: {
      params: triggerParams,
      body: jsonBody(
        z.strictObject({
          force: z.boolean().optional().describe('run even if the project, task or trigger is archived'),
          wait: z.boolean().optional().describe('answer when the job has finished (with its state, result and error)'),
          ids: z
            .array(z.number().int().positive())
            .min(1)
            .max(RUN_ON_RECORDS_MAX)
            .optional()
            .describe(
              "DB triggers only, and required for them: the ids of the records handle_db receives, read as a change of them would hand them (the trigger's domains and watched fields are not checked)",
            ),
        }),
      ),
    },
    responses: {
      201: json(runNowAnswer, 'the job has finished (wait)'),
      202: json(runNowAnswer, 'the job was started or queued'),
      ...refused(403, 404, 409, 503),
    },
  }),
  dbEvents: createRoute({
    method: 'get',
    path: '/triggers/db/{id}/events',
    tags: ['triggers'],
    summary: "A DB trigger's latest captured events and jobs",
    request: { params: idParams },
    responses: { 200: json(dbTriggerActivity, 'the latest 20 of each'), ...refused(404) },
  }),
  webhookRequests: createRoute({
    method: 'get',
    path: '/triggers/webhook/{id}/requests',
    tags: ['triggers'],
    summary: "A webhook's journaled requests, newest first",
    request: { params: idParams, query: pageQuery },
    responses: { 200: json(pageOf(webhookRequest), 'a page of requests'), ...refused(404) },
  }),
  replay: createRoute({
    method: 'post',
    path: '/webhook-requests/{id}/replay',
    tags: ['triggers'],
    summary: "Run a journaled request again against the task's current code (developers)",
    request: {
      params: idParams,
      body: jsonBody(z.strictObject({ force: z.boolean().optional().describe('run even if archived') })),
    },
    responses: { 201: json(replayAnswer, 'the job and the reply the caller would get'), ...refused(403, 404, 409) },
  }),
};
