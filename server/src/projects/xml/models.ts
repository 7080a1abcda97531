/**
 * The Odoo models a project file holds and the record kinds of our store they map to, with the
 * model description Odoo's exporter puts in generated xml ids (`api-url--project-parameter`).
 */
import type { ResourceKind } from '../resources.js';

export type FileRecordKind = ResourceKind | 'context';

export interface FileModel {
  kind: FileRecordKind;
  model: string;
  /** The model's description, slugged into the second half of generated xml ids. */
  description: string;
}

export const fileModels: Record<FileRecordKind, FileModel> = {
  context: { kind: 'context', model: 'sync.project.context', description: 'Project Context' },
  project: { kind: 'project', model: 'sync.project', description: 'Sync Project' },
  secret: { kind: 'secret', model: 'sync.project.secret', description: 'Project Secret Parameter' },
  param: { kind: 'param', model: 'sync.project.param', description: 'Project Parameter' },
  text: { kind: 'text', model: 'sync.project.text', description: 'Project Text Parameter' },
  task: { kind: 'task', model: 'sync.task', description: 'Sync Task' },
  button: { kind: 'button', model: 'sync.trigger.button', description: 'Manual Trigger' },
  cron: { kind: 'cron', model: 'sync.trigger.cron', description: 'Cron Trigger' },
  db: { kind: 'db', model: 'sync.trigger.automation', description: 'DB Trigger' },
  webhook: { kind: 'webhook', model: 'sync.trigger.webhook', description: 'Webhook Trigger' },
};

const byModel = new Map(Object.values(fileModels).map((m) => [m.model, m]));

export function fileModelByName(model: string): FileModel | undefined {
  return byModel.get(model);
}

/**
 * The stored xml id of a record that belongs to a project: the file's id prefixed with the project's
 * xml id. Files keep bare ids, as Odoo modules do; the prefix plays the part of Odoo's module, so two
 * projects may both hold `api-url--project-parameter` (xml ids are unique per table).
 */
export function storedChildXmlId(projectXmlId: string, fileId: string): string {
  return `${projectXmlId}/${fileId}`;
}
