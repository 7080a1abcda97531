/**
 * The `OdooClient` interface and its protocol-independent half: lazy authentication (one
 * `common.login`, its uid reused; a wrong password is an AccessError naming login and database),
 * the context merged into every call, and which methods are reads (safe to retry). A protocol
 * (JSON-RPC or XML-RPC) only supplies `RpcCall`.
 */
import { AccessError } from './errors.js';

export interface OdooConnectionOptions {
  /** Base URL of the Odoo server, e.g. https://odoo.example.com */
  url: string;
  db: string;
  login: string;
  /** A password or an API key. */
  password: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

export interface OdooVersion {
  server_version: string;
  server_version_info: unknown[];
  server_serie: string;
  protocol_version: number;
}

export interface OdooClient {
  readonly url: string;
  readonly db: string;
  readonly login: string;
  /** `common.version`: the caller logs `server_version`. */
  version(): Promise<OdooVersion>;
  /** The uid of `login` (checked once, then reused). */
  authenticate(): Promise<number>;
  executeKw<T = unknown>(
    model: string,
    method: string,
    args?: unknown[],
    kwargs?: Record<string, unknown>,
    options?: { context?: Record<string, unknown> },
  ): Promise<T>;
  /** Closes kept-alive connections. */
  close(): void;
}

/** One remote call; `idempotent` calls may be retried after a network fault. */
export type RpcCall = (service: 'common' | 'object', method: string, args: unknown[], idempotent: boolean) => Promise<unknown>;

/** Model methods that only read, so retrying them after a network fault is harmless. */
export const readMethods: ReadonlySet<string> = new Set([
  'search',
  'read',
  'search_read',
  'search_count',
  'fields_get',
  'name_get',
  'name_search',
  'read_group',
  'default_get',
  'exists',
  'check_access_rights',
]);

export const defaultTimeoutMs = 30_000;

export function createOdooClient(options: OdooConnectionOptions, call: RpcCall, close: () => void): OdooClient {
  const url = options.url.replace(/\/+$/, '');
  let uid: Promise<number> | undefined;

  const login = async (): Promise<number> => {
    const result = await call('common', 'login', [options.db, options.login, options.password], true);
    if (typeof result !== 'number' || result === 0) {
      const message = `wrong login or password for ${options.login} on database ${options.db}`;
      throw new AccessError({ name: 'odoo.exceptions.AccessDenied', message });
    }
    return result;
  };

  const authenticate = (): Promise<number> => {
    uid ??= login().catch((error: unknown) => {
      uid = undefined;
      throw error;
    });
    return uid;
  };

  return {
    url,
    db: options.db,
    login: options.login,
    version: async () => (await call('common', 'version', [], true)) as OdooVersion,
    authenticate,
    async executeKw<T>(
      model: string,
      method: string,
      args: unknown[] = [],
      kwargs: Record<string, unknown> = {},
      callOptions: { context?: Record<string, unknown> } = {},
    ) {
      const userId = await authenticate();
      const context = callOptions.context
        ? { ...callOptions.context, ...(kwargs.context as Record<string, unknown> | undefined) }
        : undefined;
      const allKwargs = context ? { ...kwargs, context } : kwargs;
      try {
        return (await call(
          'object',
          'execute_kw',
          [options.db, userId, options.password, model, method, args, allKwargs],
          readMethods.has(method),
        )) as T;
      } catch (error) {
        // The password or API key was changed or revoked: check it again on the next call.
        if (error instanceof AccessError && error.odooName === 'odoo.exceptions.AccessDenied') uid = undefined;
        throw error;
      }
    },
    close,
  };
}
