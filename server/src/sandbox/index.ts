/**
 * The sandbox: task code runs in SES compartments inside a pool of worker threads, with a time
 * limit per job and a memory limit per worker. `host/` is the pool (main thread), `worker/` the
 * thread side (lockdown first, imports no host code), `endowments/` the evaluation context built in
 * the worker, `source/` the syntax check and code wrapping both sides share, `protocol.ts` the
 * message contract between them and `message-batch.ts` the coalescing of their messages.
 */
export { createSandboxPool, DEFAULT_CONCURRENCY_PER_WORKER, type SandboxOptions, type SandboxPool } from './host/pool.js';
export { SandboxClosedError, SandboxUnavailableError } from './host/errors.js';
export { secretHandle, secretHandlePattern } from './protocol.js';
export type {
  AddJobOptions,
  AddJobSpec,
  ErrorDescription,
  HostPowers,
  HttpRequest,
  HttpResponse,
  LogEntry,
  LogLevel,
  LogType,
  OdooCall,
  PluginCall,
  PluginDescription,
  PluginExport,
  RunContext,
  RunLimit,
  RunOutcome,
  RunRequest,
  SyntaxProblem,
} from './protocol.js';
