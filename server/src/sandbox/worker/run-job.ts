/**
 * One job: a fresh Compartment whose globals are the job's endowments; common code first (its
 * public names become globals), then task code, then the handler, awaited. Returns the outcome as
 * data; nothing task code throws escapes.
 */
import type { LogEntry, PowerName, RunOutcome, RunRequest } from '../protocol.js';
import { buildEndowments } from '../endowments/index.js';
import type { CompiledSource } from '../source/index.js';
import { compiledCode } from './code-cache.js';
import { describeThrown } from './thrown.js';

export interface JobHooks {
  log(entry: LogEntry): void;
  call(power: PowerName, payload: unknown): Promise<unknown>;
}

type Scope = Record<string, unknown>;

class HandlerMissingError extends Error {
  constructor(handler: string, found: unknown) {
    super(
      found === undefined
        ? `${handler} is not defined in the task code or the common code`
        : `${handler} is not a function (it is ${found === null ? 'null' : typeof found})`,
    );
    this.name = 'ReferenceError';
  }
}

class ResultNotJsonError extends Error {
  constructor(cause: unknown) {
    super(`the handler's return value cannot be converted to JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TypeError';
  }
}

export async function runJob(request: RunRequest, hooks: JobHooks): Promise<RunOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  try {
    const code = compiledCode(request);
    const endowments = buildEndowments({
      request,
      runnableNames: code.runnableNames,
      log: hooks.log,
      call: (power, payload) => hooks.call(power, payload),
    });
    const compartment = new Compartment({ globals: endowments.globals, __options__: true });
    const commonScope = run(compartment, code.common);
    for (const [name, value] of Object.entries(commonScope)) {
      Object.defineProperty(compartment.globalThis, name, { value, writable: true, enumerable: true, configurable: true });
    }
    const taskScope = run(compartment, code.task);
    const handler = Object.hasOwn(taskScope, request.handler) ? taskScope[request.handler] : commonScope[request.handler];
    if (typeof handler !== 'function') throw new HandlerMissingError(request.handler, handler);
    const args = request.args.map((arg) => endowments.fromHost(arg));
    const value: unknown = await (handler as (...args: unknown[]) => unknown)(...args);
    let result: unknown;
    try {
      result = endowments.toJson(value) ?? null;
    } catch (error) {
      throw new ResultNotJsonError(error);
    }
    return { ok: true, result, durationMs: elapsed() };
  } catch (thrown) {
    return { ok: false, durationMs: elapsed(), error: describeThrown(thrown) };
  }
}

/** Runs the code's statements in the compartment; its top-level names as a scope object. */
function run(compartment: Compartment, source: CompiledSource): Scope {
  return source.program === undefined ? {} : (compartment.evaluate(source.program) as () => Scope)();
}
