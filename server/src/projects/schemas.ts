/**
 * Input schemas of the project API: one strict zod object per resource kind (unknown fields,
 * wrong types and over-long strings are refused with the field's name). Update schemas are the
 * partial versions of the create schemas.
 */
import { z } from 'zod';

const identifier = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must start with a letter or _ and contain only letters, digits and _');
const text = (max: number) => z.string().max(max);
const code = z.string().max(1_000_000);
const url = z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]);
const langCode = z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?$/, 'must be an Odoo language code such as en_US');

export const projectInput = z.strictObject({
  name: text(200).min(1),
  active: z.boolean().optional(),
  common_code: code.optional(),
  eval_contexts: z.array(identifier(100)).max(50).optional(),
});

const paramBase = {
  key: identifier(100),
  description: text(2000).optional(),
  url: url.optional(),
};
export const paramInput = z.strictObject({ ...paramBase, value: text(100_000).nullable().optional() });
export const textInput = z.strictObject({ ...paramBase, value: z.record(langCode, text(100_000)).optional() });
/** Where handles of a secret may be sent: an http(s) URL prefix with a host, no query or fragment. */
const boundUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => !/[?#]/.test(value), 'must be a URL prefix without query or fragment, such as https://api.trello.com/1/');
export const secretInput = z.strictObject({
  ...paramBase,
  value: text(100_000).nullable().optional(),
  bound_url: boundUrl.nullable().optional(),
});

export const taskInput = z.strictObject({
  name: text(200).min(1),
  code: code.optional(),
  active: z.boolean().optional(),
  timeout_seconds: z.number().positive().max(86_400).nullable().optional(),
});

const triggerBase = {
  trigger_name: identifier(100),
  description: text(2000).optional(),
  active: z.boolean().optional(),
};
export const cronInput = z.strictObject({
  ...triggerBase,
  interval_number: z.number().int().min(1).max(1_000_000).optional(),
  interval_type: z.enum(['minutes', 'hours', 'days', 'weeks', 'months']).optional(),
  nextcall: z.iso.datetime({ offset: true }).optional(),
  numbercall: z.number().int().min(-1).optional(),
  odoo_user_id: z.number().int().positive().nullable().optional(),
});
export const dbInput = z.strictObject({
  ...triggerBase,
  model: z
    .string()
    .max(200)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'must be an Odoo model name such as res.partner'),
  kind: z.enum(['on_create', 'on_write', 'on_create_or_write', 'on_unlink', 'on_time']),
  filter_domain: text(10_000).optional(),
  filter_pre_domain: text(10_000).optional(),
  watched_fields: z.array(identifier(100)).max(500).optional(),
  date_field: identifier(100).nullable().optional(),
  date_range: z.number().int().nullable().optional(),
  date_range_type: z.enum(['minutes', 'hour', 'day', 'month']).nullable().optional(),
});
export const webhookInput = z.strictObject({
  ...triggerBase,
  kind: z.enum(['json', 'http']).optional(),
  reply_mode: z.enum(['handler', 'queued']).optional(),
  dedup_header: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .nullable()
    .optional(),
  /** Keep the handler's Location, Refresh and Access-Control-* headers (dropped by default). */
  allow_redirect_and_cors: z.boolean().optional(),
});
export const buttonInput = z.strictObject(triggerBase);
