/**
 * Storage of projects and everything they own, generic over the resource registry
 * (resources.ts): list / get / create / update / delete with validated input, sibling-name
 * uniqueness, encryption of secret values, and a version bump of the owning project on every
 * change (the sandbox caches compiled code per project version).
 */
import type { DatabaseError } from 'pg';
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { secretColumns, type SecretCipher, type StoredSecret } from '../secrets/index.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/validation.js';
import { decodeCursor, pageOf, type PageRequest } from '../shared/paging.js';
import { deleteUnownedHistory, type HistoryOwner } from '../history/index.js';
import { resources, triggerKinds, type ResourceKind, type TriggerKind, isTriggerKind } from './resources.js';

export type Row = Record<string, unknown> & { id: number };

export interface ChangeEvent {
  kind: ResourceKind;
  id: number;
  projectId: number;
  action: 'created' | 'updated' | 'deleted';
}

/** A capability's own check of a resource about to be saved (the row as it will be); throws a typed error to refuse it. */
export type SaveCheck = (row: Record<string, unknown>, db: Queryable) => Promise<void>;

export class ProjectStore {
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly checks = new Map<ResourceKind, SaveCheck[]>();

  constructor(
    readonly pool: Pool,
    private readonly cipher: SecretCipher,
    /** Whether an evaluation-context plugin of that name is installed (projects may only select those). */
    private readonly isKnownPlugin: (name: string) => boolean = () => true,
  ) {}

  /** Called after every committed change; the cron and DB trigger machinery reschedule from it. */
  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a check run inside the saving transaction of every create and update of `kind` (e.g. a DB trigger's model exists). */
  addCheck(kind: ResourceKind, check: SaveCheck): () => void {
    this.checks.set(kind, [...(this.checks.get(kind) ?? []), check]);
    return () =>
      this.checks.set(
        kind,
        (this.checks.get(kind) ?? []).filter((c) => c !== check),
      );
  }

  private async runChecks(kind: ResourceKind, row: Record<string, unknown>, db: Queryable): Promise<void> {
    for (const check of this.checks.get(kind) ?? []) await check(row, db);
  }

  /** One page of a kind's rows (of one parent), oldest first. */
  async list(
    kind: ResourceKind,
    page: PageRequest,
    parentId?: number,
  ): Promise<{ items: Row[]; total: number; next_cursor: string | null }> {
    const spec = resources[kind];
    if (spec.parent && parentId !== undefined) await this.get(spec.parent.kind, parentId);
    const filtered = spec.parent !== null && parentId !== undefined;
    const conditions = filtered ? [`${spec.parent!.column} = $1`] : [];
    const params: unknown[] = filtered ? [parentId] : [];
    const count = this.pool.query<{ total: number }>(
      `select count(*)::int as total from sync_studio.${spec.table} ${conditions.length ? `where ${conditions[0]}` : ''}`,
      [...params],
    );
    const after = decodeCursor(page.cursor, ['number']);
    if (after) {
      params.push(after[0]);
      conditions.push(`id > $${params.length}`);
    }
    const where = conditions.length ? `where ${conditions.join(' and ')}` : '';
    const { rows } = await this.pool.query<Row>(
      `select * from sync_studio.${spec.table} ${where} order by id limit ${page.limit + 1}`,
      params,
    );
    return { ...pageOf(rows, page.limit, (row) => [row.id]), total: (await count).rows[0]!.total };
  }

  /** Every trigger of a project's tasks, kind by kind (`triggerKinds` order), each with its task's name, by task name then trigger name. */
  async projectTriggers(projectId: number): Promise<{ kind: TriggerKind; row: Row }[]> {
    await this.get('project', projectId);
    const lists = await Promise.all(
      triggerKinds.map(async (kind) => {
        const { rows } = await this.pool.query<Row>(
          `select t.*, k.name as task_name from sync_studio.${resources[kind].table} t join sync_studio.task k on k.id = t.task_id
            where k.project_id = $1 order by k.name, t.trigger_name, t.id`,
          [projectId],
        );
        return rows.map((row) => ({ kind, row }));
      }),
    );
    return lists.flat();
  }

  async get(kind: ResourceKind, id: number, db: Queryable = this.pool): Promise<Row> {
    const spec = resources[kind];
    const { rows } = await db.query<Row>(`select * from sync_studio.${spec.table} where id = $1`, [id]);
    if (!rows[0]) throw new NotFoundError(spec.label, id);
    return rows[0];
  }

  async create(kind: ResourceKind, parentId: number | null, input: unknown): Promise<Row> {
    const spec = resources[kind];
    const parsed = parseInput(spec.input, input, `new ${spec.label}`);
    const values = this.toColumns(kind, parsed);
    return this.write(kind, async (client) => {
      if (spec.parent) {
        await this.get(spec.parent.kind, parentId!, client);
        values[spec.parent.column] = parentId;
      }
      if (kind === 'secret') Object.assign(values, this.sealValue(parentId!, values.key as string, parsed.value));
      if (kind === 'cron' && values.numbercall === undefined) values.numbercall = -1;
      await this.checkUniqueName(kind, client, values, parentId, null);
      await this.runChecks(kind, values, client);
      const columns = Object.keys(values);
      const { rows } = await client.query<Row>(
        `insert into sync_studio.${spec.table} (${columns.map(quote).join(', ')})
         values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning *`,
        columns.map((c) => values[c]),
      );
      return { row: rows[0]!, action: 'created' };
    });
  }

  async update(kind: ResourceKind, id: number, patch: unknown): Promise<Row> {
    const spec = resources[kind];
    const parsed = parseInput(spec.input.partial(), patch, `${spec.label} ${id}`);
    const values = this.toColumns(kind, parsed);
    return this.write(kind, async (client) => {
      const current = await this.get(kind, id, client);
      const parentId = spec.parent ? (current[spec.parent.column] as number) : null;
      if (kind === 'secret')
        Object.assign(
          values,
          this.sealValue(parentId!, (values.key ?? current.key) as string, parsed.value, current as unknown as StoredSecret),
        );
      await this.checkUniqueName(kind, client, values, parentId, id);
      await this.runChecks(kind, { ...current, ...values }, client);
      const columns = Object.keys(values);
      if (kind === 'project' || kind === 'task') columns.push('updated_at');
      const assignments = columns.map((c, i) => (c === 'updated_at' ? 'updated_at = now()' : `${quote(c)} = $${i + 2}`));
      if (kind === 'project') assignments.push('version = version + 1');
      const { rows } = await client.query<Row>(`update sync_studio.${spec.table} set ${assignments.join(', ')} where id = $1 returning *`, [
        id,
        ...columns.filter((c) => c !== 'updated_at').map((c) => values[c]),
      ]);
      return { row: rows[0]!, action: 'updated' };
    });
  }

  async remove(kind: ResourceKind, id: number): Promise<void> {
    const spec = resources[kind];
    await this.write(kind, async (client) => {
      const row = await this.get(kind, id, client);
      const owner = historyOwner(kind, row);
      if (owner) await deleteUnownedHistory(client, owner);
      await client.query(`delete from sync_studio.${spec.table} where id = $1`, [id]);
      return { row, action: 'deleted' };
    });
  }

  /** A new random path for a webhook (its old URL stops working at once). */
  async regenerateWebhookPath(id: number): Promise<Row> {
    return this.write('webhook', async (client) => {
      const { rows } = await client.query<Row>(
        'update sync_studio.trigger_webhook set path = gen_random_uuid() where id = $1 returning *',
        [id],
      );
      if (!rows[0]) throw new NotFoundError(resources.webhook.label, id);
      return { row: rows[0], action: 'updated' };
    });
  }

  /** Runs a change in a transaction, bumps the owning project's version, then tells the listeners. */
  private async write(
    kind: ResourceKind,
    change: (client: Queryable) => Promise<{ row: Row; action: ChangeEvent['action'] }>,
  ): Promise<Row> {
    const { row, action, projectId } = await withTransaction(this.pool, async (client) => {
      try {
        const result = await change(client);
        const projectId = await projectIdOf(client, kind, result.row);
        if (kind !== 'project') {
          await client.query('update sync_studio.project set version = version + 1, updated_at = now() where id = $1', [projectId]);
        }
        return { ...result, projectId };
      } catch (error) {
        throw translateConstraint(error, kind);
      }
    });
    for (const listener of this.listeners) listener({ kind, id: row.id, projectId, action });
    return row;
  }

  private toColumns(kind: ResourceKind, input: Record<string, unknown>): Record<string, unknown> {
    const unknownPlugin =
      kind === 'project' ? ((input.eval_contexts as string[] | undefined) ?? []).find((name) => !this.isKnownPlugin(name)) : undefined;
    if (unknownPlugin !== undefined)
      throw new InvalidInputError(`eval_contexts: no plugin named "${unknownPlugin}" is installed`, 'eval_contexts');
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      // A secret's value is sealed for its row once the row is known (sealValue).
      if (value === undefined || (kind === 'secret' && key === 'value')) continue;
      if (kind === 'param' && key === 'value') {
        values.value = value === '' ? null : value;
      } else {
        values[key] = value;
      }
    }
    return values;
  }

  /** A secret's value columns: `value` sealed for (project, key), or the current value sealed again if its key changes. */
  private sealValue(projectId: number, key: string, value: unknown, current?: StoredSecret) {
    return secretColumns(this.cipher, { projectId, key }, value as string | null | undefined, current);
  }

  private async checkUniqueName(
    kind: ResourceKind,
    client: Queryable,
    values: Record<string, unknown>,
    parentId: number | null,
    selfId: number | null,
  ) {
    if (!isTriggerKind(kind) || values.trigger_name === undefined) return;
    const clash = await findTriggerByName(client, kind, parentId!, values.trigger_name as string);
    if (clash !== undefined && clash !== selfId) {
      throw new ConflictError(
        `a ${resources[kind].label} named ${String(values.trigger_name)} already exists in this project`,
        'trigger_name',
      );
    }
  }
}

/** The id of the trigger of `kind` named `name` in the project of task `taskId`, if any. */
async function findTriggerByName(db: Queryable, kind: TriggerKind, taskId: number, name: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `select t.id from sync_studio.trigger_${kind} t join sync_studio.task k on k.id = t.task_id
     where t.trigger_name = $2 and k.project_id = (select project_id from sync_studio.task where id = $1)`,
    [taskId, name],
  );
  return rows[0]?.id;
}

export async function projectIdOf(db: Queryable, kind: ResourceKind, row: Row): Promise<number> {
  if (kind === 'project') return row.id;
  if (row.project_id !== undefined) return row.project_id as number;
  const { rows } = await db.query<{ project_id: number }>('select project_id from sync_studio.task where id = $1', [row.task_id]);
  return rows[0]!.project_id;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function translateConstraint(error: unknown, kind: ResourceKind): unknown {
  const pgError = error as Partial<DatabaseError>;
  if (pgError.code === '23505' && resources[kind].uniqueName) {
    const field = resources[kind].uniqueName!;
    return new ConflictError(`another ${resources[kind].label} of this project already uses this ${field}`, field);
  }
  return error;
}

/** The history a deleted resource takes with it beyond its jobs (history/orphans.ts). */
function historyOwner(kind: ResourceKind, row: Row): HistoryOwner | undefined {
  if (kind === 'project' || kind === 'webhook') return { kind, id: row.id };
  if (kind === 'task') return { kind, id: row.id, projectId: row.project_id as number };
  return undefined;
}
