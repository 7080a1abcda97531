/**
 * A JSON-over-HTTP client for plugins that talk to external APIs (Telegram, GitHub, Trello): every
 * call is logged as data_out (request) and data_in (answer) in the job's log, whose writer redacts
 * the project's secret values; a path part that carries a secret (Telegram's bot token) is written
 * as a placeholder instead. Failures are typed: the API unreachable, timing out, rate limiting or
 * failing on its side (5xx, 429) is a RetryableJobError, so the job is run again later; any other
 * error status is a PluginApiError naming the call and the API's message.
 */
import axios, { type AxiosInstance } from 'axios';
import { SyncStudioError } from '../shared/errors.js';
import type { PluginContext } from './index.js';

/** Named so that task code receives it as its own RetryableJobError (the sandbox rebuilds errors by name). */
export class RetryableJobError extends SyncStudioError {
  constructor(message: string) {
    super('external_api_unavailable', message, { status: 503 });
  }
}

export class PluginApiError extends SyncStudioError {
  constructor(
    message: string,
    readonly apiStatus: number,
  ) {
    super('external_api_error', message, { status: 502 });
  }
}

export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export interface ApiClientOptions {
  /** Shown in the log as the recipient / sender, e.g. "github". */
  name: string;
  baseUrl: string;
  headers?: Record<string, string>;
  /** Query parameters every call carries (Trello's key and token). */
  query?: Record<string, string>;
  /** How a path is written in the log (to hide a secret inside it). */
  logPath?: (path: string) => string;
  timeoutMs?: number;
}

export class ApiClient {
  private readonly http: AxiosInstance;

  constructor(
    private readonly options: ApiClientOptions,
    private readonly context: PluginContext,
  ) {
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      headers: { 'user-agent': 'sync-studio', accept: 'application/json', ...options.headers },
      timeout: options.timeoutMs ?? 30_000,
      validateStatus: () => true,
      proxy: false,
    });
  }

  async call<T = unknown>({ method, path, query, body }: ApiCall): Promise<T> {
    const { name } = this.options;
    const shown = `${method} ${this.options.logPath?.(path) ?? path}`;
    this.context.logTransmission(name, body === undefined ? shown : `${shown}\n${JSON.stringify(body)}`);
    let response;
    try {
      response = await this.http.request({ method, url: path, params: { ...this.options.query, ...query }, data: body });
    } catch (error) {
      const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
      this.context.logReception(name, `${shown} failed: ${reason}`);
      throw new RetryableJobError(`${name} API unreachable (${shown}): ${reason}`);
    }
    const text = typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
    this.context.logReception(name, `${response.status} ${shown}\n${text ?? ''}`);
    if (response.status >= 500 || response.status === 429) {
      throw new RetryableJobError(`${name} API answered ${response.status} to ${shown}; the job is run again later`);
    }
    if (response.status >= 400) {
      const detail = (response.data as { message?: string; description?: string } | undefined) ?? {};
      throw new PluginApiError(
        `${name} API answered ${response.status} to ${shown}: ${detail.message ?? detail.description ?? text}`,
        response.status,
      );
    }
    return response.data as T;
  }
}
