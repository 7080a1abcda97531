/**
 * Deep copy of a project: parameters, texts, secrets (values included), tasks and their triggers.
 * The copy starts archived, is named "<name> (copy)", has no xml ids (it is a new record for project
 * files) and gets new webhook paths, so the copy never answers the original's URLs (upstream
 * copied them, and the first match answered). Secret values are sealed again for their new rows (their
 * ciphertexts are bound to project and key).
 */
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { secretColumns, type SecretCipher, type StoredSecret } from '../secrets/index.js';
import { NotFoundError } from '../shared/errors.js';
import { triggerKinds } from './resources.js';

/** Columns never copied: identity, file identity, the parent pointer, and the webhook's secret path. */
const notCopied = new Set(['id', 'xml_id', 'project_id', 'task_id', 'path', 'created_at', 'updated_at', 'version']);

async function copyableColumns(db: Queryable, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'sync_studio' and table_name = $1 order by ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name).filter((c) => !notCopied.has(c));
}

/** Copies the rows of `table` whose `parentColumn` is `fromId` to parent `toId`; returns old id → new id. */
async function copyChildren(
  db: Queryable,
  table: string,
  parentColumn: string,
  fromId: number,
  toId: number,
): Promise<Map<number, number>> {
  const columns = (await copyableColumns(db, table)).map((c) => `"${c}"`).join(', ');
  const { rows } = await db.query<{ old_id: number; new_id: number }>(
    `with source as (select id, ${columns} from sync_studio.${table} where ${parentColumn} = $1 order by id),
          inserted as (insert into sync_studio.${table} (${parentColumn}, ${columns})
                       select $2, ${columns} from source order by id returning id)
     select s.id as old_id, i.id as new_id
       from (select id, row_number() over (order by id) as n from source) s
       join (select id, row_number() over (order by id) as n from inserted) i using (n)`,
    [fromId, toId],
  );
  return new Map(rows.map((r) => [r.old_id, r.new_id]));
}

/** Seals the copied secret values (still bound to the original rows) for the copy's rows. */
async function resealCopiedSecrets(db: Queryable, cipher: SecretCipher, copies: Map<number, number>, copyId: number): Promise<void> {
  const { rows } = await db.query<StoredSecret & { id: number }>(
    'select id, project_id, key, value_encrypted, cipher_version from sync_studio.project_secret where id = any($1)',
    [[...copies.keys()]],
  );
  for (const original of rows) {
    const sealed = secretColumns(cipher, { projectId: copyId, key: original.key }, undefined, original);
    if (sealed.value_encrypted === undefined) continue;
    await db.query('update sync_studio.project_secret set value_encrypted = $2, cipher_version = $3 where id = $1', [
      copies.get(original.id),
      sealed.value_encrypted,
      sealed.cipher_version,
    ]);
  }
}

export async function duplicateProject(pool: Pool, cipher: SecretCipher, projectId: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: number }>(
      `insert into sync_studio.project (name, active, common_code, eval_contexts)
       select left(name || ' (copy)', 200), false, common_code, eval_contexts from sync_studio.project where id = $1 returning id`,
      [projectId],
    );
    if (!rows[0]) throw new NotFoundError('project', projectId);
    const copyId = rows[0].id;
    for (const table of ['project_param', 'project_text']) await copyChildren(client, table, 'project_id', projectId, copyId);
    await resealCopiedSecrets(client, cipher, await copyChildren(client, 'project_secret', 'project_id', projectId, copyId), copyId);
    const tasks = await copyChildren(client, 'task', 'project_id', projectId, copyId);
    for (const [oldTask, newTask] of tasks) {
      for (const kind of triggerKinds) await copyChildren(client, `trigger_${kind}`, 'task_id', oldTask, newTask);
    }
    return copyId;
  });
}
