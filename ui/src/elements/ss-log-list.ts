/**
 * <ss-log-list>: the Logs view — log lines newest first, paged by the server, filtered by level,
 * type, job state, start time and the project / task / trigger / job of the address; grouped by
 * any of those dimensions (counts from the server; a group opens filtered on it).
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import { jobStates, logGroupings, logLevels, type LogCounts, type LogGrouping, type LogLine, type Page } from '../api/types.js';
import { listTable } from '../lists/list-table.js';
import { ServerList, type Filters } from '../lists/server-list.js';
import { stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-log-line.js';
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
      .groups {
        margin-bottom: 12px;
      }
      .filters input[type='datetime-local'] {
        width: 190px;
      }
    `,
  ];

  @property({ attribute: false }) query = new URLSearchParams();
  @state() private groupBy: LogGrouping | '' = '';

  private readonly logs = new ServerList<LogLine>(this, {
    load: (filters, page) => this.api.get<Page<LogLine>>('/logs', { ...apiQuery(filters), ...page }),
  });

  private readonly counts = new LitTask(this, {
    task: async ([filters, groupBy]) =>
      groupBy ? this.api.get<LogCounts>('/logs/counts', { ...apiQuery(filters), group_by: groupBy }) : undefined,
    args: () => [this.logs.filters, this.groupBy] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.logs.replace(Object.fromEntries(scopeKeys.flatMap((k) => (this.query.get(k) ? [[k, this.query.get(k)!]] : []))));
  }

  override render() {
    const filters = this.logs.filters;
    const scope = scopeKeys.filter((k) => filters[k]).map((k) => `${groupLabels[k]} ${filters[k]}`);
    return html`<ss-control-panel .crumbs=${[{ label: scope.length ? `Logs (${scope.join(', ')})` : 'Logs' }]}>
        <span slot="buttons">
          <button class="btn" @click=${() => this.logs.reload()}>Refresh</button>
          ${
            scope.length
              ? html`<button
                  class="btn btn-link"
                  @click=${() => this.logs.replace(Object.fromEntries(Object.entries(filters).filter(([k]) => !(scopeKeys as readonly string[]).includes(k))))}
                >
                  Clear scope
                </button>`
              : nothing
          }
        </span>
        <span slot="side" class="filters">
          <select aria-label="Level" @change=${(e: Event) => this.logs.set('level', (e.target as HTMLSelectElement).value)}>
            <option value="">Any level</option>
            ${logLevels.map((l) => html`<option value=${l}>${l}</option>`)}
          </select>
          <select aria-label="Type" @change=${(e: Event) => this.logs.set('type', (e.target as HTMLSelectElement).value)}>
            <option value="">Any type</option>
            <option value="server">server</option>
            <option value="data_in">data in</option>
            <option value="data_out">data out</option>
          </select>
          <select aria-label="Job state" @change=${(e: Event) => this.logs.set('state', (e.target as HTMLSelectElement).value)}>
            <option value="">Any job state</option>
            ${jobStates.map((s) => html`<option value=${s}>${stateLabels[s]}</option>`)}
          </select>
          <input
            type="datetime-local"
            aria-label="From"
            @change=${(e: Event) => this.logs.set('from', (e.target as HTMLInputElement).value)}
          />
          <input type="datetime-local" aria-label="To" @change=${(e: Event) => this.logs.set('to', (e.target as HTMLInputElement).value)} />
          <select aria-label="Group by" @change=${(e: Event) => (this.groupBy = (e.target as HTMLSelectElement).value as LogGrouping)}>
            <option value="">No grouping</option>
            ${logGroupings.map((g) => html`<option value=${g}>Group by ${groupLabels[g].toLowerCase()}</option>`)}
          </select>
          ${this.logs.pager()}
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.groupBy ? this.groups() : nothing}
        ${this.logs.render({
          empty: 'No log line matches.',
          rows: (items) =>
            html`<div class="lines" aria-label="Log lines">${items.map((l) => html`<ss-log-line .line=${l} showJob></ss-log-line>`)}</div>`,
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
          ? html`<div class="groups">
              ${listTable({
                label: `Log lines by ${groupLabels[key].toLowerCase()}`,
                columns: [groupLabels[key], { label: 'Lines', numeric: true }],
                rows: counts.groups.map((g) => {
                  const value = g[key];
                  return html`<tr>
                    <td>
                      ${
                        value === null || value === undefined
                          ? html`<span class="muted">none</span>`
                          : html`<button class="btn btn-link" @click=${() => this.logs.set(key, String(value))}>${String(value)}</button>`
                      }
                    </td>
                    <td class="num">${g.count}</td>
                  </tr>`;
                }),
              })}
            </div>`
          : nothing,
    });
  }
}

/** The API's query for the filters: the datetime-local inputs' local times as instants. */
function apiQuery(filters: Filters) {
  return {
    ...filters,
    from: filters.from ? new Date(filters.from).toISOString() : undefined,
    to: filters.to ? new Date(filters.to).toISOString() : undefined,
  };
}
