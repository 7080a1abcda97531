import { SyncStudioError } from '../../shared/errors.js';

/** run() after close(). */
export class SandboxClosedError extends SyncStudioError {
  constructor() {
    super('sandbox_closed', 'the sandbox pool is closed', { status: 503 });
  }
}

/** Workers keep dying before they are ready (e.g. the worker bundle is missing). */
export class SandboxUnavailableError extends SyncStudioError {
  constructor(cause: unknown) {
    super('sandbox_unavailable', `sandbox workers cannot start: ${cause instanceof Error ? cause.message : String(cause)}`, {
      status: 503,
      cause,
    });
  }
}
