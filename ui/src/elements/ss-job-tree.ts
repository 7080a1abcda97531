/** <ss-job-tree>: jobs with their sub-jobs as an expandable tree (sub-jobs fetched when opened). */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Job, Page } from '../api/types.js';
import { duration, when } from '../format.js';
import { stateClass, stateLabels } from '../styles.js';
import { ViewBase } from './view-base.js';

@customElement('ss-job-tree')
export class SsJobTree extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding-left: 18px;
      }
      li {
        padding: 3px 0;
      }
    `,
  ];

  @property({ attribute: false }) jobs: Job[] = [];
  @state() private subJobs = new Map<number, Job[]>();

  override render() {
    return html`<ul role="tree">
      ${this.jobs.map((job) => {
        const kids = this.subJobs.get(job.id);
        const count = job.sub_job_count ?? 0;
        return html`<li role="treeitem" aria-expanded=${count ? (kids ? 'true' : 'false') : nothing}>
          ${
            count
              ? html`<button
                  class="btn btn-link"
                  aria-label="${kids ? 'Hide' : 'Show'} the ${count} sub-jobs of job ${job.id}"
                  @click=${() => void this.toggle(job)}
                >
                  ${kids ? '▾' : '▸'}
                </button>`
              : nothing
          }
          ${this.link(`/jobs/${job.id}`, `Job ${job.id}`)}
          <span class="badge ${stateClass(job.effective_state)}">${stateLabels[job.effective_state]}</span>
          ${job.description ?? job.function} <span class="muted">${when(job.started_at)} ${duration(job.duration_ms)}</span>
          ${kids ? html`<ss-job-tree .jobs=${kids}></ss-job-tree>` : nothing}
        </li>`;
      })}
    </ul>`;
  }

  private async toggle(job: Job): Promise<void> {
    const next = new Map(this.subJobs);
    if (next.has(job.id)) next.delete(job.id);
    else {
      try {
        next.set(job.id, (await this.api.get<Page<Job>>('/jobs', { parent_job_id: job.id, limit: 200 })).items);
      } catch (error) {
        this.failed(error);
        return;
      }
    }
    this.subJobs = next;
  }
}
