/** <ss-webhook-journal>: a webhook's journaled requests, newest first, each with its job and a replay (developers). */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { Page, WebhookRequest, WebhookTrigger } from '../api/types.js';
import { prettyJson, when } from '../format.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';

@customElement('ss-webhook-journal')
export class SsWebhookJournal extends ViewBase {
  @property({ type: Number }) triggerId = 0;

  private readonly trigger = new LitTask(this, {
    task: ([id]) => this.api.get<WebhookTrigger>(`/triggers/webhook/${id}`),
    args: () => [this.triggerId] as const,
  });

  private readonly requests = new ServerList<WebhookRequest>(this, {
    load: (_, page) => this.api.get<Page<WebhookRequest>>(`/triggers/webhook/${this.triggerId}/requests`, page),
    args: () => [this.triggerId],
  });

  override render() {
    const t = this.trigger.value;
    return html`<ss-control-panel
        .crumbs=${[{ label: 'Projects', path: '/projects' }, ...(t ? [{ label: t.trigger_name, path: `/tasks/${t.task_id}` }] : []), { label: 'Webhook journal' }]}
      >
        <span slot="buttons"><button class="btn" @click=${() => this.requests.reload()}>Refresh</button></span>
        <span slot="side">${this.requests.pager()}</span>
      </ss-control-panel>
      <div class="content">
        ${this.requests.render({
          empty: 'No request received yet.',
          rows: (items) =>
            listTable({
              label: 'Webhook requests',
              columns: ['Received', 'Request', 'Body', 'Job', actionsColumn],
              rows: items.map(
                (r) =>
                  html`<tr>
                    <td>${when(r.received_at)}</td>
                    <td><code>${r.method}</code> ${r.remote_addr ?? ''}</td>
                    <td>
                      <pre>
${r.body_encoding === 'utf8' ? (prettyJson(r.body) ?? r.body).slice(0, 2000) : `(binary, ${r.body.length} base64 characters)`}</pre>
                    </td>
                    <td>${r.job_id ? this.link(`/jobs/${r.job_id}`, `Job ${r.job_id}`) : ''}</td>
                    <td>
                      ${this.can('developer') ? html`<button class="btn btn-link" aria-label="Replay request ${r.id}" @click=${() => void this.replay(r)}>Replay</button>` : nothing}
                    </td>
                  </tr>`,
              ),
            }),
        })}
      </div>`;
  }

  private async replay(request: WebhookRequest): Promise<void> {
    try {
      const answer = await this.api.post<{ jobId: number }>(`/webhook-requests/${request.id}/replay`, {});
      this.go(`/jobs/${answer.jobId}`);
      // Raised on the job's page (this view is replaced only at the next render), so it stays there.
      this.notify('Request replayed.', 'success');
    } catch (error) {
      this.failed(error);
    }
  }
}
