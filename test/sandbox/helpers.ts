/**
 * Helpers for sandbox tests: a run request with sensible defaults, and HostPowers that record every
 * call and answer through handlers a test can replace. These are the test's powers (the host side
 * the job runner would provide), not a mock of the sandbox.
 */
import type {
  AddJobSpec,
  HostPowers,
  HttpRequest,
  HttpResponse,
  LogEntry,
  OdooCall,
  PluginCall,
  RunContext,
  RunRequest,
} from '../../server/src/sandbox/index.js';

let nextJobId = 1;

export interface RequestOverrides {
  code?: string;
  commonCode?: string;
  handler?: string;
  args?: unknown[];
  context?: Partial<RunContext>;
  timeoutMs?: number;
  jobId?: number;
  projectVersion?: number;
  taskId?: number;
}

export function makeRequest(overrides: RequestOverrides = {}): RunRequest {
  return {
    jobId: overrides.jobId ?? nextJobId++,
    project: { id: 1, version: overrides.projectVersion ?? 1, commonCode: overrides.commonCode ?? '' },
    task: { id: overrides.taskId ?? 1, code: overrides.code ?? 'function handle_cron() {}' },
    handler: overrides.handler ?? 'handle_cron',
    args: overrides.args ?? [],
    context: {
      trigger_name: 'NIGHTLY',
      user: { id: 7, name: 'Ada' },
      params: {},
      texts: {},
      webhooks: {},
      lang: 'en_US',
      tz: 'Europe/Brussels',
      plugins: [],
      secrets: { keys: [], tag: '0123abcd' },
      ...overrides.context,
    },
    timeoutMs: overrides.timeoutMs ?? 30_000,
  };
}

type Handler<I, O> = (input: I) => Promise<O>;

export class RecordingPowers implements HostPowers {
  readonly logs: LogEntry[] = [];
  readonly calls: { power: string; payload: unknown }[] = [];
  onOdoo: Handler<OdooCall, unknown> = async () => null;
  onAddJob: Handler<AddJobSpec, void> = async () => {};
  onLinks: Handler<unknown, unknown> = async () => null;
  onHttp: Handler<HttpRequest, HttpResponse> = async () => ({ status: 200, headers: {}, data: null });
  onPlugin: Handler<PluginCall, unknown> = async () => null;

  log(entry: LogEntry): void {
    this.logs.push(entry);
  }
  odoo(call: OdooCall) {
    this.calls.push({ power: 'odoo', payload: call });
    return this.onOdoo(call);
  }
  addJob(spec: AddJobSpec) {
    this.calls.push({ power: 'addJob', payload: spec });
    return this.onAddJob(spec);
  }
  links(op: unknown) {
    this.calls.push({ power: 'links', payload: op });
    return this.onLinks(op);
  }
  http(request: HttpRequest) {
    this.calls.push({ power: 'http', payload: request });
    return this.onHttp(request);
  }
  plugin(call: PluginCall) {
    this.calls.push({ power: 'plugin', payload: call });
    return this.onPlugin(call);
  }
}

/** An error as a host power would throw it (e.g. the Odoo client's typed errors). */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A promise the test resolves itself, to hold a job inside a power call. */
export function deferred<T = unknown>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
