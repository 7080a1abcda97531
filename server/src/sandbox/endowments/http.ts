/**
 * `http`: an axios-shaped client whose requests the host executes (and logs as data_out/data_in),
 * plus `url2bin` / `url2base64` on top of it. As in axios, a status outside 2xx rejects with an
 * HttpError carrying `response`, unless `validateStatus` says otherwise.
 */
import type { HttpRequest, HttpResponse } from '../protocol.js';
import { HttpError } from './errors.js';
import { helpers, toBytes } from './helpers.js';

export interface HttpConfig {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  /** milliseconds, as in axios */
  timeout?: number;
  responseType?: 'json' | 'text' | 'arraybuffer';
  validateStatus?: ((status: number) => boolean) | null;
}

const configKeys: ReadonlySet<string> = new Set([
  'method',
  'url',
  'headers',
  'params',
  'data',
  'timeout',
  'responseType',
  'validateStatus',
]);
const responseTypes: ReadonlySet<string> = new Set(['json', 'text', 'arraybuffer']);
const defaultValidateStatus = (status: number) => status >= 200 && status < 300;

export type HttpCall = (request: HttpRequest) => Promise<HttpResponse>;

function toRequest(config: HttpConfig): HttpRequest {
  if (typeof config !== 'object' || config === null) throw new TypeError('http: the request config must be an object');
  for (const key of Object.keys(config)) {
    if (!configKeys.has(key)) throw new TypeError(`http: unknown option "${key}"; known options: ${[...configKeys].join(', ')}`);
  }
  if (typeof config.url !== 'string' || config.url === '') throw new TypeError('http: url must be a non-empty string');
  const request: HttpRequest = { method: (config.method ?? 'get').toUpperCase(), url: config.url };
  if (config.headers !== undefined) {
    request.headers = Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name, String(value)]));
  }
  if (config.params !== undefined) request.params = { ...config.params };
  if (config.data !== undefined) request.data = config.data instanceof ArrayBuffer ? new Uint8Array(config.data) : config.data;
  if (config.timeout !== undefined) {
    if (typeof config.timeout !== 'number' || !(config.timeout > 0))
      throw new TypeError('http: timeout must be a positive number of milliseconds');
    request.timeoutMs = config.timeout;
  }
  if (config.responseType !== undefined) {
    if (!responseTypes.has(config.responseType)) throw new TypeError(`http: responseType must be one of ${[...responseTypes].join(', ')}`);
    request.responseType = config.responseType;
  }
  return request;
}

/** A fresh, exactly sized copy: never a view that could reach other memory. */
function ownBytes(data: unknown): unknown {
  return data instanceof Uint8Array ? data.slice() : data;
}

export function createHttpClient(call: HttpCall) {
  async function request(config: HttpConfig): Promise<HttpResponse> {
    const response = await call(toRequest(config));
    const result = { status: response.status, headers: { ...response.headers }, data: ownBytes(response.data) };
    const validateStatus = config.validateStatus === undefined ? defaultValidateStatus : config.validateStatus;
    if (validateStatus && !validateStatus(result.status)) {
      throw new HttpError(`Request failed with status code ${result.status}`, result);
    }
    return result;
  }
  const withoutBody =
    (method: string) =>
    (url: string, config: HttpConfig = {}) =>
      request({ ...config, method, url });
  const withBody =
    (method: string) =>
    (url: string, data?: unknown, config: HttpConfig = {}) =>
      request({ ...config, method, url, data });
  const http = {
    request,
    get: withoutBody('get'),
    delete: withoutBody('delete'),
    head: withoutBody('head'),
    options: withoutBody('options'),
    post: withBody('post'),
    put: withBody('put'),
    patch: withBody('patch'),
  };

  /** GET the url and return its body as bytes; null for an empty url (as upstream). */
  async function url2bin(url: string): Promise<Uint8Array | null> {
    if (!url) return null;
    const response = await request({ method: 'get', url, responseType: 'arraybuffer' });
    return toBytes(response.data, 'url2bin');
  }
  async function url2base64(url: string): Promise<string | null> {
    const bytes = await url2bin(url);
    return bytes === null ? null : helpers.b64encode(bytes);
  }
  return { http, url2bin, url2base64 };
}
