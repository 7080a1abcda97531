/**
 * <ss-job-form>: one job — Odoo's state bar, trigger, times, attempts and next retry, its error and
 * result, requeue of a failed job (developers), its sub-jobs, and its log lines following live
 * while the job runs.
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { JobWithSubJobs, LogLine } from '../api/types.js';
import { duration, when } from '../format.js';
import { stateClass, stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-log-line.js';
import './ss-job-tree.js';

const statebar = ['pending', 'started', 'done'] as const;

@customElement('ss-job-form')
export class SsJobForm extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .statebar {
        display: flex;
        justify-content: flex-end;
        gap: 0;
        margin-bottom: 12px;
        flex-wrap: wrap;
      }
      .statebar span {
        padding: 4px 12px;
        border: 1px solid var(--o-border);
        margin-left: -1px;
        color: var(--o-muted);
        background: #fff;
      }
      .statebar span[aria-current] {
        background: var(--o-brand);
        color: #fff;
        border-color: var(--o-brand);
      }
      .error {
        background: #fdf2f2;
        border-left: 4px solid var(--o-danger);
        padding: 8px;
      }
      .logs {
        border: 1px solid var(--o-border);
      }
    `,
  ];

  @property({ type: Number }) jobId = 0;
  @state() private lines: LogLine[] = [];
  @state() private live = false;
  private stop: (() => void) | undefined;

  private readonly job = new LitTask(this, {
    task: ([id]) => this.api.get<JobWithSubJobs>(`/jobs/${id}`),
    args: () => [this.jobId] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop?.();
  }

  /** Loads the lines written so far and the ones to come, then refreshes the job when it ends. */
  private follow(): void {
    this.stop?.();
    this.lines = [];
    this.live = true;
    this.stop = this.api.followLog(this.jobId, {
      line: (line) => (this.lines = [...this.lines, line]),
      end: () => {
        this.live = false;
        void this.job.run();
      },
    });
  }

  override render() {
    return this.job.render({
      pending: () => (this.job.value ? this.form(this.job.value) : html`<p class="content" role="status">Loading…</p>`),
      error: (e) => html`<p class="content" role="alert">${(e as Error).message}</p>`,
      complete: (job) => this.form(job),
    });
  }

  private form(job: JobWithSubJobs) {
    const current = job.effective_state;
    return html`<ss-control-panel .crumbs=${[{ label: 'Jobs', path: '/jobs' }, { label: `Job ${job.id}` }]}>
        <span slot="buttons">
          ${job.state === 'failed' && this.can('developer') ? html`<button class="btn btn-primary" @click=${() => void this.requeue(job)}>Requeue</button>` : nothing}
          ${this.link(`/projects/${job.project_id}/tasks`, 'Project')} · ${this.link(`/tasks/${job.task_id}`, 'Task')} ·
          ${this.link(`/logs?job_id=${job.id}`, 'Logs')}
        </span>
      </ss-control-panel>
      <div class="sheet">
        <div class="statebar" aria-label="Job state">
          ${[...statebar, ...(current === 'failed' || current === 'done_warning' ? [current] : [])].map(
            (s) => html`<span aria-current=${s === current ? 'step' : nothing}>${stateLabels[s]}</span>`,
          )}
        </div>
        <h1>
          ${job.trigger_name}
          <span class="badge ${stateClass(job.effective_state)}" id="job-state">${stateLabels[job.effective_state]}</span>
        </h1>
        <div class="form-grid">
          <span class="label">Trigger</span
          ><span>${job.trigger_kind === 'button' ? 'manual' : (job.trigger_kind ?? 'sub-job')} · ${job.function}</span>
          ${job.parent_job_id ? html`<span class="label">Parent job</span><span>${this.link(`/jobs/${job.parent_job_id}`, `Job ${job.parent_job_id}`)}</span>` : nothing}
          <span class="label">Started</span><span>${when(job.started_at) || 'not yet'}</span> <span class="label">Finished</span
          ><span>${when(job.finished_at)}</span> <span class="label">Duration</span
          ><span
            >${job.started_at && job.finished_at ? duration(new Date(job.finished_at).getTime() - new Date(job.started_at).getTime()) : ''}</span
          >
          <span class="label">Starts</span
          ><span>${job.attempts} / ${job.max_retries} <span class="muted">(only RetryableJobError restarts a job)</span></span>
          ${job.retrying_at ? html`<span class="label">Next retry</span><span>${when(job.retrying_at)}</span>` : nothing}
        </div>
        ${
          job.error
            ? html`<h2 class="section-title">Error</h2>
                <pre class="error">${job.error}</pre>`
            : nothing
        }
        ${
          job.result !== null && job.result !== undefined
            ? html`<h2 class="section-title">Result</h2>
                <pre>${JSON.stringify(job.result, null, 2)}</pre>`
            : nothing
        }
        ${
          job.sub_jobs.length
            ? html`<h2 class="section-title">Sub-jobs</h2>
                <ss-job-tree .jobs=${job.sub_jobs}></ss-job-tree>`
            : nothing
        }
        <h2 class="section-title">Logs ${this.live ? html`<span class="badge info" role="status">live</span>` : nothing}</h2>
        <div class="logs" aria-live="polite" aria-label="Log lines">
          ${this.lines.length === 0 ? html`<p class="muted content">No log line yet.</p>` : this.lines.map((l) => html`<ss-log-line .line=${l}></ss-log-line>`)}
        </div>
      </div>`;
  }

  private async requeue(job: JobWithSubJobs): Promise<void> {
    if (await this.attempt(() => this.api.post(`/jobs/${job.id}/requeue`))) {
      this.notify(`Job ${job.id} requeued.`, 'success');
      await this.job.run();
      this.follow();
    }
  }
}
