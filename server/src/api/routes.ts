/**
 * Serving a route of the contract (contract/): the route is registered in its group's OpenAPI
 * registry and answered by `handler` with its input already checked against the route's schemas:
 * path parameters (a bad id is a 400 naming it, a path part outside its set a 404), the query
 * string and the JSON body, with the messages of `parseInput`. Bodies are read whatever their
 * Content-Type (curl's `-d` sends a form type) and a body that is not JSON is a 400, as before
 * the contract; so the library's own validators, which answer 415 and hono's messages, are not used.
 */
import { OpenAPIHono, type RouteConfig, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { InvalidInputError, NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/validation.js';
import { readJson, readQuery } from './body.js';
import type { AppEnv } from './context.js';

/** A capability's group of routes under /api. */
export type ApiRoutes = OpenAPIHono<AppEnv>;
export const apiRoutes = (): ApiRoutes => new OpenAPIHono<AppEnv>();

type Parsed<R, K extends string> = R extends { request: { [P in K]: infer S extends z.ZodType } } ? z.output<S> : undefined;
type JsonBody<R> = R extends { request: { body: { content: { 'application/json': { schema: infer S extends z.ZodType } } } } }
  ? z.output<S>
  : undefined;

/** What a handler receives, checked: path parameters, query and JSON body of its route. */
export interface RouteInput<R extends RouteConfig> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: JsonBody<R>;
}

export interface ServeOptions {
  /** Names the input in messages ("syntax check: field "code": ..."); default "query" and "body". */
  what?: string;
  /**
   * Who checks the body instead (e.g. the project store, against the same contract schema with
   * the resource's name in its messages); the handler reads it itself.
   */
  bodyCheckedBy?: string;
}

export function serve<R extends RouteConfig>(
  app: ApiRoutes,
  route: R,
  handler: (c: Context<AppEnv>, input: RouteInput<R>) => Response | Promise<Response>,
  options: ServeOptions = {},
): void {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), route.path.replace(/\{(\w+)\}/g, ':$1'), async (c) => {
    const response = await handler(c, await readInput(c, route, options));
    return c.get('checkResponses') ? checkResponse(c, route, response) : response;
  });
}

async function readInput<R extends RouteConfig>(c: Context<AppEnv>, route: R, options: ServeOptions): Promise<RouteInput<R>> {
  const { params, query, body } = route.request ?? {};
  const bodySchema = schemaOf(body?.content);
  return {
    params: params ? readParams(c, params as z.ZodObject) : undefined,
    query: query ? parseInput(query as z.ZodType, readQuery(c), options.what ?? 'query') : undefined,
    body: bodySchema && !options.bodyCheckedBy ? parseInput(bodySchema, await readJson(c), options.what ?? 'body') : undefined,
  } as RouteInput<R>;
}

/** A bad id is a 400 naming it ("id must be a positive integer, got "abc""); a path part outside its set names no resource: 404. */
function readParams(c: Context<AppEnv>, schema: z.ZodObject): unknown {
  const raw = c.req.param() as Record<string, string>;
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0]);
  if (issue.code === 'invalid_value') {
    const what = schema.shape[key]?.description ?? key;
    throw new NotFoundError(what, `"${raw[key]}" (expected ${issue.values.map(String).join(', ')})`);
  }
  throw new InvalidInputError(`${key} ${issue.message}`, key);
}

/**
 * Tests serve every answer through this: a status the route does not list, a JSON body that does
 * not match its schema, or a field its schema does not document becomes a 500 naming the route and
 * the field.
 */
async function checkResponse(c: Context<AppEnv>, route: RouteConfig, response: Response): Promise<Response> {
  const where = `${route.method.toUpperCase()} ${route.path} answered ${response.status}`;
  const declared = route.responses[response.status];
  const refuse = (problem: string) => c.json({ error: { code: 'response_contract', message: `${where}: ${problem}` } }, 500);
  if (!declared) return refuse('a status its contract does not list');
  const schema = schemaOf('content' in declared ? declared.content : undefined);
  if (!schema || !response.headers.get('content-type')?.startsWith('application/json')) return response;
  const body: unknown = await response.clone().json();
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return refuse(`field "${issue.path.join('.')}": ${issue.message}`);
  }
  const extra = undocumented(body, result.data);
  return extra ? refuse(`field "${extra}" is not in its schema`) : response;
}

/** The first field of `sent` that parsing dropped (object schemas strip unknown keys), as a path. */
function undocumented(sent: unknown, parsed: unknown, path: string[] = []): string | undefined {
  if (typeof sent !== 'object' || sent === null || typeof parsed !== 'object' || parsed === null) return undefined;
  for (const [key, value] of Object.entries(sent)) {
    if (!(key in parsed)) return [...path, key].join('.');
    const inner = undocumented(value, (parsed as Record<string, unknown>)[key], [...path, key]);
    if (inner) return inner;
  }
  return undefined;
}

function schemaOf(content: Record<string, unknown> | undefined): z.ZodType | undefined {
  return (content?.['application/json'] as { schema?: z.ZodType } | undefined)?.schema;
}
