/**
 * <ss-job-list>: the Jobs view — top-level jobs newest first, paged by the server, filtered by
 * state, trigger kind, project and task; sub-jobs open as a tree; failed jobs can be requeued.
 */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import { jobStates, triggerKinds, type Job, type Page } from '../api/types.js';
import { duration, when } from '../format.js';
import { stateClass, stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-pager.js';
import './ss-job-tree.js';

const LIMIT = 50;

@customElement('ss-job-list')
export class SsJobList extends ViewBase {
  @property({ attribute: false }) query = new URLSearchParams();
  @state() private stateFilter = '';
  @state() private kindFilter = '';
  @state() private cursors: readonly string[] = [];
  @state() private open = new Set<number>();

  override connectedCallback(): void {
    super.connectedCallback();
    this.stateFilter = this.query.get('state') ?? '';
  }

  private readonly jobs = new LitTask(this, {
    task: ([stateFilter, kind, cursors]) =>
      this.api.get<Page<Job>>('/jobs', {
        top_level: 'true',
        state: stateFilter,
        trigger_kind: kind,
        project_id: this.query.get('project_id'),
        task_id: this.query.get('task_id'),
        cursor: cursors.at(-1),
        limit: LIMIT,
      }),
    args: () => [this.stateFilter, this.kindFilter, this.cursors] as const,
  });

  override render() {
    const scope = this.query.get('project_id')
      ? ` of project ${this.query.get('project_id')}`
      : this.query.get('task_id')
        ? ` of task ${this.query.get('task_id')}`
        : '';
    return html`<ss-control-panel .crumbs=${[{ label: `Jobs${scope}` }]}>
        <span slot="buttons">
          <button class="btn" @click=${() => void this.jobs.run()}>Refresh</button>
          ${scope ? this.link('/jobs', 'All jobs') : nothing}
        </span>
        <span slot="side">
          <select aria-label="State" @change=${(e: Event) => this.setFilter('state', (e.target as HTMLSelectElement).value)}>
            <option value="">Any state</option>
            ${jobStates.map((s) => html`<option value=${s} ?selected=${this.stateFilter === s}>${stateLabels[s]}</option>`)}
          </select>
          <select aria-label="Trigger kind" @change=${(e: Event) => this.setFilter('kind', (e.target as HTMLSelectElement).value)}>
            <option value="">Any trigger</option>
            ${triggerKinds.map((k) => html`<option value=${k}>${k === 'button' ? 'manual' : k}</option>`)}
          </select>
          <ss-pager
            .cursors=${this.cursors}
            .next=${this.jobs.value?.next_cursor ?? null}
            .limit=${LIMIT}
            .total=${this.jobs.value?.total ?? 0}
            @ss-page=${(e: CustomEvent<readonly string[]>) => (this.cursors = e.detail)}
          ></ss-pager>
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.jobs.render({
          pending: () => (this.jobs.value ? this.table(this.jobs.value.items) : html`<p role="status">Loading…</p>`),
          error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
          complete: (page) => this.table(page.items),
        })}
      </div>`;
  }

  private setFilter(which: 'state' | 'kind', value: string): void {
    if (which === 'state') this.stateFilter = value;
    else this.kindFilter = value;
    this.cursors = [];
  }

  private table(jobs: Job[]) {
    if (jobs.length === 0) return html`<p class="muted">No job matches.</p>`;
    return html`<div class="list-wrap">
      <table class="o-list" aria-label="Jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Trigger</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col" class="num">Duration</th>
            <th scope="col" class="num">Starts</th>
            <th scope="col">Next retry</th>
            <th scope="col">Sub-jobs</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${jobs.map(
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
          )}
        </tbody>
      </table>
    </div>`;
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
      void this.jobs.run();
    }
  }
}
