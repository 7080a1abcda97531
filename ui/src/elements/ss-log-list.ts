/**
 * <ss-log-list>: the Logs view — log lines newest first, paged by the server, filtered by level,
 * type, job state, start time and the project / task / trigger / job of the address; grouped by
 * any of those dimensions (counts from the server; a group opens filtered on it).
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import { jobStates, logGroupings, logLevels, type LogCounts, type LogGrouping, type LogLine, type Page } from '../api/types.js';
import { stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-pager.js';
import './ss-log-line.js';

const LIMIT = 50;
const scopeKeys = ['project_id', 'task_id', 'trigger_kind', 'trigger_id', 'job_id'] as const;
const groupLabels: Record<LogGrouping, string> = {
  project_id: 'Project',
  task_id: 'Task',
  trigger_kind: 'Trigger kind',
  trigger_id: 'Trigger',
  job_id: 'Job',
  level: 'Level',
  type: 'Type',
  state: 'Job state',
};

@customElement('ss-log-list')
export class SsLogList extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .lines {
        border: 1px solid var(--o-border);
        background: #fff;
      }
      .filters input[type='datetime-local'] {
        width: 190px;
      }
    `,
  ];

  @property({ attribute: false }) query = new URLSearchParams();
  @state() private filters: Record<string, string> = {};
  @state() private groupBy: LogGrouping | '' = '';
  @state() private cursors: readonly string[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    this.filters = Object.fromEntries(scopeKeys.flatMap((k) => (this.query.get(k) ? [[k, this.query.get(k)!]] : [])));
  }

  private apiQuery() {
    const f = this.filters;
    return {
      ...f,
      from: f.from ? new Date(f.from).toISOString() : undefined,
      to: f.to ? new Date(f.to).toISOString() : undefined,
    };
  }

  private readonly logs = new LitTask(this, {
    task: ([, cursors]) => this.api.get<Page<LogLine>>('/logs', { ...this.apiQuery(), cursor: cursors.at(-1), limit: LIMIT }),
    args: () => [this.filters, this.cursors] as const,
  });

  private readonly counts = new LitTask(this, {
    task: async ([, groupBy]) => (groupBy ? this.api.get<LogCounts>('/logs/counts', { ...this.apiQuery(), group_by: groupBy }) : undefined),
    args: () => [this.filters, this.groupBy] as const,
  });

  private set(key: string, value: string): void {
    const next = { ...this.filters };
    if (value) next[key] = value;
    else delete next[key];
    this.filters = next;
    this.cursors = [];
  }

  override render() {
    const scope = scopeKeys.filter((k) => this.filters[k]).map((k) => `${groupLabels[k]} ${this.filters[k]}`);
    return html`<ss-control-panel .crumbs=${[{ label: scope.length ? `Logs (${scope.join(', ')})` : 'Logs' }]}>
        <span slot="buttons">
          <button class="btn" @click=${() => void this.logs.run()}>Refresh</button>
          ${
            scope.length
              ? html`<button
                  class="btn btn-link"
                  @click=${() => (this.filters = Object.fromEntries(Object.entries(this.filters).filter(([k]) => !(scopeKeys as readonly string[]).includes(k))))}
                >
                  Clear scope
                </button>`
              : nothing
          }
        </span>
        <span slot="side" class="filters">
          <select aria-label="Level" @change=${(e: Event) => this.set('level', (e.target as HTMLSelectElement).value)}>
            <option value="">Any level</option>
            ${logLevels.map((l) => html`<option value=${l}>${l}</option>`)}
          </select>
          <select aria-label="Type" @change=${(e: Event) => this.set('type', (e.target as HTMLSelectElement).value)}>
            <option value="">Any type</option>
            <option value="server">server</option>
            <option value="data_in">data in</option>
            <option value="data_out">data out</option>
          </select>
          <select aria-label="Job state" @change=${(e: Event) => this.set('state', (e.target as HTMLSelectElement).value)}>
            <option value="">Any job state</option>
            ${jobStates.map((s) => html`<option value=${s}>${stateLabels[s]}</option>`)}
          </select>
          <input type="datetime-local" aria-label="From" @change=${(e: Event) => this.set('from', (e.target as HTMLInputElement).value)} />
          <input type="datetime-local" aria-label="To" @change=${(e: Event) => this.set('to', (e.target as HTMLInputElement).value)} />
          <select aria-label="Group by" @change=${(e: Event) => (this.groupBy = (e.target as HTMLSelectElement).value as LogGrouping)}>
            <option value="">No grouping</option>
            ${logGroupings.map((g) => html`<option value=${g}>Group by ${groupLabels[g].toLowerCase()}</option>`)}
          </select>
          <ss-pager
            .cursors=${this.cursors}
            .next=${this.logs.value?.next_cursor ?? null}
            .limit=${LIMIT}
            .total=${this.logs.value?.total ?? 0}
            @ss-page=${(e: CustomEvent<readonly string[]>) => (this.cursors = e.detail)}
          ></ss-pager>
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.groupBy ? this.groups() : nothing}
        ${this.logs.render({
          pending: () => html`<p role="status">Loading…</p>`,
          error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
          complete: (page) =>
            page.items.length === 0
              ? html`<p class="muted">No log line matches.</p>`
              : html`<div class="lines" aria-label="Log lines">
                  ${page.items.map((l) => html`<ss-log-line .line=${l} showJob></ss-log-line>`)}
                </div>`,
        })}
      </div>`;
  }

  private groups() {
    const key = this.groupBy as LogGrouping;
    return this.counts.render({
      pending: () => html`<p role="status">Counting…</p>`,
      error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
      complete: (counts) =>
        counts
          ? html`<div class="list-wrap" style="margin-bottom: 12px">
              <table class="o-list" aria-label="Log lines by ${groupLabels[key].toLowerCase()}">
                <thead>
                  <tr>
                    <th scope="col">${groupLabels[key]}</th>
                    <th scope="col" class="num">Lines</th>
                  </tr>
                </thead>
                <tbody>
                  ${counts.groups.map((g) => {
                    const value = g[key];
                    return html`<tr>
                      <td>
                        ${
                          value === null || value === undefined
                            ? html`<span class="muted">none</span>`
                            : html`<button class="btn btn-link" @click=${() => this.set(key, String(value))}>${String(value)}</button>`
                        }
                      </td>
                      <td class="num">${g.count}</td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
          : nothing,
    });
  }
}
