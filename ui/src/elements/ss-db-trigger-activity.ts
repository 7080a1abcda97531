/**
 * <ss-db-trigger-activity>: what a DB trigger has seen and done — the latest changes captured on
 * its model's table (shared by every DB trigger of that model: created, updated with the watched
 * columns that changed, deleted; waiting or taken by the sidecar) and the latest jobs it started,
 * with their records. Where a user looks first when a handler did not run.
 */
import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { DbTrigger, DbTriggerActivity } from '../api/types.js';
import { when } from '../format.js';
import { listTable } from '../lists/list-table.js';
import { stateClass, stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';

type CapturedChange = DbTriggerActivity['events'][number];
type StartedJob = DbTriggerActivity['jobs'][number];

const operations: Record<string, string> = { INSERT: 'Created', UPDATE: 'Updated', DELETE: 'Deleted' };

/** "3 records: 7, 8, 9" — the ids the API gives (the first 100) and how many there were. */
function records(count: number, ids: readonly number[] | null): string {
  const shown = (ids ?? []).slice(0, 10).join(', ');
  const more = count > 10 ? ', …' : '';
  return `${count} record${count === 1 ? '' : 's'}${shown ? `: ${shown}${more}` : ''}`;
}

@customElement('ss-db-trigger-activity')
export class SsDbTriggerActivity extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      h3 {
        font-size: 15px;
        margin-top: 14px;
      }
    `,
  ];

  @property({ type: Number }) triggerId = 0;

  private readonly trigger = new LitTask(this, {
    task: ([id]) => this.api.get<DbTrigger>(`/triggers/db/${id}`),
    args: () => [this.triggerId] as const,
  });

  private readonly activity = new LitTask(this, {
    task: ([id]) => this.api.get<DbTriggerActivity>(`/triggers/db/${id}/events`),
    args: () => [this.triggerId] as const,
  });

  override render() {
    const t = this.trigger.value;
    return html`<ss-control-panel
        .crumbs=${[{ label: 'Projects', path: '/projects' }, ...(t ? [{ label: t.trigger_name, path: `/tasks/${t.task_id}` }] : []), { label: 'DB trigger activity' }]}
      >
        <span slot="buttons"><button class="btn" @click=${() => void this.activity.run()}>Refresh</button></span>
      </ss-control-panel>
      <div class="content">
        ${t ? html`<p><code>${t.model}</code> ${t.kind.replace(/_/g, ' ')} · ${t.active ? 'enabled' : html`<strong>disabled</strong>: no change is captured for it`}</p>` : nothing}
        ${this.activity.render({
          pending: () => (this.activity.value ? this.sections(this.activity.value) : html`<p role="status">Loading…</p>`),
          error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
          complete: (activity) => this.sections(activity),
        })}
      </div>`;
  }

  private sections(activity: DbTriggerActivity) {
    return html`<h3 id="changes-title">Changes captured on <code>${activity.table}</code></h3>
      <p class="muted">
        The latest 20, shared by every DB trigger of this model. An update is captured when a field they watch changed value (any update,
        when one of them watches no field).
      </p>
      ${this.changes(activity.events)}
      <h3 id="jobs-title">Jobs started</h3>
      ${this.jobs(activity.jobs)}`;
  }

  private changes(events: CapturedChange[]) {
    if (events.length === 0) return html`<p class="muted">No change captured yet.</p>`;
    return listTable({
      labelledBy: 'changes-title',
      columns: ['Captured', 'Change', 'Records', 'Fields changed', 'Status'],
      rows: events.map(
        (e) =>
          html`<tr>
            <td>${when(e.created_at)}</td>
            <td>${operations[e.operation] ?? e.operation}</td>
            <td>${records(e.record_count, e.ids)}</td>
            <td>${e.changed_columns?.length ? html`<code>${e.changed_columns.join(', ')}</code>` : ''}</td>
            <td>
              ${
                e.processed_at
                  ? html`<span class="badge success">Taken</span> <span class="muted">${when(e.processed_at)}</span>`
                  : html`<span class="badge info">Waiting</span>`
              }
            </td>
          </tr>`,
      ),
    });
  }

  private jobs(jobs: StartedJob[]) {
    if (jobs.length === 0) return html`<p class="muted">No job started yet.</p>`;
    return listTable({
      labelledBy: 'jobs-title',
      columns: ['Job', 'State', 'Records', 'Created', 'Finished'],
      rows: jobs.map(
        (j) =>
          html`<tr>
            <td>${this.link(`/jobs/${j.id}`, `Job ${j.id}`)}</td>
            <td><span class="badge ${stateClass(j.state)}">${stateLabels[j.state]}</span></td>
            <td>${records(j.record_count, j.record_ids)}</td>
            <td>${when(j.created_at)}</td>
            <td>${when(j.finished_at)}</td>
          </tr>`,
      ),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ss-db-trigger-activity': SsDbTriggerActivity;
  }
}
