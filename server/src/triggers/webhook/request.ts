/**
 * From a raw HTTP request (as journaled: method, URL, headers, body bytes) to the JSON object task
 * code receives as `handle_webhook(request)`, or to a rejection (415 / 400) saying why not. Pure
 * apart from multipart parsing, so a journaled request parses the same way when it is replayed.
 *
 * The request object (decision note 014):
 *   { method, url, path, headers (lower-case names), query, body, json, form, files, remote_addr }
 * - `query` and `form`: name → string, or string[] when a name repeats;
 * - `body`: the raw body as text ('' without a body; JSON and form bodies must be UTF-8); null for
 *   multipart bodies, whose parts are in `form` and `files`;
 * - `json`: the parsed body of a JSON webhook (null without a body);
 * - `files`: multipart file parts `{field, filename, content_type, size, base64}`.
 */
export type WebhookKind = 'json' | 'http';

export interface RawWebhookRequest {
  method: string;
  /** Path and query as received, e.g. /sync/webhook/<uuid>?a=1 */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  remoteAddr: string | null;
}

export interface WebhookFile {
  field: string;
  filename: string;
  content_type: string;
  size: number;
  base64: string;
}

export type Multi = Record<string, string | string[]>;

export interface WebhookRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  query: Multi;
  body: string | null;
  json: unknown;
  form: Multi;
  files: WebhookFile[];
  remote_addr: string | null;
}

export interface Rejection {
  status: 400 | 413 | 415;
  code: string;
  message: string;
}

export type ParsedRequest = { ok: true; request: WebhookRequest } | { ok: false; rejection: Rejection };

/** Deeper JSON is refused with a 400: it would overflow recursive code further on. */
export const MAX_JSON_DEPTH = 512;

const accepted: Record<WebhookKind, string> = {
  json: 'application/json',
  http: 'application/x-www-form-urlencoded or multipart/form-data',
};
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** `publicUrl` is this sidecar's public base URL: `request.url` never trusts the Host header. */
export async function parseWebhookRequest(kind: WebhookKind, raw: RawWebhookRequest, publicUrl: string): Promise<ParsedRequest> {
  const url = new URL(raw.url, 'http://webhook.invalid');
  const base: WebhookRequest = {
    method: raw.method,
    url: `${publicUrl}${url.pathname}${url.search}`,
    path: url.pathname,
    headers: raw.headers,
    query: collect(url.searchParams),
    body: '',
    json: null,
    form: {},
    files: [],
    remote_addr: raw.remoteAddr,
  };
  if (raw.body.length === 0) return { ok: true, request: base };
  const contentType = parseContentType(raw.headers['content-type']);
  const mime = contentType?.mime;
  if (contentType?.charset !== undefined && !['utf-8', 'utf8', 'us-ascii'].includes(contentType.charset)) {
    return reject(415, 'unsupported_charset', `charset ${contentType.charset} is not supported; send UTF-8`);
  }
  if (kind === 'json' && mime !== undefined && isJsonMime(mime)) return parseJson(base, raw.body);
  if (kind === 'http' && mime === 'application/x-www-form-urlencoded') return parseUrlEncoded(base, raw.body);
  if (kind === 'http' && mime === 'multipart/form-data') return parseMultipart(base, raw);
  return reject(
    415,
    'unsupported_media_type',
    `this ${kind} webhook takes ${accepted[kind]}, not ${mime ?? 'a body without a content type'}`,
  );
}

function parseJson(base: WebhookRequest, body: Buffer): ParsedRequest {
  const text = decode(body);
  if (text === undefined) return reject(400, 'invalid_utf8', 'the body is not valid UTF-8');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH))
    return reject(400, 'json_too_deep', `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return { ok: true, request: { ...base, body: text, json: JSON.parse(text) } };
  } catch {
    return reject(400, 'invalid_json', 'the body is not valid JSON');
  }
}

function parseUrlEncoded(base: WebhookRequest, body: Buffer): ParsedRequest {
  const text = decode(body);
  if (text === undefined) return reject(400, 'invalid_utf8', 'the body is not valid UTF-8');
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return reject(400, 'invalid_form', 'the form body has a malformed percent escape');
  const params = new URLSearchParams(text);
  if ([...params].some(([name, value]) => name.includes('\uFFFD') || value.includes('\uFFFD'))) {
    return reject(400, 'invalid_utf8', 'the form body decodes to invalid UTF-8');
  }
  return { ok: true, request: { ...base, body: text, form: collect(params) } };
}

async function parseMultipart(base: WebhookRequest, raw: RawWebhookRequest): Promise<ParsedRequest> {
  let data: FormData;
  try {
    data = await new Response(raw.body, { headers: { 'content-type': raw.headers['content-type']! } }).formData();
  } catch {
    return reject(400, 'invalid_multipart', 'the multipart body could not be parsed');
  }
  const fields: [string, string][] = [];
  const files: WebhookFile[] = [];
  for (const [field, value] of data) {
    if (typeof value === 'string') {
      fields.push([field, value]);
    } else {
      const bytes = Buffer.from(await value.arrayBuffer());
      files.push({
        field,
        filename: value.name,
        content_type: value.type || 'application/octet-stream',
        size: bytes.length,
        base64: bytes.toString('base64'),
      });
    }
  }
  return { ok: true, request: { ...base, body: null, form: collect(fields), files } };
}

/** The body as UTF-8 text, or undefined when it is not valid UTF-8. */
export function decode(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

function collect(entries: Iterable<[string, string]>): Multi {
  const result: Multi = {};
  for (const [name, value] of entries) {
    const existing = result[name];
    if (existing === undefined) result[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[name] = [existing, value];
  }
  return result;
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

export function parseContentType(header: string | undefined): { mime: string; charset?: string } | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const [mime, ...params] = header.split(';');
  const charset = params
    .map((p) => p.trim().match(/^charset\s*=\s*"?([^";]+)"?$/i)?.[1])
    .find((c) => c !== undefined)
    ?.toLowerCase();
  return charset === undefined ? { mime: mime!.trim().toLowerCase() } : { mime: mime!.trim().toLowerCase(), charset };
}

/** True when brackets nest deeper than `limit` (strings skipped), checked before `JSON.parse`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

function reject(status: Rejection['status'], code: string, message: string): ParsedRequest {
  return { ok: false, rejection: { status, code, message } };
}
