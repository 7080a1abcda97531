/**
 * What every part of the API contract shares: the error body, pages of a list, path ids, the
 * readers of query-string values (whole numbers, lists) and the responses every route can give.
 */
import { z, type RouteConfig } from '@hono/zod-openapi';

/** Every refused request: a stable `code` (docs/errors.md), a message, and the input field it names. */
export const apiError = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_input' }),
      message: z.string(),
      field: z.string().optional().describe('the request field the error is about (a JSON field, a query key or a path part)'),
    }),
  })
  .meta({ id: 'Error' });

/** A whole number in a query string: "abc" is refused as "expected a whole number, got "abc"". */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d{1,15}$/, { error: (issue) => `expected a whole number, got ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/**
 * A list in a query string: `?x=a&x=b`, `?x=a,b` or both; every item is checked by `item`, and a bad
 * one is reported against the key itself (`state`, not `state.1`).
 */
export function listOf<T extends z.ZodType>(item: T) {
  return (
    z
      .preprocess(
        (value) =>
          (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).filter((v) => v !== ''),
        z.array(z.unknown()),
      )
      .transform((values, ctx) => {
        const items: z.output<T>[] = [];
        for (const value of values) {
          const result = item.safeParse(value, { reportInput: true });
          if (!result.success) {
            for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
            return z.NEVER;
          }
          items.push(result.data);
        }
        return items;
      })
      // Documented as the array of items it reads (the preprocess step above has no schema of its own);
      // a query item is a string schema (an enum, a pattern), which zod writes as OpenAPI 3.0 itself.
      .openapi({
        type: 'array',
        items: z.toJSONSchema(item, { target: 'openapi-3.0', io: 'input' }) as { type: 'string' },
        description: 'repeat the key or separate values with commas',
      })
  );
}

/** Query-string fields of a paged list: `limit` (1…max) and an opaque `cursor` (shared/paging.ts). */
export function pageFields(defaultLimit: number, maxLimit: number) {
  return {
    limit: wholeNumber(1, maxLimit).default(defaultLimit),
    cursor: z.string().max(2000).optional().describe('next_cursor of the previous page, unchanged'),
  };
}

/** The query of a list that has no filters. */
export const pageQuery = z.strictObject(pageFields(100, 500));

/** A page of a list: lists page by key; `next_cursor` asks for the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), next_cursor: z.string().nullable() });
}

/** A row id in a path: "abc" is refused as "id must be a positive integer, got "abc"". */
export const id = z
  .string()
  .regex(/^\d{1,15}$/, { error: (issue) => `must be a positive integer, got ${JSON.stringify(issue.input)}` })
  .transform(Number);
export const idParams = z.object({ id });

/** Times in responses: ISO 8601 in UTC. */
export const time = z.iso.datetime();
export const rowId = z.number().int();

/** A JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { 'application/json': { schema } } };
}

/** A JSON response. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const refusals = {
  400: 'invalid input (the field it names)',
  401: 'missing, invalid or expired token',
  403: 'the role of the caller does not allow it',
  404: 'the row does not exist',
  409: 'conflicts with stored data',
  503: 'busy or shutting down; try again later (Retry-After)',
} as const;

/** The error responses of a route: 400 and 401 always, and the given others. */
export function refused(...statuses: (keyof typeof refusals)[]): RouteConfig['responses'] {
  return Object.fromEntries([400, 401, ...statuses].map((status) => [status, json(apiError, refusals[status as keyof typeof refusals])]));
}
