/** <ss-webhook-journal>: a webhook's journaled requests, newest first, each with its job and a replay (developers). */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { Page, WebhookRequest, WebhookTrigger } from '../api/types.js';
import { prettyJson, when } from '../format.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-pager.js';

const LIMIT = 50;

@customElement('ss-webhook-journal')
export class SsWebhookJournal extends ViewBase {
  @property({ type: Number }) triggerId = 0;
  @state() private cursors: readonly string[] = [];

  private readonly trigger = new LitTask(this, {
    task: ([id]) => this.api.get<WebhookTrigger>(`/triggers/webhook/${id}`),
    args: () => [this.triggerId] as const,
  });

  private readonly requests = new LitTask(this, {
    task: ([id, cursors]) =>
      this.api.get<Page<WebhookRequest>>(`/triggers/webhook/${id}/requests`, { cursor: cursors.at(-1), limit: LIMIT }),
    args: () => [this.triggerId, this.cursors] as const,
  });

  override render() {
    const t = this.trigger.value;
    return html`<ss-control-panel
        .crumbs=${[{ label: 'Projects', path: '/projects' }, ...(t ? [{ label: t.trigger_name, path: `/tasks/${t.task_id}` }] : []), { label: 'Webhook journal' }]}
      >
        <span slot="buttons"><button class="btn" @click=${() => void this.requests.run()}>Refresh</button></span>
        <span slot="side">
          <ss-pager
            .cursors=${this.cursors}
            .next=${this.requests.value?.next_cursor ?? null}
            .limit=${LIMIT}
            .total=${this.requests.value?.total ?? 0}
            @ss-page=${(e: CustomEvent<readonly string[]>) => (this.cursors = e.detail)}
          ></ss-pager>
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.requests.render({
          pending: () => html`<p role="status">Loading…</p>`,
          error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
          complete: (page) =>
            page.items.length === 0
              ? html`<p class="muted">No request received yet.</p>`
              : html`<div class="list-wrap">
                  <table class="o-list" aria-label="Webhook requests">
                    <thead>
                      <tr>
                        <th scope="col">Received</th>
                        <th scope="col">Request</th>
                        <th scope="col">Body</th>
                        <th scope="col">Job</th>
                        <th scope="col"><span class="visually-hidden">Actions</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      ${page.items.map(
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
                      )}
                    </tbody>
                  </table>
                </div>`,
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
