/**
 * History that no job holds: log lines written without a job (a refused webhook request) and
 * webhook journal entries. Lines of a job go when their job goes (foreign key); these have no
 * foreign key to their project, task or webhook (migration 000003: the key-share lock every insert
 * took was the costliest part of writing history), so deleting one of those deletes them here, in
 * the same transaction and before the row itself (its webhooks are still there to be found).
 */
import type { Queryable } from '../db/index.js';

export type HistoryOwner =
  { kind: 'project'; id: number } | { kind: 'task'; id: number; projectId: number } | { kind: 'webhook'; id: number };

export async function deleteUnownedHistory(db: Queryable, owner: HistoryOwner): Promise<void> {
  switch (owner.kind) {
    case 'project':
      await db.query('delete from sync_studio.log where project_id = $1 and job_id is null', [owner.id]);
      await db.query(
        `delete from sync_studio.webhook_request where trigger_id in (
           select w.id from sync_studio.trigger_webhook w join sync_studio.task t on t.id = w.task_id where t.project_id = $1)`,
        [owner.id],
      );
      return;
    case 'task':
      await db.query('delete from sync_studio.log where project_id = $1 and task_id = $2 and job_id is null', [owner.projectId, owner.id]);
      await db.query(
        'delete from sync_studio.webhook_request where trigger_id in (select id from sync_studio.trigger_webhook where task_id = $1)',
        [owner.id],
      );
      return;
    case 'webhook':
      await db.query('delete from sync_studio.webhook_request where trigger_id = $1', [owner.id]);
      return;
    default:
      owner satisfies never;
  }
}
