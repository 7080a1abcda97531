/**
 * <ss-job-list>: the Jobs view — top-level jobs newest first, paged by the server, filtered by
 * state, trigger kind, project and task; sub-jobs open as a tree; failed jobs can be requeued.
 */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { jobStates, triggerKinds, type Job, type Page } from '../api/types.js';
import { duration, when } from '../format.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList } from '../lists/server-list.js';
import { stateClass, stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-job-tree.js';

@customElement('ss-job-list')
export class SsJobList extends ViewBase {
  @property({ attribute: false }) query = new URLSearchParams();
  @state() private open = new Set<number>();

  private readonly jobs = new ServerList<Job>(this, {
    load: (filters, page) =>
      this.api.get<Page<Job>>('/jobs', {
        top_level: 'true',
        ...filters,
        project_id: this.query.get('project_id'),
        task_id: this.query.get('task_id'),
        ...page,
      }),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.jobs.set('state', this.query.get('state') ?? '');
  }

  override render() {
    const scope = this.query.get('project_id')
      ? ` of project ${this.query.get('project_id')}`
      : this.query.get('task_id')
        ? ` of task ${this.query.get('task_id')}`
        : '';
    return html`<ss-control-panel .crumbs=${[{ label: `Jobs${scope}` }]}>
        <span slot="buttons">
          <button class="btn" @click=${() => this.jobs.reload()}>Refresh</button>
          ${scope ? this.link('/jobs', 'All jobs') : nothing}
        </span>
        <span slot="side">
          <select aria-label="State" @change=${(e: Event) => this.jobs.set('state', (e.target as HTMLSelectElement).value)}>
            <option value="">Any state</option>
            ${jobStates.map((s) => html`<option value=${s} ?selected=${this.jobs.filters.state === s}>${stateLabels[s]}</option>`)}
          </select>
          <select aria-label="Trigger kind" @change=${(e: Event) => this.jobs.set('trigger_kind', (e.target as HTMLSelectElement).value)}>
            <option value="">Any trigger</option>
            ${triggerKinds.map((k) => html`<option value=${k}>${k === 'button' ? 'manual' : k}</option>`)}
          </select>
          ${this.jobs.pager()}
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.jobs.render({ empty: 'No job matches.', rows: (jobs) => this.table(jobs), keepWhileLoading: true })}
      </div>`;
  }

  private table(jobs: Job[]) {
    return listTable({
      label: 'Jobs',
      columns: [
        'Job',
        'Trigger',
        'State',
        'Started',
        { label: 'Duration', numeric: true },
        { label: 'Starts', numeric: true },
        'Next retry',
        'Sub-jobs',
        actionsColumn,
      ],
      rows: jobs.map(
        (j) =>
          html`<tr>
              <td>${this.link(`/jobs/${j.id}`, `Job ${j.id}`)}</td>
              <td>${j.trigger_name} <span class="muted">${j.trigger_kind === 'button' ? 'manual' : j.trigger_kind}</span></td>
              <td><span class="badge ${stateClass(j.effective_state)}">${stateLabels[j.effective_state]}</span></td>
              <td>${when(j.started_at)}</td>
              <td class="num">${duration(j.duration_ms)}</td>
              <td class="num">${j.attempts} / ${j.max_retries}</td>
              <td>${when(j.retrying_at)}</td>
              <td>
                ${
                  j.sub_job_count
                    ? html`<button
                        class="btn btn-link"
                        aria-expanded=${this.open.has(j.id) ? 'true' : 'false'}
                        @click=${() => this.toggle(j.id)}
                      >
                        ${j.sub_job_count} sub-jobs
                      </button>`
                    : ''
                }
              </td>
              <td>
                ${j.state === 'failed' && this.can('developer') ? html`<button class="btn btn-link" aria-label="Requeue job ${j.id}" @click=${() => void this.requeue(j)}>Requeue</button>` : nothing}
              </td>
            </tr>
            ${
              this.open.has(j.id)
                ? html`<tr>
                    <td colspan="9"><ss-job-tree .jobs=${[j]}></ss-job-tree></td>
                  </tr>`
                : nothing
            }`,
      ),
    });
  }

  private toggle(id: number): void {
    const next = new Set(this.open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.open = next;
  }

  private async requeue(job: Job): Promise<void> {
    if (await this.attempt(() => this.api.post(`/jobs/${job.id}/requeue`))) {
      this.notify(`Job ${job.id} requeued.`, 'success');
      this.jobs.reload();
    }
  }
}
