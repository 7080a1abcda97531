/**
 * The project API: one strict input schema per resource kind (unknown fields, wrong types and
 * over-long strings are refused with the field's name; updates take any part of the create
 * schema), the rows each route answers with, and the routes: the same five for every kind, plus
 * the projects list, duplicate, webhook-path regeneration and XML files.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { id, idParams, json, jsonBody, pageFields, pageOf, pageQuery, refused, rowId, time } from './common.js';

const identifier = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must start with a letter or _ and contain only letters, digits and _');
const text = (max: number) => z.string().max(max);
const code = z.string().max(1_000_000);
const url = z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]);
const langCode = z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?$/, 'must be an Odoo language code such as en_US');

export const triggerKinds = ['cron', 'db', 'webhook', 'button'] as const;
export type TriggerKind = (typeof triggerKinds)[number];
const triggerKind = z.enum(triggerKinds).describe('trigger kind');

export const projectInput = z
  .strictObject({
    name: text(200).min(1),
    active: z.boolean().optional(),
    common_code: code.optional(),
    eval_contexts: z.array(identifier(100)).max(50).optional(),
  })
  .meta({ id: 'ProjectInput' });

const paramBase = {
  key: identifier(100),
  description: text(2000).optional(),
  url: url.optional(),
};
export const paramInput = z.strictObject({ ...paramBase, value: text(100_000).nullable().optional() }).meta({ id: 'ParamInput' });
export const textInput = z.strictObject({ ...paramBase, value: z.record(langCode, text(100_000)).optional() }).meta({ id: 'TextInput' });
/** Where handles of a secret may be sent: an http(s) URL prefix with a host, no query or fragment. */
const boundUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL prefix, such as https://api.trello.com/1/' })
  .max(2000)
  .refine((value) => !/[?#]/.test(value), 'must be a URL prefix without query or fragment, such as https://api.trello.com/1/');
export const secretInput = z
  .strictObject({
    ...paramBase,
    value: text(100_000).nullable().optional(),
    bound_url: boundUrl.nullable().optional(),
  })
  .meta({ id: 'SecretInput' });

export const taskInput = z
  .strictObject({
    name: text(200).min(1),
    code: code.optional(),
    active: z.boolean().optional(),
    timeout_seconds: z.number().positive().max(86_400).nullable().optional(),
  })
  .meta({ id: 'TaskInput' });

const triggerBase = {
  trigger_name: identifier(100),
  description: text(2000).optional(),
  active: z.boolean().optional(),
};
const intervalTypes = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
export const cronInput = z
  .strictObject({
    ...triggerBase,
    interval_number: z.number().int().min(1).max(1_000_000).optional(),
    interval_type: z.enum(intervalTypes).optional(),
    nextcall: z.iso.datetime({ offset: true }).optional(),
    numbercall: z.number().int().min(-1).optional(),
    odoo_user_id: z.number().int().positive().nullable().optional(),
  })
  .meta({ id: 'CronTriggerInput' });
const dbKinds = ['on_create', 'on_write', 'on_create_or_write', 'on_unlink', 'on_time'] as const;
const dateRangeTypes = ['minutes', 'hour', 'day', 'month'] as const;
export const dbInput = z
  .strictObject({
    ...triggerBase,
    model: z
      .string()
      .max(200)
      .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'must be an Odoo model name such as res.partner'),
    kind: z.enum(dbKinds),
    filter_domain: text(10_000).optional(),
    filter_pre_domain: text(10_000).optional(),
    watched_fields: z.array(identifier(100)).max(500).optional(),
    date_field: identifier(100).nullable().optional(),
    date_range: z.number().int().nullable().optional(),
    date_range_type: z.enum(dateRangeTypes).nullable().optional(),
  })
  .meta({ id: 'DbTriggerInput' });
const webhookKinds = ['json', 'http'] as const;
const replyModes = ['handler', 'queued'] as const;
export const webhookInput = z
  .strictObject({
    ...triggerBase,
    kind: z.enum(webhookKinds).optional(),
    reply_mode: z.enum(replyModes).optional(),
    dedup_header: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
      .nullable()
      .optional(),
    /** Keep the handler's Location, Refresh and Access-Control-* headers (dropped by default). */
    allow_redirect_and_cors: z.boolean().optional(),
  })
  .meta({ id: 'WebhookTriggerInput' });
export const buttonInput = z.strictObject(triggerBase).meta({ id: 'ManualTriggerInput' });

const line = z
  .string()
  .max(300)
  .regex(/^[^\r\n]*$/, { error: 'expected one line' });
/** The header of an exported file, remembered for later exports (the CLI's export flags too). */
export const exportHeaderOptions = z.strictObject({ author: line.optional(), years: line.optional(), license: line.optional() });

/** The projects list's filters (besides the page). */
export const projectFilterFields = {
  active: z.enum(['true', 'false', 'all'], { error: 'expected true, false or all' }).default('all'),
  search: z.string().max(200).optional(),
};

// What the routes answer: the stored rows (secrets without their encrypted value).
const xmlId = z.string().nullable().describe('the Odoo XML id, once exported or imported');
export const project = z
  .object({
    id: rowId,
    xml_id: xmlId,
    name: z.string(),
    active: z.boolean(),
    common_code: z.string(),
    eval_contexts: z.array(z.string()),
    version: z.number().int(),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'Project' });
export const projectSummary = project
  .extend({ task_count: z.number().int(), enabled_trigger_count: z.number().int(), recent_failure_count: z.number().int() })
  .meta({ id: 'ProjectSummary' });
const keyedValue = { id: rowId, xml_id: xmlId, project_id: rowId, key: z.string(), description: z.string(), url: z.string() };
export const param = z.object({ ...keyedValue, value: z.string().nullable() }).meta({ id: 'Param' });
export const textRow = z.object({ ...keyedValue, value: z.record(z.string(), z.string()) }).meta({ id: 'Text' });
export const secret = z
  .object({
    ...keyedValue,
    has_value: z.boolean(),
    value: z.string().nullable().optional().describe('administrators only'),
    bound_url: z.string().nullable(),
  })
  .meta({ id: 'Secret' });
export const task = z
  .object({
    id: rowId,
    xml_id: xmlId,
    project_id: rowId,
    name: z.string(),
    code: z.string(),
    active: z.boolean(),
    timeout_seconds: z.number().nullable(),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'Task' });
const triggerRow = { id: rowId, xml_id: xmlId, task_id: rowId, trigger_name: z.string(), description: z.string(), active: z.boolean() };
export const cronTrigger = z
  .object({
    ...triggerRow,
    interval_number: z.number().int(),
    interval_type: z.enum(intervalTypes),
    nextcall: time,
    lastcall: time.nullable(),
    numbercall: z.number().int(),
    odoo_user_id: z.number().int().nullable(),
  })
  .meta({ id: 'CronTrigger' });
export const dbTrigger = z
  .object({
    ...triggerRow,
    model: z.string(),
    kind: z.enum(dbKinds),
    filter_domain: z.string(),
    filter_pre_domain: z.string(),
    watched_fields: z.array(z.string()),
    date_field: z.string().nullable(),
    date_range: z.number().int().nullable(),
    date_range_type: z.enum(dateRangeTypes).nullable(),
    last_run: time.nullable(),
  })
  .meta({ id: 'DbTrigger' });
export const webhookTrigger = z
  .object({
    ...triggerRow,
    kind: z.enum(webhookKinds),
    reply_mode: z.enum(replyModes),
    dedup_header: z.string().nullable(),
    allow_redirect_and_cors: z.boolean(),
    path: z.string(),
    url: z.string().describe('where callers send their requests'),
  })
  .meta({ id: 'WebhookTrigger' });
export const buttonTrigger = z.object(triggerRow).meta({ id: 'ManualTrigger' });
/** A trigger of any kind in a project's list of triggers: its row, its kind and its task's name. */
const listed = <K extends TriggerKind, R extends z.ZodObject>(kind: K, row: R) =>
  row.extend({ trigger_kind: z.literal(kind), task_name: z.string() });
export const projectTrigger = z
  .discriminatedUnion('trigger_kind', [
    listed('cron', cronTrigger),
    listed('db', dbTrigger),
    listed('webhook', webhookTrigger),
    listed('button', buttonTrigger),
  ])
  .meta({ id: 'ProjectTrigger' });

export const importReport = z
  .object({
    project: z
      .object({ id: rowId, xml_id: z.string(), created: z.boolean() })
      .nullable()
      .describe('null for a file of evaluation-context records only'),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int().describe('records the file gives as they are stored already'),
    contexts: z
      .array(z.object({ record: z.string(), name: z.string(), plugin: z.string().nullable() }))
      .describe("the file's sync.project.context records and the installed plugin each stands for (null: none is installed)"),
    ignored: z.array(z.object({ record: z.string(), field: z.string().optional(), reason: z.string() })),
    warnings: z.array(z.string()),
    archived_python_tasks: z.array(z.string()).describe('tasks whose code is Python (an upstream file): kept, but archived'),
  })
  .meta({ id: 'ImportReport' });

/** The five routes of a resource kind: list and create under its parent, read, update and delete by id. */
function resourceRoutes<P extends z.ZodObject, Q extends z.ZodObject>(
  kind: { tag: string; label: string; listPath: string; itemPath: string; params: P; parentParams: Q },
  input: z.ZodType,
  patch: z.ZodType,
  row: z.ZodType,
) {
  const { tag, label, listPath, itemPath, params, parentParams } = kind;
  return {
    list: createRoute({
      method: 'get',
      path: listPath,
      tags: [tag],
      summary: `List the ${label}s of a parent`,
      request: { params: parentParams, query: pageQuery },
      responses: { 200: json(pageOf(row), `a page of ${label}s`), ...refused(404) },
    }),
    create: createRoute({
      method: 'post',
      path: listPath,
      tags: [tag],
      summary: `Create a ${label}`,
      request: { params: parentParams, body: jsonBody(input) },
      responses: { 201: json(row, `the new ${label}`), ...refused(403, 404, 409) },
    }),
    read: createRoute({
      method: 'get',
      path: itemPath,
      tags: [tag],
      summary: `Read a ${label}`,
      request: { params },
      responses: { 200: json(row, `the ${label}`), ...refused(404) },
    }),
    update: createRoute({
      method: 'patch',
      path: itemPath,
      tags: [tag],
      summary: `Change a ${label}: only the fields sent`,
      request: { params, body: jsonBody(patch) },
      responses: { 200: json(row, `the changed ${label}`), ...refused(403, 404, 409) },
    }),
    remove: createRoute({
      method: 'delete',
      path: itemPath,
      tags: [tag],
      summary: `Delete a ${label}`,
      request: { params },
      responses: { 204: { description: 'deleted' }, ...refused(403, 404) },
    }),
  };
}

const child = (segment: string, label: string) => ({
  tag: 'projects',
  label,
  listPath: `/projects/{id}/${segment}`,
  itemPath: `/${segment}/{id}`,
  params: idParams,
  parentParams: idParams,
});
/** The routes of a project's params, texts, secrets and tasks, by path segment. */
export const projectChildApi = {
  params: resourceRoutes(child('params', 'parameter'), paramInput, paramInput.partial(), param),
  texts: resourceRoutes(child('texts', 'text'), textInput, textInput.partial(), textRow),
  secrets: resourceRoutes(child('secrets', 'secret'), secretInput, secretInput.partial(), secret),
  tasks: resourceRoutes(child('tasks', 'task'), taskInput, taskInput.partial(), task),
};

/** A trigger's kind and id in a path; an unknown kind is a 404. */
export const triggerParams = z.object({ kind: triggerKind, id });
const triggerInputs = [cronInput, dbInput, webhookInput, buttonInput] as const;
/** The four trigger kinds' routes share paths: the body and row are those of the kind in the path. */
export const triggerResourceApi = resourceRoutes(
  {
    tag: 'triggers',
    label: 'trigger',
    listPath: '/tasks/{id}/triggers/{kind}',
    itemPath: '/triggers/{kind}/{id}',
    params: triggerParams,
    parentParams: triggerParams,
  },
  z.union(triggerInputs).describe('the input of the kind in the path'),
  z.union(triggerInputs.map((input) => input.partial())).describe('any fields of the input of the kind in the path'),
  z.union([cronTrigger, dbTrigger, webhookTrigger, buttonTrigger]).describe('a trigger of the kind in the path'),
);

export const projectApi = {
  ...resourceRoutes(
    { tag: 'projects', label: 'project', listPath: '/projects', itemPath: '/projects/{id}', params: idParams, parentParams: z.object({}) },
    projectInput,
    projectInput.partial(),
    project,
  ),
  // The projects list has filters and counts: it replaces the generic list.
  list: createRoute({
    method: 'get',
    path: '/projects',
    tags: ['projects'],
    summary: 'List projects by name, with their counts of tasks, enabled triggers and failures of the last 24 hours',
    request: { query: z.strictObject({ ...pageFields(100, 500), ...projectFilterFields }) },
    responses: { 200: json(pageOf(projectSummary), 'a page of projects'), ...refused() },
  }),
  duplicate: createRoute({
    method: 'post',
    path: '/projects/{id}/duplicate',
    tags: ['projects'],
    summary: 'Copy a project with everything it owns (administrators)',
    request: { params: idParams },
    responses: { 201: json(project, 'the copy'), ...refused(403, 404) },
  }),
  triggers: createRoute({
    method: 'get',
    path: '/projects/{id}/triggers',
    tags: ['triggers'],
    summary: "Every trigger of a project's tasks, of all kinds, by task name and trigger name (not paged)",
    request: { params: idParams },
    responses: {
      200: json(z.object({ items: z.array(projectTrigger), total: z.number().int() }), "the project's triggers"),
      ...refused(404),
    },
  }),
  regenerateWebhookPath: createRoute({
    method: 'post',
    path: '/triggers/webhook/{id}/regenerate-path',
    tags: ['triggers'],
    summary: 'Give a webhook a new secret path (the old URL stops working)',
    request: { params: idParams },
    responses: { 200: json(webhookTrigger, 'the webhook with its new path and URL'), ...refused(403, 404) },
  }),
  exportFile: createRoute({
    method: 'get',
    path: '/projects/{id}/export',
    tags: ['projects'],
    summary: 'Export a project as an Odoo XML data file (secret values never included; the header options are remembered)',
    request: { params: idParams, query: exportHeaderOptions },
    responses: {
      200: { description: 'the XML file', content: { 'application/xml': { schema: z.string() } } },
      ...refused(404),
    },
  }),
  importFile: createRoute({
    method: 'post',
    path: '/projects/import',
    tags: ['projects'],
    summary: 'Import an Odoo XML project file (administrators): creates the project or updates the one with its XML id',
    request: {
      query: z.strictObject({
        module: z
          .string()
          .max(200)
          .optional()
          .describe("the Odoo module the file's bare xml ids belong to (default: inferred from its qualified ids)"),
      }),
      body: { content: { 'application/xml': { schema: z.string() } }, required: true },
    },
    responses: {
      200: json(importReport, 'an existing project was updated'),
      201: json(importReport, 'a new project was created'),
      ...refused(403),
    },
  }),
};
