/**
 * The one typed contract between the sandbox host (the pool, in the main thread) and its worker
 * threads. Everything here crosses `postMessage`, so it is structured-clone data
 * only; the worker imports nothing else from the host side.
 */

/** What the job runner asks the sandbox to run. */
export interface RunRequest {
  jobId: number;
  project: { id: number; version: number; commonCode: string };
  task: { id: number; code: string };
  /** 'handle_cron' | 'handle_db' | 'handle_webhook' | 'handle_button' | an add_job function name */
  handler: string;
  /** JSON values; record sets arrive encoded as {"__recordset__": {"model","ids"}} */
  args: unknown[];
  context: RunContext;
  timeoutMs: number;
}

export interface RunContext {
  trigger_name: string;
  user: { id: number; name: string } | null;
  params: Record<string, string | null>;
  texts: Record<string, string | null>;
  webhooks: Record<string, string>;
  /** e.g. 'en_US' */
  lang: string;
  tz: string;
  plugins: PluginDescription[];
  /** The project's secret keys (never values) and this job's handle tag: `secret(key)` builds `~secret~KEY~TAG~`. */
  secrets: { keys: string[]; tag: string };
}

export interface PluginDescription {
  name: string;
  /** Export names may be dotted ('telegram.sendMessage') to build a namespace object. */
  exports: Record<string, PluginExport>;
}

export type PluginExport = { kind: 'function' } | { kind: 'value'; value: unknown };

export type RunLimit = 'time' | 'memory' | 'collateral';

export interface ErrorDescription {
  name: string;
  message: string;
  stack?: string;
  retryable: boolean;
  retryAfterSeconds?: number;
}

export type RunOutcome =
  { ok: true; result: unknown; durationMs: number } | { ok: false; durationMs: number; limit?: RunLimit; error: ErrorDescription };

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export const logLevels = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logTypes = ['server', 'data_out', 'data_in'] as const;
export type LogType = (typeof logTypes)[number];

/** A line task code logged, as the worker sends it (the host writes it as a log row of the job). */
export interface LogEntry {
  level: LogLevel;
  type: LogType;
  name: string;
  message: string;
  /** When task code logged it (milliseconds since the epoch). */
  at: number;
}

export interface OdooCall {
  model: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

export interface AddJobOptions {
  priority?: number;
  eta?: string;
  max_retries?: number;
  description?: string;
  identity_key?: string;
}

export interface AddJobSpec {
  function: string;
  args: unknown[];
  options: AddJobOptions;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: unknown;
  timeoutMs?: number;
  responseType?: 'json' | 'text' | 'arraybuffer';
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

// ---- links: the `links` power's results (links/ on the host, endowments/links.ts in the worker) --

/** The system name of a link's Odoo side (its ref is a record id) in links task code sets on records. */
export const ODOO_SYSTEM = '__odoo__';
/** The system name of the other side of such a link. */
export const EXTERNAL_SYSTEM = '__external__';

/** The identity of a link: relation, both sides, and the model (Odoo links) or null (external links). */
export interface LinkPair {
  relation: string;
  system1: string;
  ref1: string;
  system2: string;
  ref2: string;
  model: string | null;
}

/** A link as the host answers it (JSON-safe: the date is an ISO string). */
export interface LinkRow extends LinkPair {
  id: number;
  /** ISO 8601, UTC. */
  date: string;
}

/** What each link operation (`op`) answers. */
export interface LinkOpResults {
  set: { link: LinkRow; created: boolean };
  search: LinkRow[];
  get: LinkRow | null;
  update_dates: LinkRow[];
  delete: { deleted: number };
}
export type LinkOpResult = LinkOpResults[keyof LinkOpResults];

export interface PluginCall {
  plugin: string;
  fn: string;
  args: unknown[];
}

/**
 * What the host lends to a job. All calls carry structured-clone data only. A rejected promise
 * reaches task code as an Error with the same `name` and `message`.
 */
export interface HostPowers {
  log(entry: LogEntry): void | Promise<void>;
  odoo(call: OdooCall): Promise<unknown>;
  addJob(spec: AddJobSpec): Promise<void>;
  /** Opaque here: the links endowment defines the operations. */
  links(op: unknown): Promise<unknown>;
  /** Should resolve for every HTTP status; the sandbox's client applies axios's status rule. */
  http(request: HttpRequest): Promise<HttpResponse>;
  plugin(call: PluginCall): Promise<unknown>;
  /** Called when the run's time limit starts counting (its worker took it). */
  started?(): void;
}

/** The powers a worker may call and wait for (log is fire-and-forget). */
export interface PowerPayloads {
  odoo: OdooCall;
  addJob: AddJobSpec;
  links: unknown;
  http: HttpRequest;
  plugin: PluginCall;
}
export type PowerName = keyof PowerPayloads;

/** What a worker thread is started with. */
export interface WorkerData {
  /** Shared with the host: see log-journal.ts. */
  logJournal: SharedArrayBuffer;
}

// ---- messages ---------------------------------------------------------------------------------
// `runId` names one run inside a worker (a job id may run again, e.g. after a collateral failure).

/** Messages queued in the same turn of the event loop travel together (message-batch.ts). */
export type HostToWorker =
  | { type: 'batch'; messages: HostToWorker[] }
  | { type: 'run'; runId: number; request: RunRequest }
  /** The run's time is over; a responsive worker drops it and answers `cancelled`. */
  | { type: 'cancel'; runId: number }
  | { type: 'power-result'; callId: number; ok: true; value: unknown }
  | { type: 'power-result'; callId: number; ok: false; error: { name: string; message: string } };

export type WorkerToHost =
  | { type: 'batch'; messages: WorkerToHost[] }
  | { type: 'ready' }
  /** `seq` grows per worker; the same entry may also be read from the log journal (log-journal.ts). */
  | { type: 'log'; runId: number; seq: number; entry: LogEntry }
  | { type: 'power-call'; runId: number; callId: number; power: PowerName; payload: unknown }
  | { type: 'done'; runId: number; outcome: RunOutcome }
  | { type: 'cancelled'; runId: number };

// ---- the syntax checker's thread (worker/syntax-main.ts) --------------------------------------

export interface SyntaxCheckRequest {
  id: number;
  code: string;
}

export interface SyntaxCheckAnswer {
  id: number;
  problems: SyntaxProblem[];
}

/**
 * A secret handle as task code holds it (`secret('KEY')`): the key and the job's tag, never the
 * value; the host expands it (egress/secret-handles.ts). One format, built here for both sides.
 */
export function secretHandle(key: string, tag: string): string {
  return `~secret~${key}~${tag}~`;
}
export const secretHandlePattern = /~secret~([A-Za-z_][A-Za-z0-9_]*)~([0-9a-f]+)~/g;
