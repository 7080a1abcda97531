/**
 * From a handler's return value to the HTTP reply (decision note 014).
 *
 * - JSON webhooks: any JSON value is the body (application/json), status 200.
 * - http webhooks: `body`, `[body, status]` or `[body, status, headers]` (headers as an object or a
 *   list of `[name, value]` pairs); a string body is text/plain unless the handler sets a content
 *   type, other values are sent as JSON.
 * - Nothing returned (undefined or null: the sandbox cannot tell them apart) → 200 "OK".
 * Headers that would break framing or reach beyond this response (hop-by-hop headers,
 * content-length/-encoding, set-cookie, HSTS, alt-svc, ...) or carry CR/LF are dropped and named
 * in `dropped`, for the job log. So are redirect and CORS headers (Location, Refresh,
 * Access-Control-*) unless the webhook opts in (`allow_redirect_and_cors`): webhooks share the
 * panel's origin, and a handler must not send a visitor elsewhere or open the origin to others.
 *
 * Every webhook response, the handler's or ours, carries `X-Content-Type-Options: nosniff` and
 * `Content-Security-Policy: sandbox`: a handler's HTML is shown as an opaque-origin document whose
 * script (if any) cannot reach the panel next to it. Handlers cannot replace either header.
 */
import type { WebhookKind } from './request.js';

export interface WebhookReply {
  status: number;
  headers: [string, string][];
  /** null for statuses that have no body (204, 205, 304). */
  body: string | null;
}

export type ReplyResult = { ok: true; reply: WebhookReply; dropped: string[] } | { ok: false; message: string };

const BLOCKED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
  'set-cookie',
  'set-cookie2',
  'strict-transport-security',
  'alt-svc',
  'clear-site-data',
  'date',
  'server',
  // set on every webhook response by toResponse; a handler cannot loosen them
  'x-content-type-options',
  'content-security-policy',
  'content-security-policy-report-only',
]);
/** Headers that redirect or share the response cross-origin: kept only when the webhook opts in. */
const REDIRECT_AND_CORS = /^(location|refresh|access-control-.*|timing-allow-origin|cross-origin-resource-policy)$/;
/** On every webhook response. */
const PROTECTIVE_HEADERS: [string, string][] = [
  ['x-content-type-options', 'nosniff'],
  ['content-security-policy', 'sandbox'],
];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible Latin-1 and tabs: no CR, LF or NUL, nothing the Headers class refuses. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export const okReply: WebhookReply = { status: 200, headers: [['content-type', TEXT]], body: 'OK' };

export interface ReplyPolicy {
  /** Keep Location, Refresh and Access-Control-* headers set by the handler. */
  allowRedirectAndCors: boolean;
}

export function replyFromResult(kind: WebhookKind, result: unknown, policy: ReplyPolicy = { allowRedirectAndCors: false }): ReplyResult {
  if (result === null || result === undefined) return { ok: true, reply: okReply, dropped: [] };
  if (kind === 'json')
    return { ok: true, reply: { status: 200, headers: [['content-type', JSON_TYPE]], body: JSON.stringify(result) }, dropped: [] };
  const tuple = Array.isArray(result) && (result.length === 2 || result.length === 3) && Number.isInteger(result[1]);
  const [body, status, headers] = tuple ? (result as [unknown, number, unknown?]) : [result, 200, undefined];
  if (status < 200 || status > 599) return { ok: false, message: `status ${status} is not an HTTP status from 200 to 599` };
  const parsed = parseHeaders(headers, policy);
  if (!parsed.ok) return parsed;
  const { kept, dropped } = parsed;
  const hasType = kept.some(([name]) => name === 'content-type');
  const text = body === null || body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  if (!hasType) kept.push(['content-type', typeof body === 'string' || body === null ? TEXT : JSON_TYPE]);
  return { ok: true, reply: { status, headers: kept, body: NULL_BODY_STATUSES.has(status) ? null : text }, dropped };
}

function parseHeaders(
  headers: unknown,
  policy: ReplyPolicy,
): { ok: true; kept: [string, string][]; dropped: string[] } | { ok: false; message: string } {
  let pairs: unknown[];
  if (headers === undefined || headers === null) pairs = [];
  else if (Array.isArray(headers)) pairs = headers;
  else if (typeof headers === 'object') pairs = Object.entries(headers);
  else return { ok: false, message: 'headers must be an object or a list of [name, value] pairs' };
  const kept: [string, string][] = [];
  const dropped: string[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string')
      return { ok: false, message: 'each header must be a [name, value] pair' };
    const name = pair[0].toLowerCase();
    const value = typeof pair[1] === 'number' ? String(pair[1]) : pair[1];
    const refused = BLOCKED_HEADERS.has(name) || (!policy.allowRedirectAndCors && REDIRECT_AND_CORS.test(name));
    if (typeof value !== 'string' || !TOKEN.test(name) || !HEADER_VALUE.test(value) || refused) dropped.push(pair[0]);
    else kept.push([name, value]);
  }
  return { ok: true, kept, dropped };
}

/** The reply as a fetch Response, with the protective headers. */
export function toResponse(reply: WebhookReply): Response {
  return new Response(reply.body, { status: reply.status, headers: [...reply.headers, ...PROTECTIVE_HEADERS] });
}
