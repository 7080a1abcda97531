/**
 * Configuration: the only reader of `process.env`.
 *
 * `loadConfig(env, flags)` merges command-line flags over environment variables, validates every
 * setting strictly (zod) and returns a frozen object. A bad or missing setting throws a
 * `ConfigError` whose message is one line naming the setting and what is expected; the CLI turns
 * it into exit code 2. Unknown `SYNC_STUDIO_*` variables are refused too, so a typo never silently
 * falls back to a default.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseAllowEntry } from '../egress/policy.js';
import { ConfigError } from '../shared/errors.js';

/** A comma-separated list (spaces around entries and empty entries ignored); unset is empty. */
function commaList() {
  return z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    );
}

/** Every setting: its environment name, its flag, and its schema. */
const settings = {
  port: {
    env: 'PORT',
    flag: 'port',
    schema: z.coerce.number().int().min(0).max(65535).default(8080),
    expect: 'a TCP port number (0-65535)',
  },
  host: { env: 'HOST', flag: 'host', schema: z.string().min(1).default('127.0.0.1'), expect: 'a host name or IP address to listen on' },
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: 'databaseUrl',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .optional(),
    expect: 'a postgres:// connection URL',
  },
  dataDir: {
    env: 'SYNC_STUDIO_DATA_DIR',
    flag: 'dataDir',
    schema: z.string().min(1).default('.data'),
    expect: 'a folder path for the embedded database',
  },
  odooUrl: {
    env: 'ODOO_URL',
    flag: 'odooUrl',
    schema: z.url({ protocol: /^https?$/ }).optional(),
    expect: 'an http(s) URL of the Odoo server',
  },
  odooDb: { env: 'ODOO_DB', flag: 'odooDb', schema: z.string().min(1).optional(), expect: 'the Odoo database name' },
  odooUser: { env: 'ODOO_USER', flag: 'odooUser', schema: z.string().min(1).optional(), expect: "the technical user's login" },
  odooPassword: { env: 'ODOO_PASSWORD', flag: 'odooPassword', schema: z.string().min(1).optional(), expect: 'a password or API key' },
  publicUrl: {
    env: 'PUBLIC_URL',
    flag: 'publicUrl',
    schema: z.url({ protocol: /^https?$/ }).optional(),
    expect: 'the public http(s) URL of this sidecar',
  },
  secret: {
    env: 'SYNC_STUDIO_SECRET',
    flag: 'secret',
    schema: z.string().min(32).optional(),
    expect: 'at least 32 characters (signs panel tokens, derives the secrets key)',
  },
  odooOrigins: {
    env: 'SYNC_STUDIO_ODOO_ORIGIN',
    flag: 'odooOrigin',
    schema: z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim()))
      .pipe(z.array(z.string().refine(isWebOrigin)))
      .default([]),
    expect:
      'the origin of Odoo in the browser, e.g. https://odoo.example.com (scheme, host, port; no path), or several separated by commas',
  },
  metricsToken: {
    env: 'SYNC_STUDIO_METRICS_TOKEN',
    flag: 'metricsToken',
    schema: z.string().min(24).optional(),
    expect: 'at least 24 characters (a bearer token that may read /metrics; administrator tokens may too)',
  },
  adminToken: {
    env: 'SYNC_STUDIO_ADMIN_TOKEN',
    flag: 'adminToken',
    schema: z.string().min(24).optional(),
    expect: 'at least 24 characters',
  },
  jobTimeoutSeconds: {
    env: 'SYNC_STUDIO_JOB_TIMEOUT',
    flag: 'jobTimeout',
    schema: z.coerce.number().positive().max(86400).default(60),
    expect: 'seconds, a positive number up to 86400',
  },
  jobMemoryMb: {
    env: 'SYNC_STUDIO_JOB_MEMORY_MB',
    flag: 'jobMemoryMb',
    schema: z.coerce.number().int().min(16).max(16384).default(256),
    expect: 'megabytes, an integer from 16 to 16384',
  },
  sandboxWorkers: {
    env: 'SYNC_STUDIO_WORKERS',
    flag: 'workers',
    schema: z.coerce.number().int().min(1).max(64).default(Math.max(1, cpus().length)),
    expect: 'an integer from 1 to 64',
  },
  queueConcurrency: {
    env: 'SYNC_STUDIO_QUEUE_CONCURRENCY',
    flag: 'queueConcurrency',
    schema: z.coerce.number().int().min(1).max(256).default(16),
    expect: 'an integer from 1 to 256',
  },
  retentionDays: {
    env: 'SYNC_STUDIO_RETENTION_DAYS',
    flag: 'retentionDays',
    schema: z.coerce.number().positive().max(3650).default(30),
    expect: 'days, a positive number up to 3650',
  },
  retryDelays: {
    env: 'SYNC_STUDIO_RETRY_DELAYS',
    flag: 'retryDelays',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/)
      .default('300,900,3600,10800')
      .transform((s) => s.split(',').map(Number)),
    expect: 'comma-separated seconds, e.g. 300,900,3600,10800',
  },
  webhookMaxBytes: {
    env: 'SYNC_STUDIO_WEBHOOK_MAX_BYTES',
    flag: 'webhookMaxBytes',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    expect: 'bytes, an integer of at least 1024',
  },
  webhookRate: {
    env: 'SYNC_STUDIO_WEBHOOK_RATE',
    flag: 'webhookRate',
    schema: z.coerce.number().positive().max(1_000_000).default(2000),
    expect: 'requests per second one webhook accepts, a positive number (fractions allowed: 0.1 = one per 10 s); more get 429',
  },
  webhookConcurrency: {
    env: 'SYNC_STUDIO_WEBHOOK_CONCURRENCY',
    flag: 'webhookConcurrency',
    schema: z.coerce.number().int().min(1).max(100_000).default(64),
    expect: 'requests of one webhook handled at once, an integer of at least 1; more get 429',
  },
  sandboxQueue: {
    env: 'SYNC_STUDIO_SANDBOX_QUEUE',
    flag: 'sandboxQueue',
    schema: z.coerce.number().int().min(1).max(100_000).default(256),
    expect:
      'immediate jobs (webhooks answering from their handler, Run Now) waiting for or in the sandbox at once, an integer of at least 1; more get 503',
  },
  dbWakeup: {
    env: 'SYNC_STUDIO_DB_WAKEUP',
    flag: 'dbWakeup',
    schema: z.enum(['notify-on-idle', 'always-notify', 'poll-only']).default('notify-on-idle'),
    expect: 'how DB triggers learn of new events: notify-on-idle, always-notify or poll-only',
  },
  dbPollMs: {
    env: 'SYNC_STUDIO_DB_POLL_MS',
    flag: 'dbPollMs',
    schema: z.coerce.number().int().min(1).max(600_000).default(1000),
    expect: 'milliseconds between looks at the DB event outbox, an integer from 1 to 600000',
  },
  dbChunkSize: {
    env: 'SYNC_STUDIO_DB_CHUNK',
    flag: 'dbChunk',
    schema: z.coerce.number().int().min(1).max(100_000).default(1000),
    expect: 'records per DB trigger job at most, an integer from 1 to 100000',
  },
  dbEventRetentionHours: {
    env: 'SYNC_STUDIO_DB_EVENT_RETENTION_HOURS',
    flag: 'dbEventRetentionHours',
    schema: z.coerce.number().positive().max(87_600).default(72),
    expect: 'hours processed DB events are kept, a positive number',
  },
  tokenMaxLifetime: {
    env: 'SYNC_STUDIO_TOKEN_MAX_LIFETIME',
    flag: 'tokenMaxLifetime',
    schema: z.coerce.number().int().min(60).max(604800).default(43200),
    expect: 'seconds, an integer from 60 to 604800 (panel tokens expiring later than this from now are refused)',
  },
  egressAllow: {
    env: 'SYNC_STUDIO_EGRESS_ALLOW',
    flag: 'egressAllow',
    schema: commaList().refine((entries) => entries.every((entry) => parseAllowEntry(entry) !== undefined)),
    expect: 'comma-separated host names, IP addresses or CIDR networks that task code may reach, e.g. api.internal,10.1.2.0/24',
  },
  httpMaxBytes: {
    env: 'SYNC_STUDIO_HTTP_MAX_BYTES',
    flag: 'httpMaxBytes',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    expect: 'bytes, an integer of at least 1024 (largest response body task code may receive)',
  },
  httpConcurrency: {
    env: 'SYNC_STUDIO_HTTP_CONCURRENCY',
    flag: 'httpConcurrency',
    schema: z.coerce.number().int().min(1).max(256).default(4),
    expect: 'an integer from 1 to 256 (HTTP requests of one job running at once)',
  },
  jobMaxLogLines: {
    env: 'SYNC_STUDIO_JOB_MAX_LOG_LINES',
    flag: 'jobMaxLogLines',
    schema: z.coerce.number().int().min(10).max(10_000_000).default(5000),
    expect: 'an integer from 10 to 10000000 (log lines one job may write; the rest are counted in one warning)',
  },
  envAllowModels: {
    env: 'SYNC_STUDIO_ENV_ALLOW_MODELS',
    flag: 'envAllowModels',
    schema: commaList().pipe(z.array(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/))),
    expect:
      "comma-separated Odoo model names task code's env may use although they hold Odoo's secrets or run server code, e.g. ir.config_parameter",
  },
  pluginUrls: {
    env: 'SYNC_STUDIO_PLUGIN_URLS',
    flag: 'pluginUrls',
    schema: commaList()
      .transform((entries) => entries.map((entry) => entry.split('=')))
      .pipe(z.array(z.tuple([z.enum(['telegram', 'github', 'trello']), z.url({ protocol: /^https?$/ })])))
      .transform(
        (pairs) => Object.freeze(Object.fromEntries(pairs)) as Readonly<Partial<Record<'telegram' | 'github' | 'trello', string>>>,
      ),
    expect:
      'comma-separated plugin=URL pairs replacing the API base URL of the telegram, github or trello plugin, e.g. github=https://github.example.com/api/v3',
  },
  liveStreamsPerUser: {
    env: 'SYNC_STUDIO_LIVE_STREAMS_PER_USER',
    flag: 'liveStreamsPerUser',
    schema: z.coerce.number().int().min(1).max(10_000).default(20),
    expect: 'an integer from 1 to 10000 (live log streams one user may hold open)',
  },
  liveStreamMaxSeconds: {
    env: 'SYNC_STUDIO_LIVE_STREAM_MAX_SECONDS',
    flag: 'liveStreamMaxSeconds',
    schema: z.coerce.number().positive().max(86400).default(900),
    expect: 'seconds, a positive number up to 86400 (a live log stream ends after this long)',
  },
  shutdownGraceSeconds: {
    env: 'SYNC_STUDIO_SHUTDOWN_GRACE',
    flag: 'shutdownGrace',
    schema: z.coerce.number().min(0).max(3600).default(20),
    expect: 'seconds, a number from 0 to 3600 (how long running jobs may finish at shutdown before they are interrupted)',
  },
  logLevel: {
    env: 'SYNC_STUDIO_LOG_LEVEL',
    flag: 'logLevel',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    expect: 'one of trace, debug, info, warn, error, fatal, silent',
  },
} as const;

type Settings = typeof settings;
type Parsed = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export type Config = Readonly<
  Omit<Parsed, 'dataDir' | 'publicUrl'> & {
    dataDir: string;
    publicUrl: string;
    /** 'odoo' when DATABASE_URL is set; otherwise the embedded PostgreSQL is used. */
    mode: 'odoo' | 'standalone';
  }
>;

/** Flag values as commander gives them (camelCase keys, strings). */
export type Flags = Record<string, string | number | boolean | undefined>;

const knownEnv: ReadonlySet<string> = new Set(Object.values(settings).map((s) => s.env));

export interface LoadOptions {
  /** Odoo mode needs the shared secret (false for commands that never read the store's secrets, such as uninstall-capture). */
  secretRequired?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: Flags = {}, { secretRequired = true }: LoadOptions = {}): Config {
  for (const name of Object.keys(env)) {
    if (name.startsWith('SYNC_STUDIO_') && !knownEnv.has(name)) {
      throw new ConfigError(
        name,
        `unknown setting; known ones are ${[...knownEnv].filter((n) => n.startsWith('SYNC_STUDIO_')).join(', ')}`,
      );
    }
  }
  const parsed: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const flagValue = flags[setting.flag];
    const raw = flagValue !== undefined ? String(flagValue) : emptyToUndefined(env[setting.env]);
    const result = (setting.schema as z.ZodType).safeParse(raw);
    if (!result.success) {
      const source = flagValue !== undefined ? `--${kebab(setting.flag)}` : setting.env;
      throw new ConfigError(source, `expected ${setting.expect}, got ${JSON.stringify(raw)}`);
    }
    parsed[key] = result.data;
  }
  const values = parsed as Parsed;
  const odooSettings = [values.odooUrl, values.odooDb, values.odooUser, values.odooPassword];
  if (odooSettings.some((v) => v !== undefined) && odooSettings.some((v) => v === undefined)) {
    const missing = (['ODOO_URL', 'ODOO_DB', 'ODOO_USER', 'ODOO_PASSWORD'] as const).filter((_, i) => odooSettings[i] === undefined);
    throw new ConfigError(missing[0]!, 'ODOO_URL, ODOO_DB, ODOO_USER and ODOO_PASSWORD go together; set all four or none');
  }
  const mode = values.databaseUrl === undefined ? 'standalone' : 'odoo';
  if (mode === 'odoo' && secretRequired && values.secret === undefined) {
    throw new ConfigError(
      'SYNC_STUDIO_SECRET',
      'required when DATABASE_URL is set: at least 32 characters shared with the addon-bridge Odoo module',
    );
  }
  return Object.freeze({
    ...values,
    dataDir: resolve(values.dataDir),
    publicUrl: (values.publicUrl ?? derivedPublicUrl(values.host, values.port)).replace(/\/+$/, ''),
    mode,
  });
}

/** PUBLIC_URL's default: this sidecar as reached on the machine it runs on. */
function derivedPublicUrl(host: string, port: number): string {
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${port}`;
}

/**
 * The configuration once the HTTP server listens: with PORT 0 the system chose the port, and a
 * public URL derived from the port (no PUBLIC_URL given) names the port actually bound.
 */
export function withBoundPort(config: Config, port: number): Config {
  if (config.port === port) return config;
  const derived = config.publicUrl === derivedPublicUrl(config.host, config.port);
  return Object.freeze({ ...config, port, publicUrl: derived ? derivedPublicUrl(config.host, port) : config.publicUrl });
}

/** A configuration setting, by its key in `Config`. */
export type SettingKey = keyof Settings;

/** The flag names and descriptions of `keys` (default: every setting), for the CLI's `--help`. */
export function describeSettings(keys: readonly SettingKey[] = Object.keys(settings) as SettingKey[]): {
  flag: string;
  env: string;
  expect: string;
}[] {
  return keys.map((key) => settings[key]).map((s) => ({ flag: `--${kebab(s.flag)}`, env: s.env, expect: s.expect }));
}

/** `https://host[:port]` exactly as a browser sends it in an Origin header (no path, no trailing slash). */
function isWebOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
