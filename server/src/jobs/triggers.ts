/** Reading a trigger with the flags that decide whether it may run. */
import type { Queryable } from '../db/index.js';
import type { TriggerKind } from '../projects/index.js';
import { NotFoundError } from '../shared/errors.js';
import { TriggerDisabledError, type TriggerJobSpec } from './types.js';

/** A trigger's name, its task and project, and the flags of all three that decide whether it may run. */
export interface TriggerState {
  trigger_name: string;
  active: boolean;
  task_id: number;
  task_active: boolean;
  project_id: number;
  project_active: boolean;
}

export interface TriggerInfo extends TriggerState {
  kind: TriggerKind;
  id: number;
}

export async function loadTrigger(db: Queryable, kind: TriggerKind, id: number): Promise<TriggerInfo> {
  const { rows } = await db.query<TriggerInfo>(
    `select tr.id, tr.trigger_name, tr.active, t.id as task_id, t.active as task_active, p.id as project_id, p.active as project_active
       from sync_studio.trigger_${kind} tr join sync_studio.task t on t.id = tr.task_id join sync_studio.project p on p.id = t.project_id
      where tr.id = $1`,
    [id],
  );
  if (!rows[0]) throw new NotFoundError(`${kind} trigger`, id);
  return { ...rows[0], kind };
}

/** The trigger of a job spec: as its caller just read it (`loaded`), or read now. */
export async function triggerOfSpec(db: Queryable, spec: Pick<TriggerJobSpec, 'trigger' | 'loaded'>): Promise<TriggerInfo> {
  return spec.loaded ?? loadTrigger(db, spec.trigger.kind, spec.trigger.id);
}

export type EnableFlags = Pick<TriggerState, 'active' | 'task_active' | 'project_active'>;

/**
 * Why a trigger may not run (null when it may), said of `subject` ("the trigger X", "this
 * webhook"): the one phrasing for Run Now, the queue and the webhook endpoint. Buttons have no
 * enable flag of their own that blocks Run Now.
 */
export function disabledReason(flags: EnableFlags, subject: string): string | null {
  if (!flags.project_active) return `the project of ${subject} is archived`;
  if (!flags.task_active) return `the task of ${subject} is archived`;
  if (!flags.active) return `${subject} is disabled`;
  return null;
}

export function assertEnabled(trigger: TriggerInfo, force: boolean | undefined): void {
  const reason = disabledReason(trigger, `the trigger ${trigger.trigger_name}`);
  if (reason !== null && !force) throw new TriggerDisabledError(`${reason}; nothing was run (force the run to override)`);
}
