/**
 * The resource kinds of a project and how each maps to its table: one registry, so the store and
 * the API handle all nine kinds with the same code (no copy-paste twins per kind).
 */
import type { z } from 'zod';
import * as schemas from '../contract/index.js';
import { triggerKinds, type TriggerKind } from '../contract/index.js';

export { triggerKinds, type TriggerKind };
export const projectChildKinds = ['param', 'text', 'secret', 'task'] as const;
export type ResourceKind = 'project' | (typeof projectChildKinds)[number] | TriggerKind;

export interface ResourceSpec {
  kind: ResourceKind;
  /** Human name used in messages ("parameter 12 does not exist"). */
  label: string;
  table: string;
  parent: { column: 'project_id' | 'task_id'; kind: 'project' | 'task' } | null;
  input: z.ZodObject;
  /** Column holding the name that must be unique among siblings, and the field users know it by. */
  uniqueName: string | null;
  /** Columns a client may not write but reads (besides id, the parent column and xml_id). */
  readOnly: readonly string[];
}

const trigger = (kind: TriggerKind, label: string, input: z.ZodObject, readOnly: readonly string[] = []): ResourceSpec => ({
  kind,
  label,
  table: `trigger_${kind}`,
  parent: { column: 'task_id', kind: 'task' },
  input,
  uniqueName: 'trigger_name',
  readOnly,
});

export const resources: Record<ResourceKind, ResourceSpec> = {
  project: {
    kind: 'project',
    label: 'project',
    table: 'project',
    parent: null,
    input: schemas.projectInput,
    uniqueName: null,
    readOnly: ['version', 'created_at', 'updated_at'],
  },
  param: {
    kind: 'param',
    label: 'parameter',
    table: 'project_param',
    parent: { column: 'project_id', kind: 'project' },
    input: schemas.paramInput,
    uniqueName: 'key',
    readOnly: [],
  },
  text: {
    kind: 'text',
    label: 'text',
    table: 'project_text',
    parent: { column: 'project_id', kind: 'project' },
    input: schemas.textInput,
    uniqueName: 'key',
    readOnly: [],
  },
  secret: {
    kind: 'secret',
    label: 'secret',
    table: 'project_secret',
    parent: { column: 'project_id', kind: 'project' },
    input: schemas.secretInput,
    uniqueName: 'key',
    readOnly: [],
  },
  task: {
    kind: 'task',
    label: 'task',
    table: 'task',
    parent: { column: 'project_id', kind: 'project' },
    input: schemas.taskInput,
    uniqueName: null,
    readOnly: ['created_at', 'updated_at'],
  },
  cron: trigger('cron', 'cron trigger', schemas.cronInput, ['lastcall']),
  db: trigger('db', 'DB trigger', schemas.dbInput, ['last_run']),
  webhook: trigger('webhook', 'webhook trigger', schemas.webhookInput, ['path']),
  button: trigger('button', 'manual trigger', schemas.buttonInput),
};

export function isTriggerKind(kind: string): kind is TriggerKind {
  return (triggerKinds as readonly string[]).includes(kind);
}
