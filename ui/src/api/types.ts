/**
 * The shapes of the sidecar's API as the panel reads them: the types of the typed API contract
 * (server/src/contract/, the schemas the server validates with and /api/openapi.json is made of),
 * imported type-only, so a renamed or retyped field fails the panel's build and no zod or server
 * code reaches the bundle (eslint refuses a value import from server/). The value lists the panel
 * offers in its filters and forms are checked against the contract's types by `every`, so a value
 * the server adds fails the build until the panel lists it too.
 */
import type {
  ButtonTrigger,
  CronTrigger,
  DbTrigger,
  JobState,
  LogGrouping,
  LogLevel,
  Role,
  TriggerKind,
  WebhookTrigger,
} from '../../../server/src/contract/index.js';

export type {
  ApiError as ApiErrorBody,
  ButtonTrigger,
  CronTrigger,
  DbTrigger,
  DbTriggerActivity,
  ImportReport,
  Job,
  JobState,
  JobWithSubJobs,
  Link,
  LogCounts,
  LogGrouping,
  LogLevel,
  LogLine,
  Page,
  Param,
  Plugin,
  Project,
  ProjectSummary,
  Role,
  RunNowAnswer,
  Secret,
  Session,
  SyntaxProblem,
  Task,
  Text,
  TriggerKind,
  WebhookRequest,
  WebhookTrigger,
} from '../../../server/src/contract/index.js';

/** `values`, checked to hold every member of `T` (and nothing else). */
function every<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : { missing: Exclude<T, A[number]> })) => values;
}

export const roles = every<Role>()(['user', 'developer', 'administrator']);
export const triggerKinds = every<TriggerKind>()(['cron', 'db', 'webhook', 'button']);
export const jobStates = every<JobState>()(['pending', 'started', 'done', 'done_warning', 'failed']);
export const logLevels = every<LogLevel>()(['debug', 'info', 'warning', 'error', 'critical']);
export const logGroupings = every<LogGrouping>()([
  'project_id',
  'task_id',
  'trigger_kind',
  'trigger_id',
  'job_id',
  'level',
  'type',
  'state',
]);

export interface TriggerOf {
  cron: CronTrigger;
  db: DbTrigger;
  webhook: WebhookTrigger;
  button: ButtonTrigger;
}
export type AnyTrigger = TriggerOf[TriggerKind];
