/**
 * The host side of a run: what task code can ask the sidecar to do (`HostPowers` of the sandbox
 * protocol). Every line a job logs goes through here, so secret redaction, capping and the
 * "worst level seen" that decides done / done_warning / failed live in one place.
 *
 * Lines the task causes (log(), log_transmission, http traffic, plugins' lines, add_job notes) are
 * capped at `maxLogLines` per run: beyond it they are counted, not written, and one warning line
 * says how many were dropped (so the job ends done with warnings at best). The host's own lines
 * (start, finish, errors) are always written.
 */
import type { TaskHttpSession } from '../egress/index.js';
import type { OdooClient } from '../odoo/index.js';
import type { EvalContextPlugin, PluginRegistry, PluginExport } from '../plugins/index.js';
import type { LogLevel, LogType, LogWriter } from '../history/logs.js';
import type { ClaimedJob } from '../history/jobs.js';
import type { AddJobSpec, HostPowers, RunRequest } from '../sandbox/index.js';
import { SyncStudioError } from '../shared/errors.js';
import type { ProjectData } from './project-data.js';
import { redactorForJob } from './redaction.js';

export class OdooNotConfiguredError extends SyncStudioError {
  constructor() {
    super('odoo_not_configured', 'Odoo is not configured: set ODOO_URL, ODOO_DB, ODOO_USER and ODOO_PASSWORD to use env', { status: 503 });
  }
}

export class PluginCallError extends SyncStudioError {
  constructor(message: string) {
    super('plugin_call_invalid', message, { status: 400 });
  }
}

export interface PowersDeps {
  logs: LogWriter;
  odoo: OdooClient | undefined;
  plugins: PluginRegistry;
  links: (op: unknown) => Promise<unknown>;
  addSubJob: (parent: ClaimedJob, request: AddJobSpec, log: (message: string, level?: LogLevel) => void) => Promise<void>;
  /** This run's HTTP session (egress policy, caps; ended with the run). */
  http: TaskHttpSession;
  /** Throws for an Odoo model task code's env may not use (env-guard.ts). */
  guardModel: (model: string) => void;
  /** Lines the task may cause per run (SYNC_STUDIO_JOB_MAX_LOG_LINES). */
  maxLogLines: number;
}

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3, critical: 4 };

export type PluginDescription = RunRequest['context']['plugins'][number];

export interface JobPowers extends HostPowers {
  /** The selected plugins' exports as the sandbox request lists them (instantiates them once). */
  describePlugins(): PluginDescription[];
  /** The worst level logged so far. */
  worstLevel(): LogLevel;
  /** Writes a line on the host's behalf (job started/finished, errors). */
  write(level: LogLevel, message: string, type?: LogType, name?: string): void;
  redact(text: string): string;
  /** Resolves when every host call the task started has finished (e.g. an add_job it did not await). */
  drain(): Promise<void>;
  /** Writes the line saying how many of the task's lines were over the cap, if any were. */
  endLog(): void;
}

export function createJobPowers(deps: PowersDeps, job: ClaimedJob, project: ProjectData): JobPowers {
  const redact = redactorForJob(project.redact, job.args);
  let worst: LogLevel = 'debug';
  const write = (level: LogLevel, message: string, type: LogType = 'server', name = 'Log', createdAt = new Date()) => {
    if (levelRank[level] > levelRank[worst]) worst = level;
    deps.logs.write({
      jobId: job.id,
      projectId: job.project_id,
      taskId: job.task_id,
      triggerKind: job.trigger_kind,
      triggerId: job.trigger_id,
      level,
      type,
      name: redact(name),
      message: redact(message),
      createdAt,
    });
  };
  let taskLines = 0;
  let droppedLines = 0;
  /** A line the task caused: counted against the cap. */
  const taskWrite = (level: LogLevel, message: string, type: LogType = 'server', name = 'Log', createdAt = new Date()) => {
    if (taskLines >= deps.maxLogLines) {
      droppedLines++;
      return;
    }
    taskLines++;
    write(level, message, type, name, createdAt);
  };
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };
  let pluginExports: Map<string, PluginInstance> | undefined;
  const pluginsFor = () => {
    pluginExports ??= instantiatePlugins(deps, job, project, taskWrite);
    return pluginExports;
  };

  return {
    describePlugins: () =>
      [...pluginsFor()].map(([name, instance]) => ({
        name,
        exports: Object.fromEntries(
          instance.names.map((key) => {
            const value = instance.exports?.[key];
            return [
              key,
              value === undefined || typeof value === 'function' ? { kind: 'function' as const } : { kind: 'value' as const, value },
            ];
          }),
        ),
      })),
    worstLevel: () => worst,
    write,
    redact,
    log: (entry) => taskWrite(entry.level, entry.message, entry.type, entry.name, new Date(entry.at)),
    async odoo(call) {
      if (!deps.odoo) throw new OdooNotConfiguredError();
      deps.guardModel(call.model);
      return deps.odoo.executeKw(call.model, call.method, call.args, call.kwargs);
    },
    started: () => deps.http.start(),
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    endLog: () => {
      if (droppedLines === 0) return;
      write(
        'warning',
        `${droppedLines} more log lines were dropped: a job writes at most ${deps.maxLogLines} lines (SYNC_STUDIO_JOB_MAX_LOG_LINES)`,
      );
      droppedLines = 0;
    },
    // Sub-jobs are created in the order task code asked for them (the sub-job writer keeps call
    // order), and before the job finishes even when task code does not await them (drain).
    addJob: (request) =>
      track(
        deps
          .addSubJob(job, request, (message, level = 'info') => taskWrite(level, message))
          .catch((error: unknown) => {
            write('error', `add_job: ${request.function} could not be created: ${(error as Error)?.message ?? String(error)}`);
            throw error;
          }),
      ),
    links: (op) => deps.links(op),
    async http(request) {
      const target = safeHost(request.url);
      taskWrite(
        'info',
        `${request.method.toUpperCase()} ${request.url}${request.data === undefined ? '' : `\n${stringify(request.data)}`}`,
        'data_out',
        target,
      );
      try {
        const response = await track(deps.http.request(request));
        const text = request.responseType === 'arraybuffer' ? undefined : response.body.toString('utf8');
        const data =
          text === undefined ? new Uint8Array(response.body) : decodeBody(text, request.responseType, response.headers['content-type']);
        taskWrite(
          response.status >= 400 ? 'warning' : 'info',
          `${response.status} ${response.statusText}\n${text ?? `<${response.body.length} bytes>`}`,
          'data_in',
          target,
        );
        return { status: response.status, headers: response.headers, data };
      } catch (error) {
        const message = `${request.method.toUpperCase()} ${request.url} failed: ${(error as Error).message}`;
        taskWrite('error', message, 'data_in', target);
        const failure = new SyncStudioError(error instanceof SyncStudioError ? error.code : 'http_request_failed', message);
        if (error instanceof SyncStudioError) failure.name = error.name;
        throw failure;
      }
    },
    async plugin(call) {
      const instance = pluginsFor().get(call.plugin);
      if (instance?.setupError) throw new PluginCallError(`plugin ${call.plugin} is not set up: ${instance.setupError}`);
      const fn = instance?.exports?.[call.fn];
      if (typeof fn !== 'function') throw new PluginCallError(`plugin ${call.plugin} has no function ${call.fn}`);
      return (fn as (...args: unknown[]) => unknown)(...call.args);
    },
  };
}

interface PluginInstance {
  names: readonly string[];
  exports?: Record<string, PluginExport>;
  /** Why `create` failed (e.g. a missing secret): calls then fail with it, other tasks still run. */
  setupError?: string;
}

/** Runs each selected plugin's factory with the project's decrypted secrets, once per job. */
function instantiatePlugins(
  deps: PowersDeps,
  job: ClaimedJob,
  project: ProjectData,
  write: (level: LogLevel, message: string, type?: LogType, name?: string) => void,
): Map<string, PluginInstance> {
  const result = new Map<string, PluginInstance>();
  if (job.eval_contexts.length === 0) return result;
  const { secrets } = project;
  for (const name of job.eval_contexts) {
    const plugin = deps.plugins.get(name);
    if (!plugin) {
      write('warning', `plugin ${name} is selected on the project but not installed in this sidecar`);
      continue;
    }
    try {
      result.set(name, { names: plugin.exportNames, exports: createPlugin(plugin, secrets, deps, job, project, write) });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      write('warning', `plugin ${name} could not be set up: ${message}`);
      result.set(name, { names: plugin.exportNames, setupError: message });
    }
  }
  return result;
}

function createPlugin(
  plugin: EvalContextPlugin,
  secrets: Readonly<Record<string, string | null>>,
  deps: PowersDeps,
  job: ClaimedJob,
  project: ProjectData,
  write: (level: LogLevel, message: string, type?: LogType, name?: string) => void,
): Record<string, PluginExport> {
  return plugin.create(secrets, {
    log: (message, level = 'info') => write(level, message, 'server', plugin.name),
    logTransmission: (recipient, data) => write('info', data, 'data_out', recipient),
    logReception: (sender, data) => write('info', data, 'data_in', sender),
    params: project.params,
    odoo: async (model, method, args = [], kwargs = {}) => {
      if (!deps.odoo) throw new OdooNotConfiguredError();
      return deps.odoo.executeKw(model, method, args, kwargs);
    },
    project: { id: job.project_id, name: project.name },
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'http';
  }
}

function stringify(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

function decodeBody(text: string, responseType: string | undefined, contentType: string | undefined): unknown {
  if (responseType === 'text') return text;
  if (responseType === 'json' || /json/i.test(contentType ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
