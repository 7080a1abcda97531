/**
 * The webhook path: `/sync/webhook/<uuid>` → trigger → body read within the size limit → parsed
 * request → journal → handler (answering from its return value) or queued job (202 at once).
 * Every accepted request leaves a journal entry, a job and data_in / data_out log rows; refused
 * input leaves a log row on the webhook. Replays re-parse a journal entry and run it against the
 * task's current code.
 *
 * The body is stored once, in the journal: a webhook job's row keeps a reference to its journal
 * entry (`{"journaled_request": id}`, or `"with_job"` for the entry written by the statement that
 * started the job) and `argsOfJob` parses the entry again when the job is run from the queue,
 * requeued or shown with its arguments.
 */
import { withTransaction, type Pool } from '../../db/index.js';
import type { LogLine } from '../../history/index.js';
import { disabledReason, JobsBusyError, TriggerDisabledError, type JobRuntime, type JobOutcome, type StoredJob } from '../../jobs/index.js';
import { InvalidInputError, NotFoundError, SyncStudioError } from '../../shared/errors.js';
import { Batcher } from '../../shared/batcher.js';
import {
  findTargetByPath,
  getJournaled,
  getJournaledWithJob,
  journalRequests,
  journalWithJobStart,
  writeRequestLogs,
  type JournalEntry,
  type JournaledRequest,
  type RequestLogs,
  type WebhookTarget,
} from './journal.js';
import type { BodyReader } from './body.js';
import { WebhookAdmission, type WebhookLimits } from './admission.js';
import { redactHeaders } from '../../shared/redaction.js';
import { decode, parseWebhookRequest, type RawWebhookRequest, type WebhookRequest } from './request.js';
import { replyFromResult, toResponse, type WebhookReply } from './response.js';

export interface WebhookServiceOptions {
  pool: Pool;
  /**
   * For the journal and log lines of webhooks that answer from their handler: the caller gets the
   * outcome itself, so these commits need not wait for the WAL flush (see createPool). Queued
   * webhooks (202 first) journal on `pool`, durably, before they answer.
   */
  historyPool: Pool;
  jobs: JobRuntime;
  publicUrl: string;
  /** Bodies over this size are refused with 413 (config `webhookMaxBytes`). */
  maxBytes: number;
  /** Requests per second and at once per webhook (429 beyond). */
  limits: WebhookLimits;
}

export interface ReplayResult extends JobOutcome {
  response: WebhookReply;
}

const JOURNAL_REF = 'journaled_request';

/** What a webhook job's row keeps instead of the request: a reference to its journal entry. */
function journalRef(requestId: number | 'with_job'): unknown[] {
  return [{ [JOURNAL_REF]: requestId }];
}

function refOf(args: unknown[]): number | 'with_job' | undefined {
  const [first] = args;
  if (args.length !== 1 || typeof first !== 'object' || first === null || !(JOURNAL_REF in first)) return undefined;
  const ref = (first as Record<string, unknown>)[JOURNAL_REF];
  return ref === 'with_job' || typeof ref === 'number' ? ref : undefined;
}

/** A webhook job whose journal entry is gone (pruned, or its webhook deleted). */
export class JournalEntryMissingError extends SyncStudioError {
  constructor(jobId: number) {
    super('webhook_request_missing', `the webhook request of job ${jobId} is no longer in the journal (pruned after the retention)`, {
      status: 410,
    });
  }
}

function rawOf(journaled: JournaledRequest): RawWebhookRequest {
  return {
    method: journaled.method,
    url: journaled.url,
    headers: journaled.headers,
    body: journaled.body,
    remoteAddr: journaled.remote_addr,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DUPLICATE: WebhookReply = {
  status: 200,
  headers: [['content-type', 'text/plain; charset=utf-8']],
  body: 'duplicate delivery, ignored',
};

/**
 * How long a webhook's trigger row is reused without reading it again. Changes made through this
 * sidecar clear the cache at once (`forget`); another sidecar's change is seen within this time.
 */
const TARGET_TTL_MS = 1000;

export class WebhookService {
  private readonly targets = new Map<string, { target: WebhookTarget | undefined; until: number }>();
  /** The hot path's writes are group-committed: concurrent requests share statements. */
  private readonly journal = new Batcher<JournalEntry, number | undefined>((entries) => journalRequests(this.options.historyPool, entries));
  private readonly requestLogs = new Batcher<RequestLogs, void>(async (batch) => {
    await writeRequestLogs(this.options.historyPool, batch);
    return batch.map(() => undefined);
  });

  private readonly admission: WebhookAdmission;

  constructor(private readonly options: WebhookServiceOptions) {
    this.admission = new WebhookAdmission(options.limits);
  }

  /** Drops cached trigger rows (after any change to projects, tasks or triggers). */
  forget(): void {
    this.targets.clear();
  }

  private async target(path: string): Promise<WebhookTarget | undefined> {
    const cached = this.targets.get(path);
    if (cached && cached.until > Date.now()) return cached.target;
    const target = await findTargetByPath(this.options.pool, path);
    if (this.targets.size > 10_000) this.targets.clear();
    this.targets.set(path, { target, until: Date.now() + TARGET_TTL_MS });
    return target;
  }

  /** Answers one request to `/sync/webhook/<path>`. */
  async receive(path: string, request: Request, remoteAddr: string | null, readBody: BodyReader): Promise<Response> {
    if (!UUID.test(path)) return errorResponse(404, 'not_found', 'no such webhook');
    const target = await this.target(path.toLowerCase());
    if (!target) return errorResponse(404, 'not_found', 'no such webhook');
    const disabled = disabledReason(target, 'this webhook');
    if (disabled) return errorResponse(404, 'webhook_disabled', disabled);
    const admitted = this.admission.admit(target.id);
    if (!admitted.ok) {
      const message =
        admitted.reason === 'rate'
          ? `this webhook accepts ${this.options.limits.ratePerSecond} requests per second; try again later`
          : `this webhook is already handling ${this.options.limits.concurrency} requests; try again later`;
      return errorResponse(429, 'too_many_requests', message, admitted.retryAfterSeconds);
    }
    try {
      return await this.accept(target, request, remoteAddr, readBody);
    } finally {
      admitted.release();
    }
  }

  /** An admitted request: body, parsing, journal, then the handler or the queue. */
  private async accept(target: WebhookTarget, request: Request, remoteAddr: string | null, readBody: BodyReader): Promise<Response> {
    const url = new URL(request.url);
    const body = await readBody(this.options.maxBytes);
    const raw: RawWebhookRequest = {
      method: request.method,
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      body: body ?? Buffer.alloc(0),
      remoteAddr,
    };
    if (body === null) return this.refuse(target, raw, 413, 'payload_too_large', `the body is larger than ${this.options.maxBytes} bytes`);
    const parsed = await parseWebhookRequest(target.kind, raw, this.options.publicUrl);
    if (!parsed.ok) return this.refuse(target, raw, parsed.rejection.status, parsed.rejection.code, parsed.rejection.message);
    const dedupKey = target.dedup_header === null ? null : (raw.headers[target.dedup_header.toLowerCase()] ?? null);
    try {
      return toResponse(
        target.reply_mode === 'queued'
          ? await this.queue(target, raw, parsed.request, dedupKey)
          : await this.answer(target, raw, parsed.request, dedupKey),
      );
    } catch (error) {
      if (error instanceof TriggerDisabledError) return errorResponse(404, 'webhook_disabled', 'this webhook is disabled');
      if (error instanceof JobsBusyError) return errorResponse(503, error.code, error.message, error.retryAfterSeconds);
      throw error;
    }
  }

  /**
   * `reply_mode = handler`: journal, run the handler at once, answer from its return value. Without
   * a dedup header the journal entry is written by the statement that starts the job (so it carries
   * the job's id) and the request and response lines go with the job's final state: two writes per request.
   * With one, the journal comes first, since a repeated delivery must not start a job.
   */
  private async answer(
    target: WebhookTarget,
    raw: RawWebhookRequest,
    request: WebhookRequest,
    dedupKey: string | null,
  ): Promise<WebhookReply> {
    const spec = {
      trigger: { kind: 'webhook' as const, id: target.id },
      args: [request],
      loaded: { ...target, kind: 'webhook' as const },
    };
    let reply: WebhookReply | undefined;
    const finalLines = (outcome: JobOutcome) => {
      const described = replyFor(target, outcome);
      reply = described.reply;
      return [...described.lines, dataOut(described.reply)];
    };
    if (target.dedup_header === null) {
      await this.options.jobs.runNow(
        { ...spec, storedArgs: journalRef('with_job') },
        {
          startWith: { companion: journalWithJobStart, item: { triggerId: target.id, raw } },
          firstLines: [dataIn(raw)],
          finalLines,
        },
      );
      return reply!;
    }
    const requestId = await this.journal.add({ triggerId: target.id, raw, dedupKey });
    if (requestId === undefined) return DUPLICATE;
    const outcome = await this.options.jobs.runNow(
      { ...spec, storedArgs: journalRef(requestId) },
      { firstLines: [dataIn(raw)], finalLines },
    );
    await this.requestLogs.add({ target, jobId: outcome.jobId, requestId, lines: [] });
    return reply!;
  }

  /** `reply_mode = queued`: journal and enqueue in one transaction, answer 202 at once. */
  private async queue(
    target: WebhookTarget,
    raw: RawWebhookRequest,
    request: WebhookRequest,
    dedupKey: string | null,
  ): Promise<WebhookReply> {
    return withTransaction(this.options.pool, async (db) => {
      const [requestId] = await journalRequests(db, [{ triggerId: target.id, raw, dedupKey }]);
      if (requestId === undefined) return DUPLICATE;
      const { jobId } = await this.options.jobs.enqueue(
        { trigger: { kind: 'webhook', id: target.id }, args: [request], storedArgs: journalRef(requestId) },
        { db },
      );
      const reply = jsonReply(202, { status: 'queued', job_id: jobId });
      await writeRequestLogs(db, [{ target, jobId, requestId, lines: [dataIn(raw), dataOut(reply)] }]);
      return reply;
    });
  }

  /** Runs a journaled request again, at once, against the task's current code. */
  async replay(requestId: number, force: boolean): Promise<ReplayResult> {
    const journaled = await getJournaled(this.options.pool, requestId);
    if (!journaled) throw new NotFoundError('webhook request', requestId);
    const raw = rawOf(journaled);
    const { target } = journaled;
    const parsed = await parseWebhookRequest(target.kind, raw, this.options.publicUrl);
    if (!parsed.ok)
      throw new InvalidInputError(`webhook request ${requestId} no longer parses as a ${target.kind} request: ${parsed.rejection.message}`);
    const outcome = await this.options.jobs.runNow({
      trigger: { kind: 'webhook', id: target.id },
      args: [parsed.request],
      storedArgs: journalRef(requestId),
      force,
    });
    const { reply, lines } = replyFor(target, outcome);
    const replayed: LogLine = {
      level: 'info',
      type: 'server',
      name: target.trigger_name,
      message: `Replay of webhook request ${requestId} received at ${journaled.received_at.toISOString()}`,
    };
    await writeRequestLogs(this.options.pool, [
      { target, jobId: outcome.jobId, requestId: null, lines: [replayed, dataIn(raw), ...lines, dataOut(reply)] },
    ]);
    return { ...outcome, response: reply };
  }

  /** A webhook job's arguments: its journal entry parsed again (rows written before the journal reference keep the request itself). */
  async argsOfJob(job: StoredJob): Promise<unknown[]> {
    const ref = refOf(job.args);
    if (ref === undefined) return job.args;
    const journaled =
      ref === 'with_job' ? await getJournaledWithJob(this.options.pool, job.id) : await getJournaled(this.options.pool, ref);
    if (!journaled) throw new JournalEntryMissingError(job.id);
    const parsed = await parseWebhookRequest(journaled.target.kind, rawOf(journaled), this.options.publicUrl);
    if (!parsed.ok) throw new InvalidInputError(`the webhook request of job ${job.id} no longer parses: ${parsed.rejection.message}`);
    return [parsed.request];
  }

  private async refuse(target: WebhookTarget, raw: RawWebhookRequest, status: number, code: string, message: string): Promise<Response> {
    const line: LogLine = {
      level: 'warning',
      type: 'data_in',
      name: target.trigger_name,
      message: `Webhook request refused (${status} ${code}): ${message}\n${describeRequest(raw)}`,
    };
    await writeRequestLogs(this.options.pool, [{ target, jobId: null, requestId: null, lines: [line] }]);
    return errorResponse(status, code, message);
  }
}

/** The reply for a run's outcome, and the log lines that explain a reply the handler did not choose. */
function replyFor(target: WebhookTarget, outcome: JobOutcome): { reply: WebhookReply; lines: LogLine[] } {
  if (outcome.state === 'failed') {
    if (outcome.error?.limit === 'time')
      return { reply: errorReply(504, 'handler_timeout', `the webhook handler ran out of time (job ${outcome.jobId})`), lines: [] };
    if (outcome.error?.name === 'RetryableJobError')
      return {
        reply: errorReply(
          503,
          'handler_unavailable',
          `the webhook handler met a temporary failure (job ${outcome.jobId}); send the request again later`,
        ),
        lines: [],
      };
    if (outcome.error?.name === 'WebhookSignatureError')
      return {
        reply: errorReply(
          401,
          'invalid_signature',
          `the request's signature or secret token does not match the one registered for this webhook (job ${outcome.jobId})`,
        ),
        lines: [],
      };
    return { reply: errorReply(500, 'handler_failed', `the webhook handler failed (job ${outcome.jobId})`), lines: [] };
  }
  const result = replyFromResult(target.kind, outcome.result, { allowRedirectAndCors: target.allow_redirect_and_cors });
  if (!result.ok) {
    const line: LogLine = {
      level: 'error',
      type: 'server',
      name: target.trigger_name,
      message: `The handler returned an invalid response: ${result.message}`,
    };
    return {
      reply: errorReply(500, 'invalid_handler_response', `the webhook handler returned an invalid response (job ${outcome.jobId})`),
      lines: [line],
    };
  }
  const lines: LogLine[] =
    result.dropped.length === 0
      ? []
      : [
          {
            level: 'warning',
            type: 'server',
            name: target.trigger_name,
            message: `Response headers dropped (not allowed or invalid): ${result.dropped.join(', ')}`,
          },
        ];
  return { reply: result.reply, lines };
}

function dataIn(raw: RawWebhookRequest): LogLine {
  return { level: 'info', type: 'data_in', name: 'Webhook request', message: describeRequest(raw) };
}

function dataOut(reply: WebhookReply): LogLine {
  const headers = reply.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
  return { level: 'info', type: 'data_out', name: 'Webhook response', message: `${reply.status}\n${headers}\n\n${reply.body ?? ''}` };
}

function describeRequest(raw: RawWebhookRequest): string {
  const headers = Object.entries(redactHeaders(raw.headers))
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  const body = raw.body.length === 0 ? '' : (decode(raw.body) ?? `[${raw.body.length} bytes, not UTF-8]`);
  return `${raw.method} ${raw.url}\n${headers}\n\n${body}`;
}

function jsonReply(status: number, value: unknown): WebhookReply {
  return { status, headers: [['content-type', 'application/json; charset=utf-8']], body: JSON.stringify(value) };
}

function errorReply(status: number, code: string, message: string): WebhookReply {
  return jsonReply(status, { error: { code, message } });
}

function errorResponse(status: number, code: string, message: string, retryAfterSeconds?: number): Response {
  const reply = errorReply(status, code, message);
  if (retryAfterSeconds !== undefined) reply.headers.push(['retry-after', String(retryAfterSeconds)]);
  return toResponse(reply);
}
