/**
 * Task code's HTTP requests, executed by the host under the egress policy and resource caps:
 * - every connection goes through the checked agents (agents.ts), every redirect hop included;
 * - a response body larger than `maxBytes` fails the request as soon as that many bytes arrived
 *   (the body is streamed and counted, decompressed bytes included, and the bytes held count
 *   towards the sandbox's memory watch through `heldBytes()`);
 * - a request's timeout is capped at what is left of its job's time limit;
 * - at most `concurrency` requests of one job run at once (the others wait their turn);
 * - when the job ends (`end()`), every request it still has is aborted;
 * - secret handles in a request are expanded only for their bound URLs (secret-handles.ts).
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Readable } from 'node:stream';
import type { HttpRequest } from '../sandbox/index.js';
import { SyncStudioError } from '../shared/errors.js';
import { createEgressAgents } from './agents.js';
import { EgressPolicy, EgressRefusedError } from './policy.js';
import { checkRedirect, expandSecretHandles, SecretDestinationError, type SecretHandleTable } from './secret-handles.js';

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

export interface TaskHttpOptions {
  /** `SYNC_STUDIO_EGRESS_ALLOW` entries: hosts, IP addresses or CIDR networks reachable anyway. */
  allow: readonly string[];
  /** Largest response body, in bytes (`SYNC_STUDIO_HTTP_MAX_BYTES`). */
  maxBytes: number;
  /** Requests of one job running at once (`SYNC_STUDIO_HTTP_CONCURRENCY`). */
  concurrency: number;
}

export interface TaskHttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
}

export class HttpLimitError extends SyncStudioError {
  constructor(code: 'http_response_too_large' | 'http_timeout' | 'http_job_ended', message: string) {
    super(code, message, { status: 400 });
  }
}

export interface TaskHttpSession {
  request(request: HttpRequest): Promise<TaskHttpResponse>;
  /** The job's time limit starts counting now (requests made before use the time from their own start). */
  start(): void;
  /** Aborts every request of the job, running or waiting. */
  end(): void;
}

export class TaskHttpClient {
  readonly policy: EgressPolicy;
  private readonly client: AxiosInstance;
  private held = 0;

  constructor(private readonly options: TaskHttpOptions) {
    this.policy = new EgressPolicy(options.allow);
    this.client = axios.create({
      ...createEgressAgents(this.policy),
      maxRedirects: 5,
      // Proxy variables of the environment would connect somewhere other than the checked address.
      proxy: false,
      validateStatus: () => true,
      responseType: 'stream',
    });
  }

  /** Response bytes held in this process on behalf of jobs right now. */
  heldBytes(): number {
    return this.held;
  }

  /** The requests of one job whose time limit is `timeLimitMs`; `handles` expands its secret handles. */
  session(timeLimitMs: number, handles?: SecretHandleTable): TaskHttpSession {
    const ended = new AbortController();
    const limit = pLimit(this.options.concurrency);
    let deadline: number | undefined;
    return {
      request: (request) => this.limited(limit, ended.signal, deadline ?? Date.now() + timeLimitMs, request, handles),
      start: () => {
        deadline = Date.now() + timeLimitMs;
      },
      end: () => ended.abort(),
    };
  }

  private limited(
    limit: LimitFunction,
    ended: AbortSignal,
    deadline: number,
    asked: HttpRequest,
    handles: SecretHandleTable | undefined,
  ): Promise<TaskHttpResponse> {
    return limit(async () => {
      if (ended.aborted) throw jobEnded();
      parseUrl(asked.url);
      const { request, boundUrls } = handles ? expandSecretHandles(asked, handles) : { request: asked, boundUrls: [] };
      const url = parseUrl(request.url);
      this.policy.checkUrl(url);
      const timeoutMs = Math.max(0, Math.min(request.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS, deadline - Date.now()));
      const cappedByJob = timeoutMs < (request.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), timeoutMs);
      const signal = AbortSignal.any([ended, timeout.signal]);
      try {
        const response = await this.client.request<Readable>({
          method: request.method,
          url: url.href,
          headers: request.headers,
          params: request.params,
          data: request.data,
          signal,
          ...(boundUrls.length > 0 && {
            beforeRedirect: (options: Record<string, unknown>) => checkRedirect(boundUrls, redirectTarget(options)),
          }),
        });
        return await this.readBody(response, signal);
      } catch (error) {
        if (ended.aborted) throw jobEnded();
        if (timeout.signal.aborted) {
          throw new HttpLimitError(
            'http_timeout',
            `timed out after ${timeoutMs} ms${cappedByJob ? " (what was left of the job's time limit)" : ''}`,
          );
        }
        throw ownCause(error) ?? error;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  private async readBody(response: AxiosResponse<Readable>, signal: AbortSignal): Promise<TaskHttpResponse> {
    const stream = response.data;
    const { maxBytes } = this.options;
    const tooLarge = () =>
      new HttpLimitError(
        'http_response_too_large',
        `the response body is larger than ${maxBytes} bytes (SYNC_STUDIO_HTTP_MAX_BYTES); the request was aborted`,
      );
    const abort = () => stream.destroy(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      if (Number(response.headers['content-length']) > maxBytes) throw tooLarge();
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        this.held += chunk.length;
        if (size > maxBytes) throw tooLarge();
        chunks.push(chunk);
      }
      const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)]));
      return { status: response.status, statusText: response.statusText, headers, body: Buffer.concat(chunks, size) };
    } finally {
      signal.removeEventListener('abort', abort);
      stream.destroy();
      this.held -= size;
    }
  }
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new SyncStudioError('http_invalid_url', `${JSON.stringify(text)} is not an absolute URL`, { status: 400 });
  }
}

/** Where follow-redirects is about to go (its options hold the parsed location). */
function redirectTarget(options: Record<string, unknown>): URL {
  if (typeof options.href === 'string') return new URL(options.href);
  const port = options.port ? `:${String(options.port)}` : '';
  return new URL(`${String(options.protocol)}//${String(options.hostname)}${port}${String(options.path ?? '/')}`);
}

function jobEnded(): HttpLimitError {
  return new HttpLimitError('http_job_ended', 'aborted: the job ended');
}

/** Our own refusal, wherever axios or follow-redirects wrapped it. */
function ownCause(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof EgressRefusedError || current instanceof HttpLimitError || current instanceof SecretDestinationError)
      return current;
  }
  return undefined;
}
