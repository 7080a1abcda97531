/**
 * The panel's only way to the sidecar: typed requests with the bearer token, API errors as
 * `ApiError` (code, message, field), a lost connection noticed once and re-checked until the
 * sidecar answers again, and an expired or refused token reported to the shell.
 */
import { fetchEventSource } from '@microsoft/fetch-event-source';
import type { LogLine } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown when the sidecar cannot be reached; the shell shows a banner until it answers again. */
export class ConnectionLostError extends Error {
  constructor() {
    super('the Sync Studio server cannot be reached');
    this.name = 'ConnectionLostError';
  }
}

/** Resolves the bearer token; called before every request, and with `renew` once after a 401. */
export type TokenProvider = (options?: { renew?: boolean }) => Promise<string>;

export type Query = Record<string, string | number | boolean | undefined | null | readonly (string | number)[]>;

interface RequestOptions {
  query?: Query | undefined;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  /** Read the answer as text (exports). */
  text?: boolean;
}

const RECHECK_DELAYS_MS = [1000, 2000, 4000, 8000];

export class ApiClient extends EventTarget {
  online = true;
  private recheckTimer: ReturnType<typeof setTimeout> | undefined;
  private rechecks = 0;

  constructor(
    /** e.g. `https://sidecar.example/api` (no trailing slash). */
    readonly base: string,
    private readonly token: TokenProvider,
  ) {
    super();
  }

  url(path: string, query?: Query): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const qs = search.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ''}`;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }
  post<T>(path: string, json?: unknown): Promise<T> {
    return this.request<T>('POST', path, { json: json ?? {} });
  }
  patch<T>(path: string, json: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { json });
  }
  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path, {});
  }
  text(path: string): Promise<string> {
    return this.request<string>('GET', path, { text: true });
  }
  upload<T>(path: string, body: string, contentType: string): Promise<T> {
    return this.request<T>('POST', path, { body, contentType });
  }

  async request<T>(method: string, path: string, options: RequestOptions, retried = false): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(retried ? { renew: true } : undefined)}` };
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.contentType) headers['content-type'] = options.contentType;
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), { method, headers, body: body ?? null });
    } catch {
      this.connectionLost();
      throw new ConnectionLostError();
    }
    this.connectionBack();
    if (response.status === 401 && !retried) return this.request<T>(method, path, options, true);
    if (!response.ok) {
      const error = await readError(response);
      if (response.status === 401) this.dispatchEvent(new CustomEvent('unauthorized', { detail: error.message }));
      throw error;
    }
    if (response.status === 204) return undefined as T;
    return (options.text ? response.text() : response.json()) as Promise<T>;
  }

  /**
   * Follows a job's log lines as they are written (server-sent events read with fetch, so the
   * token travels in a header). Returns a function that stops following.
   */
  followLog(jobId: number, handlers: { line: (line: LogLine) => void; end: (state: string) => void }): () => void {
    const controller = new AbortController();
    const seen = new Set<number>();
    void fetchEventSource(this.url(`/jobs/${jobId}/logs/stream`), {
      signal: controller.signal,
      openWhenHidden: true,
      fetch: async (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${await this.token()}` } }),
      onmessage: (message) => {
        if (message.event === 'log') {
          const line = JSON.parse(message.data) as LogLine;
          if (seen.has(line.id)) return;
          seen.add(line.id);
          handlers.line(line);
        } else if (message.event === 'end') {
          handlers.end((JSON.parse(message.data) as { state: string }).state);
          controller.abort();
        }
      },
    }).catch(() => undefined);
    return () => controller.abort();
  }

  private connectionLost(): void {
    if (!this.online) return;
    this.online = false;
    this.rechecks = 0;
    this.dispatchEvent(new Event('connection'));
    this.scheduleRecheck();
  }

  private connectionBack(): void {
    if (this.online) return;
    this.online = true;
    clearTimeout(this.recheckTimer);
    this.dispatchEvent(new Event('connection'));
  }

  /** The delay before the next automatic check while the connection is lost. */
  get nextRecheckMs(): number {
    return RECHECK_DELAYS_MS[Math.min(this.rechecks, RECHECK_DELAYS_MS.length - 1)]!;
  }

  /** Asks the sidecar whether it is back (the banner's "Retry now" calls it too). */
  async recheck(): Promise<void> {
    clearTimeout(this.recheckTimer);
    try {
      await this.get('/session');
    } catch (error) {
      if (error instanceof ConnectionLostError) {
        this.rechecks += 1;
        this.scheduleRecheck();
      }
    }
  }

  private scheduleRecheck(): void {
    this.recheckTimer = setTimeout(() => void this.recheck(), this.nextRecheckMs);
  }

  dispose(): void {
    clearTimeout(this.recheckTimer);
  }
}

async function readError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string; field?: string } } | undefined;
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'http_error',
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.field,
  );
}
