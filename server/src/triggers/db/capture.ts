/**
 * Capture: the pg triggers the sidecar puts on Odoo's tables. Per watched table, one function
 * `sync_studio.capture_<table>()` (generated for what the enabled triggers need: the columns to
 * compare, whether per row, the old values to keep, whether deleted rows are kept) and up to three
 * statement-level AFTER pg triggers `sync_studio_insert|update|delete` with transition tables.
 * Each statement that touched rows the triggers care about (an UPDATE: rows where a watched column
 * changed value, as Odoo compares them) appends one row to the inbox `capture_inbox`, which has no
 * index to maintain, and sends a NOTIFY only while a listener asked for one (the `db_notify`
 * sequence counts them). Every piece of this runs in Odoo's writers' transactions, so each is
 * chosen by what it costs them (docs/benchmarks/db-triggers.md).
 *
 * Odoo is never broken by it: the function compares columns through the transition tables and,
 * when that fails (a column dropped, renamed or retyped by a module upgrade), by name over jsonb,
 * so an upgrade costs a slower statement, never a failed write; the functions run as the role
 * that installed them (security definer, every name schema-qualified, no EXECUTE for others), so Odoo's
 * own role needs no rights on our schema; they live in our schema, so dropping it drops them and
 * their pg triggers.
 * Odoo is never blocked by it: creating or dropping a pg trigger waits at most `lockTimeoutMs` for
 * Odoo's writers and fails otherwise (the caller retries in the background).
 */
import { createHash } from 'node:crypto';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../../db/index.js';
import { SyncStudioError } from '../../shared/errors.js';
import { compileDomain } from './domain.js';
import { storedFields, tableOf } from './catalog.js';

export const NOTIFY_CHANNEL = 'sync_studio_db_event';
const TRIGGER_PREFIX = 'sync_studio_';
const FUNCTION_PREFIX = 'capture_';
type Operation = 'INSERT' | 'UPDATE' | 'DELETE';
const OPERATIONS: readonly Operation[] = ['INSERT', 'UPDATE', 'DELETE'];
const MAX_COMPARED = 63;

/** What the enabled triggers of one table need captured. */
export interface TableCapture {
  table: string;
  operations: Operation[];
  /** Columns whose change is reported (the watched fields of the write triggers). */
  compare: string[];
  /** Every updated row is captured (a write trigger watches no column), not only the rows where a compared column changed. */
  allRows: boolean;
  /** Which compared columns changed is kept per row (the write triggers watch different columns, or some watch none). */
  perRow: boolean;
  /** Columns whose old values an UPDATE keeps (read by before-update domains). */
  oldColumns: string[];
  /** DELETE keeps the deleted rows (on_unlink). */
  deletedRows: boolean;
}
export interface CaptureTrigger {
  model: string;
  kind: string;
  watched_fields: string[];
  filter_pre_domain: string;
}

/** Creating or dropping a pg trigger would have waited for Odoo's writers: retried later. */
export class CaptureBusyError extends SyncStudioError {
  constructor(table: string, cause: unknown) {
    super('capture_busy', `installing capture on ${table} waited too long for Odoo's writers; retrying in the background`, { cause });
  }
}

/** The enabled DB triggers (of active tasks and projects), other than timed ones. */
export async function enabledTriggers(db: Queryable): Promise<CaptureTrigger[]> {
  const { rows } = await db.query<CaptureTrigger>(
    `select d.model, d.kind, d.watched_fields, d.filter_pre_domain
       from sync_studio.trigger_db d join sync_studio.task t on t.id = d.task_id join sync_studio.project p on p.id = t.project_id
      where d.active and t.active and p.active and d.kind <> 'on_time'`,
  );
  return rows;
}

/** Per table, what to capture for these triggers (tables that do not exist are left out). */
export async function planCapture(db: Queryable, triggers: readonly CaptureTrigger[]): Promise<TableCapture[]> {
  const byModel = new Map<string, CaptureTrigger[]>();
  for (const trigger of triggers) byModel.set(trigger.model, [...(byModel.get(trigger.model) ?? []), trigger]);
  const plans: TableCapture[] = [];
  for (const [model, list] of byModel) {
    const fields = await storedFields(db, model).catch(() => []);
    const columns = new Set(fields.map((f) => f.name));
    if (columns.size === 0) continue;
    const operations = new Set<Operation>();
    const watchedSets = new Set<string>();
    const oldColumns = new Set<string>();
    let allRows = false;
    let deletedRows = false;
    for (const trigger of list) {
      const creates = trigger.kind === 'on_create' || trigger.kind === 'on_create_or_write';
      const writes = trigger.kind === 'on_write' || trigger.kind === 'on_create_or_write';
      // INSERTs are needed by writes too: Odoo's post-create UPDATEs fold into the create.
      if (creates || writes) operations.add('INSERT');
      if (writes) operations.add('UPDATE');
      // A record created and deleted in one transaction fires nothing: the DELETE says so.
      if (creates || trigger.kind === 'on_unlink') operations.add('DELETE');
      if (trigger.kind === 'on_unlink') deletedRows = true;
      if (writes) {
        const watched = trigger.watched_fields.filter((f) => columns.has(f)).sort();
        if (watched.length === 0) allRows = true;
        else watchedSets.add(watched.join(','));
        for (const field of compileDomain(trigger.filter_pre_domain, fields)?.fields ?? []) if (field !== 'id') oldColumns.add(field);
      }
    }
    let compare = [...new Set([...watchedSets].flatMap((set) => set.split(',')))].sort();
    // Changes per row are bits of a bigint: past 63 compared columns, changes are not compared.
    if (compare.length > MAX_COMPARED) [compare, allRows] = [[], true];
    plans.push({
      table: tableOf(model),
      operations: OPERATIONS.filter((op) => operations.has(op)),
      compare,
      allRows,
      perRow: compare.length > 0 && (allRows || watchedSets.size > 1),
      oldColumns: [...oldColumns].sort(),
      deletedRows,
    });
  }
  return plans.sort((a, b) => a.table.localeCompare(b.table));
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const nameArray = (names: readonly string[]): string => `array[${names.map(literal).join(', ')}]::pg_catalog.text[]`;

/*
 * The generated SQL names every function, operator and type by its schema: the function runs as
 * its owner but in the writer's search_path (a `SET search_path` clause would cost every captured
 * statement a GUC change and a search-path recomputation, about 6 µs), so nothing in it may be
 * resolved through a schema the writer chose. `IS DISTINCT FROM` cannot name its operator, hence
 * `changed`: array equality takes the type's own equality and holds NULLs equal.
 */
const eq = (a: string, b: string): string => `${a} operator(pg_catalog.=) ${b}`;
const changed = (a: string, b: string): string => `not (array[${a}] operator(pg_catalog.=) array[${b}])`;
const field = (row: string, key: string): string => `(pg_catalog.to_jsonb(${row}) operator(pg_catalog.->) ${key})`;
/** No nested loop can run a full join: whatever size its plan was made for, it stays linear. */
const FULL_JOIN = `sync_studio_new n full join sync_studio_old o on ${eq('o.id', 'n.id')}`;
const ROW_ID = 'coalesce(n.id, o.id)::pg_catalog.int8';
/**
 * The usual UPDATE (one set of watched columns, no old values) of up to `NESTED_LOOP_ROWS` rows
 * has a cheaper form: a join of old and new rows that may run as a nested loop. Its plan is made
 * once per session, for the size first seen, so a bigger statement could make it quadratic: the
 * same query first checks the statement's size. Up to `EXCEPT_ROWS`, a bigger one takes an EXCEPT
 * of old from new (a hashed set operation, held in memory); past that, the full join. (The
 * backend's count of updated rows, `pg_stat_get_xact_tuples_updated`, cannot tell the size: it
 * adds up every transaction of the session until the statistics are flushed, at most once a
 * second, so a busy writer's single-row UPDATEs would look big.)
 */
const NESTED_LOOP_ROWS = 256;
const EXCEPT_ROWS = 100_000;
const INNER_JOIN = `sync_studio_new n join sync_studio_old o on ${eq('o.id', 'n.id')}`;

export function functionName(table: string): string {
  return `${FUNCTION_PREFIX}${table}`;
}

/** Bit i of a row's changes: the ith compared column changed (`distinctness` gives the test). */
function changeBits(compare: readonly string[], distinctness: (column: string) => string): string {
  return `(${compare
    .map((c, i) => `case when ${distinctness(c)} then ${(1n << BigInt(i)).toString()}::pg_catalog.int8 else 0::pg_catalog.int8 end`)
    .join(' operator(pg_catalog.|) ')})`;
}

/**
 * The UPDATE branch: the ids of the rows where a compared column changed (all updated rows when a
 * trigger watches none), which columns changed per row when the triggers need it, and the old
 * values before-update domains read. When that fails (a watched column dropped, renamed or retyped
 * by a module upgrade since this function was generated), the same compared by name over jsonb.
 * The block only reads, so entering it opens no subtransaction id; it costs less than checking
 * the catalog at every statement. The event is appended after the block, outside it.
 */
function updateSql(plan: TableCapture): string {
  const { compare, oldColumns, allRows, perRow } = plan;
  if (compare.length === 0 && oldColumns.length === 0) return 'v_ids := array(select n.id::pg_catalog.int8 from sync_studio_new n);';
  const byPosition = (c: string): string => changed(`n.${ident(c)}`, `o.${ident(c)}`);
  const byName = (c: string): string => changed(field('n', literal(c)), field('o', literal(c)));
  const anyChanged = (test: (c: string) => string): string => compare.map(test).join(' or ');
  const aggregated = (test: (c: string) => string, oldValues: string): string => {
    const outputs = [`pg_catalog.array_agg(${ROW_ID})`, perRow ? `pg_catalog.array_agg(${changeBits(compare, test)})` : 'null', oldValues];
    return `select ${outputs.join(', ')} into v_ids, v_changes, v_old from ${FULL_JOIN}${allRows ? '' : ` where ${anyChanged(test)}`};`;
  };
  const oldByPosition = oldColumns.length
    ? `pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', o.id${oldColumns.map((c) => `, ${literal(c)}, o.${ident(c)}`).join('')}))`
    : 'null';
  const oldByName = oldColumns.length
    ? `pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', o.id) operator(pg_catalog.||) coalesce(
          (select pg_catalog.jsonb_object_agg(k, ${field('o', 'k')}) from pg_catalog.unnest(${nameArray(oldColumns)}) k
            where pg_catalog.to_jsonb(o) operator(pg_catalog.?) k), '{}'))`
    : 'null';
  const listed = (row: string): string => compare.map((c) => `, ${row}.${ident(c)}`).join('');
  const fast =
    !perRow && !allRows && oldColumns.length === 0
      ? `v_ids := case when exists (select from sync_studio_new offset ${NESTED_LOOP_ROWS}) then null
        else array(select n.id::pg_catalog.int8 from ${INNER_JOIN} where ${anyChanged(byPosition)}) end;
      if v_ids is null then
        if exists (select from sync_studio_new offset ${EXCEPT_ROWS}) then
          ${aggregated(byPosition, 'null')}
        else
          v_ids := array(select x.id::pg_catalog.int8 from (select n.id${listed('n')} from sync_studio_new n
            except select o.id${listed('o')} from sync_studio_old o) x);
        end if;
      end if;`
      : aggregated(byPosition, oldByPosition);
  return `begin
      ${fast}
    exception when others then
      -- The table changed since this function was generated: compare by name.
      ${aggregated(byName, oldByName)}
    end;`;
}

/**
 * Appends the event of the rows in `v_ids`, if any, and wakes the listeners that asked for it. The
 * event's source (table, operation, compared columns) is one constant: each column of the inbox
 * costs every captured statement (migration 000012).
 */
function appendSql(table: string, operation: Operation, changedColumns: readonly string[]): string {
  return `if pg_catalog.cardinality(v_ids) operator(pg_catalog.>) 0 then
      insert into sync_studio.capture_inbox (source, ids, row_changes, old_values)
      values (${nameArray([table, operation, ...changedColumns])}, v_ids, v_changes, v_old);
      if pg_catalog.pg_sequence_last_value('sync_studio.db_notify'::pg_catalog.regclass) operator(pg_catalog.>) 0 then
        perform pg_catalog.pg_notify(${literal(NOTIFY_CHANNEL)}, '');
      end if;
    end if;`;
}

/**
 * The generated function of one table. Each branch names its own constants: in a writer's
 * transaction, every plpgsql expression costs its set-up once, so the most frequent branch comes first.
 */
export function functionSql(plan: TableCapture): string {
  const deleted = plan.deletedRows
    ? 'select pg_catalog.array_agg(o.id::pg_catalog.int8), pg_catalog.jsonb_agg(pg_catalog.to_jsonb(o)) into v_ids, v_old from sync_studio_old o;'
    : 'v_ids := array(select o.id::pg_catalog.int8 from sync_studio_old o);';
  return `create or replace function sync_studio.${ident(functionName(plan.table))}() returns trigger language plpgsql
  security definer as $body$
declare
  v_ids pg_catalog.int8[];
  v_changes pg_catalog.int8[];
  v_old pg_catalog.jsonb;
begin
  if ${eq('TG_OP', "'UPDATE'")} then
    ${updateSql(plan)}
    ${appendSql(plan.table, 'UPDATE', plan.compare)}
  elsif ${eq('TG_OP', "'INSERT'")} then
    v_ids := array(select n.id::pg_catalog.int8 from sync_studio_new n);
    ${appendSql(plan.table, 'INSERT', [])}
  else
    ${deleted}
    ${appendSql(plan.table, 'DELETE', [])}
  end if;
  return null;
end
$body$`;
}

function versionOf(sql: string): string {
  return `sync-studio capture ${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`;
}

interface Installed {
  functions: Map<string, string | null>;
  triggers: Map<string, Set<Operation>>;
}

/** What capture has put where (all tables, or one). */
async function installed(db: Queryable, table?: string): Promise<Installed> {
  const [functions, triggers] = await Promise.all([
    db.query<{ name: string; version: string | null }>(
      `select p.proname as name, obj_description(p.oid, 'pg_proc') as version from pg_proc p
        where p.pronamespace = 'sync_studio'::regnamespace and p.proname like 'capture\\_%' and ($1::text is null or p.proname = $2)`,
      [table ?? null, table === undefined ? null : functionName(table)],
    ),
    db.query<{ table: string; name: string }>(
      `select c.relname as table, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where not t.tgisinternal and t.tgname like 'sync\\_studio\\_%' and c.relnamespace = current_schema()::regnamespace
          and ($1::text is null or c.relname = $1)`,
      [table ?? null],
    ),
  ]);
  const byTable = new Map<string, Set<Operation>>();
  for (const row of triggers.rows) {
    const operation = row.name.slice(TRIGGER_PREFIX.length).toUpperCase() as Operation;
    byTable.set(row.table, (byTable.get(row.table) ?? new Set()).add(operation));
  }
  return { functions: new Map(functions.rows.map((r) => [r.name, r.version])), triggers: byTable };
}

function triggerSql(table: string, operation: Operation): string {
  const name = ident(`${TRIGGER_PREFIX}${operation.toLowerCase()}`);
  const transition =
    operation === 'INSERT'
      ? 'new table as sync_studio_new'
      : operation === 'DELETE'
        ? 'old table as sync_studio_old'
        : 'old table as sync_studio_old new table as sync_studio_new';
  return `create trigger ${name} after ${operation.toLowerCase()} on ${ident(table)} referencing ${transition}
    for each statement execute function sync_studio.${ident(functionName(table))}()`;
}

function dropTriggerSql(table: string, operation: Operation): string {
  return `drop trigger if exists ${ident(`${TRIGGER_PREFIX}${operation.toLowerCase()}`)} on ${ident(table)}`;
}

/** One table's change, in its own transaction, serialised across sidecars, waiting at most `lockTimeoutMs` for a table lock. */
async function changeTable<T>(pool: Pool, table: string, lockTimeoutMs: number, change: (db: PoolClient) => Promise<T>): Promise<T> {
  try {
    return await withTransaction(pool, async (db) => {
      await db.query(`select pg_advisory_xact_lock(hashtext('sync_studio.capture'), hashtext($1))`, [table]);
      await db.query(`select set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
      return change(db);
    });
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') throw new CaptureBusyError(table, error);
    throw error;
  }
}

export interface ReconcileResult {
  installed: string[];
  removed: string[];
  unchanged: string[];
}

/** What capture should be, read with the connection given (so under the table's lock it is read as it is then). */
export type CapturePlanner = (db: Queryable) => Promise<TableCapture[]>;

/** The plans the enabled DB triggers need, as committed when called. */
export const plansOfEnabledTriggers: CapturePlanner = async (db) => planCapture(db, await enabledTriggers(db));

function isCurrent(state: Installed, plan: TableCapture, version: string): boolean {
  const have = state.triggers.get(plan.table) ?? new Set();
  return (
    state.functions.get(functionName(plan.table)) === version &&
    plan.operations.every((op) => have.has(op)) &&
    [...have].every((op) => plan.operations.includes(op))
  );
}

/**
 * Brings the pg triggers in line with the planner: functions regenerated when their version
 * differs, missing pg triggers created, unneeded ones dropped, tables nobody watches cleaned up.
 * Each table is decided under its lock from the plan read then, so a reconciliation that started
 * before a trigger was saved can never undo the capture a later one installed. Idempotent; a table
 * whose lock could not be had is reported by a CaptureBusyError after the other tables were handled.
 */
export async function reconcileCapture(pool: Pool, planner: CapturePlanner, lockTimeoutMs: number): Promise<ReconcileResult> {
  const current = await installed(pool);
  const planned = (await planner(pool)).map((p) => p.table);
  const leftovers = [...current.triggers.keys(), ...[...current.functions.keys()].map((f) => f.slice(FUNCTION_PREFIX.length))];
  const result: ReconcileResult = { installed: [], removed: [], unchanged: [] };
  let busy: CaptureBusyError | undefined;
  for (const table of new Set([...planned, ...leftovers])) {
    try {
      const outcome = await changeTable(pool, table, lockTimeoutMs, async (db): Promise<keyof ReconcileResult | undefined> => {
        const plan = (await planner(db)).find((p) => p.table === table);
        const now = await installed(db, table);
        if (!plan) {
          if (!now.triggers.has(table) && !now.functions.has(functionName(table))) return undefined;
          await dropCapture(db, table, now.triggers.get(table));
          return 'removed';
        }
        const sql = functionSql(plan);
        const version = versionOf(sql);
        if (isCurrent(now, plan, version)) return 'unchanged';
        const have = now.triggers.get(table) ?? new Set();
        await db.query(sql);
        await db.query(`revoke execute on function sync_studio.${ident(functionName(table))}() from public`);
        await db.query(`comment on function sync_studio.${ident(functionName(table))}() is ${literal(version)}`);
        for (const op of have) if (!plan.operations.includes(op)) await db.query(dropTriggerSql(table, op));
        for (const op of plan.operations) if (!have.has(op)) await db.query(triggerSql(table, op));
        return 'installed';
      });
      if (outcome) result[outcome].push(table);
    } catch (error) {
      if (!(error instanceof CaptureBusyError)) throw error;
      busy ??= error;
    }
  }
  if (busy) throw busy;
  return result;
}

async function dropCapture(db: Queryable, table: string, operations: Iterable<Operation> | undefined): Promise<void> {
  const exists = (await db.query<{ ok: boolean }>('select to_regclass(quote_ident($1)) is not null as ok', [table])).rows[0]!.ok;
  if (exists) for (const op of operations ?? []) await db.query(dropTriggerSql(table, op));
  await db.query(`drop function if exists sync_studio.${ident(functionName(table))}()`);
}

/** Removes every pg trigger and function capture put on Odoo's tables (`sync-studio uninstall-capture`). */
export async function uninstallCapture(pool: Pool, lockTimeoutMs: number): Promise<string[]> {
  const current = await installed(pool);
  const tables = new Set([...current.triggers.keys(), ...[...current.functions.keys()].map((f) => f.slice(FUNCTION_PREFIX.length))]);
  for (const table of tables) {
    await changeTable(pool, table, lockTimeoutMs, async (db) => dropCapture(db, table, (await installed(db, table)).triggers.get(table)));
  }
  return [...tables].sort();
}
