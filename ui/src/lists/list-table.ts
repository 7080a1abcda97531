/**
 * How every list looks while it loads and once it has rows: "Loading…", the error, a line saying
 * that nothing matches, or an Odoo list table (headers, a visually hidden "Actions" column).
 */
import type { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';

export interface ListStates<T> {
  /** Said when there is no row, e.g. "No link matches." */
  empty: string;
  /** The rows, usually through `listTable`. */
  rows: (items: T[]) => unknown;
  /** Keep showing the previous rows while the next ones load (no flicker on a reload). */
  keepWhileLoading?: boolean;
  /** Said when the list cannot be loaded; the error's own message otherwise. */
  failure?: string;
}

export function listStates<T>(task: Task<readonly unknown[], { items: T[] }>, states: ListStates<T>): unknown {
  const loaded = ({ items }: { items: T[] }) => (items.length === 0 ? html`<p class="muted">${states.empty}</p>` : states.rows(items));
  return task.render({
    pending: () => (states.keepWhileLoading && task.value ? loaded(task.value) : html`<p role="status">Loading…</p>`),
    error: (e) => html`<p role="alert">${states.failure ?? (e as Error).message}</p>`,
    complete: loaded,
  });
}

/** A column heading: its label, or `{ label, numeric }` for right-aligned numbers. */
export type Column = string | { label: string; numeric?: boolean };

/** The last column of rows with buttons: named for screen readers, empty on screen. */
export const actionsColumn = Symbol('actions');

export interface ListTable {
  /** The table's accessible name, or the id of the heading that names it. */
  label?: string;
  labelledBy?: string;
  columns: readonly (Column | typeof actionsColumn)[];
  rows: unknown;
}

export function listTable(table: ListTable): TemplateResult {
  const heading = (column: Column | typeof actionsColumn) =>
    column === actionsColumn
      ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>`
      : typeof column === 'string'
        ? html`<th scope="col">${column}</th>`
        : html`<th scope="col" class=${column.numeric ? 'num' : nothing}>${column.label}</th>`;
  return html`<div class="list-wrap">
    <table class="o-list" aria-label=${table.label ?? nothing} aria-labelledby=${table.labelledBy ?? nothing}>
      <thead>
        <tr>
          ${table.columns.map(heading)}
        </tr>
      </thead>
      <tbody>
        ${table.rows}
      </tbody>
    </table>
  </div>`;
}
