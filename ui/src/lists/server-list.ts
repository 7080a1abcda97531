/**
 * A list the server pages and filters, in one owner: the filters, which page is shown, the request
 * for it (a @lit/task, the host's reactive controller, that runs again when the filters, the page or
 * the host's own inputs change), reloading, the pager, and the loading / error / empty / table
 * states. A list element keeps only what is its own: its filter controls, its columns, its actions.
 *
 * Lists page by key: a page is asked for with the previous page's `next_cursor`. The list keeps the
 * trail of cursors that led to the page shown (empty on the first page): next adds the server's
 * `next_cursor`, previous drops the last one, a new filter starts again from the first page.
 */
import { Task } from '@lit/task';
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Page } from '../api/types.js';
import { listStates, type ListStates } from './list-table.js';
import '../elements/ss-pager.js';

export type Filters = Record<string, string>;

/** The limit of lists shown whole, without a pager (a project's tasks, a task's triggers): the API's maximum. */
export const WHOLE_LIST = 500;

/** The API's query for one page. */
export type PageRequest = { limit: number; cursor?: string | undefined };

/** What a load answers: a page of the API, or rows gathered otherwise (a whole list has no pager). */
export type Loaded<T> = Pick<Page<T>, 'items'> & Partial<Page<T>>;

export interface ServerListOptions<T> {
  /** One page: the current filters plus the page asked for (`limit`, and `cursor` past the first page). */
  load: (filters: Filters, page: PageRequest) => Promise<Loaded<T>>;
  /** The host's own inputs (e.g. the project whose tasks these are): a change reloads the list. */
  args?: () => readonly unknown[];
  /** Filters in force before the user picks any (e.g. from the address). */
  filters?: Filters;
  /** Rows per page; `WHOLE_LIST` for lists shown whole. */
  limit?: number;
}

export class ServerList<T> {
  private current: Filters;
  /** The cursors that led to the page shown: empty on the first page. */
  private trail: readonly string[] = [];
  readonly limit: number;
  private readonly task: Task<readonly unknown[], Loaded<T>>;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    options: ServerListOptions<T>,
  ) {
    this.current = { ...options.filters };
    this.limit = options.limit ?? 50;
    this.task = new Task(host, {
      task: ([filters, trail]) => options.load(filters as Filters, { limit: this.limit, cursor: (trail as readonly string[]).at(-1) }),
      args: () => [this.current, this.trail, ...(options.args?.() ?? [])] as const,
    });
  }

  get filters(): Readonly<Filters> {
    return this.current;
  }

  /** Sets (or, empty, removes) one filter and goes back to the first page. */
  set(key: string, value: string): void {
    const next = { ...this.current };
    if (value) next[key] = value;
    else delete next[key];
    this.replace(next);
  }

  /** Replaces every filter and goes back to the first page. */
  replace(filters: Filters): void {
    this.current = filters;
    this.trail = [];
    this.host.requestUpdate();
  }

  /** Asks the server again for the page shown (after a change the list does not see). */
  reload(): void {
    void this.task.run();
  }

  /** The page shown, once loaded. */
  get page(): Loaded<T> | undefined {
    return this.task.value;
  }

  pager(): TemplateResult {
    const total = this.page?.total ?? 0;
    const next = this.page?.next_cursor ?? null;
    const start = this.trail.length * this.limit;
    return html`<ss-pager
      .first=${total === 0 ? 0 : start + 1}
      .last=${Math.min(start + this.limit, total)}
      .total=${total}
      .hasPrevious=${this.trail.length > 0}
      .hasNext=${next !== null}
      @ss-page=${(e: CustomEvent<'previous' | 'next'>) => {
        if (e.detail === 'next' && next !== null) this.trail = [...this.trail, next];
        else if (e.detail === 'previous') this.trail = this.trail.slice(0, -1);
        this.host.requestUpdate();
      }}
    ></ss-pager>`;
  }

  render(states: ListStates<T>): unknown {
    return listStates(this.task, states);
  }
}
