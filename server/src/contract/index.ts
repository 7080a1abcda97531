/**
 * The typed API contract: every route under /api with its request and response schemas, defined
 * once with zod. The server validates input with these schemas (api/routes.ts), serves them as
 * an OpenAPI document at /api/openapi.json (http/app.ts), and the panel imports the types below
 * (type-only: no zod reaches the browser). Imports nothing but packages, so every layer may use it.
 */
import type { z } from '@hono/zod-openapi';
import type { apiError, pageOf } from './common.js';
import type * as history from './history.js';
import type * as projects from './projects.js';
import type * as session from './session.js';
import type * as triggers from './triggers.js';
import type * as links from './links.js';

export * from './common.js';
export * from './history.js';
export * from './links.js';
export * from './projects.js';
export * from './session.js';
export * from './triggers.js';

type Out<S extends z.ZodType> = z.output<S>;
export type ApiError = Out<typeof apiError>['error'];
/** A page of a list of `T` (`pageOf`: lists page by key; `next_cursor` is null on the last page). */
export type Page<T> = Omit<Out<ReturnType<typeof pageOf>>, 'items'> & { items: T[] };
export type Session = Out<typeof session.session>;
export type Plugin = Out<typeof session.plugin>;
export type Project = Out<typeof projects.project>;
export type ProjectSummary = Out<typeof projects.projectSummary>;
export type ProjectInput = z.input<typeof projects.projectInput>;
export type Param = Out<typeof projects.param>;
export type Text = Out<typeof projects.textRow>;
export type Secret = Out<typeof projects.secret>;
export type Task = Out<typeof projects.task>;
export type CronTrigger = Out<typeof projects.cronTrigger>;
export type DbTrigger = Out<typeof projects.dbTrigger>;
export type WebhookTrigger = Out<typeof projects.webhookTrigger>;
export type ButtonTrigger = Out<typeof projects.buttonTrigger>;
export type ProjectTrigger = Out<typeof projects.projectTrigger>;
export type ImportReport = Out<typeof projects.importReport>;
export type Job = Out<typeof history.jobListItem>;
export type JobDetail = Out<typeof history.jobDetail>;
export type JobWithSubJobs = Out<typeof history.jobWithSubJobs>;
export type LogLine = Out<typeof history.logLine>;
export type LogCounts = Out<typeof history.logCounts>;
export type SyntaxProblem = Out<typeof history.syntaxProblem>;
export type RunNowAnswer = Out<typeof triggers.runNowAnswer>;
export type DbTriggerActivity = Out<typeof triggers.dbTriggerActivity>;
export type WebhookRequest = Out<typeof triggers.webhookRequest>;
export type ReplayAnswer = Out<typeof triggers.replayAnswer>;
export type Link = Out<typeof links.link>;
