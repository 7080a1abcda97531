/** <ss-link-list>: the Links view — filters (relation, system, reference, model, Odoo or external), paging, delete. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { Link, Page } from '../api/types.js';
import { when } from '../format.js';
import { ViewBase } from './view-base.js';
import { confirmAction } from './ss-dialog.js';
import './ss-control-panel.js';
import './ss-pager.js';

const LIMIT = 50;

@customElement('ss-link-list')
export class SsLinkList extends ViewBase {
  @state() private filters: Record<string, string> = {};
  @state() private cursors: readonly string[] = [];

  private readonly links = new LitTask(this, {
    task: ([filters, cursors]) => this.api.get<Page<Link>>('/links', { ...filters, cursor: cursors.at(-1), limit: LIMIT }),
    args: () => [this.filters, this.cursors] as const,
  });

  private set(key: string, value: string): void {
    const next = { ...this.filters };
    if (value) next[key] = value;
    else delete next[key];
    this.filters = next;
    this.cursors = [];
  }

  override render() {
    const text = (key: string, label: string) =>
      html`<input
        type="search"
        aria-label=${label}
        placeholder=${label}
        @change=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value)}
      />`;
    return html`<ss-control-panel .crumbs=${[{ label: 'Links' }]}>
        <span slot="side">
          ${text('relation', 'Relation')} ${text('ref', 'Reference')} ${text('system', 'System')} ${text('model', 'Model')}
          <select aria-label="Kind of link" @change=${(e: Event) => this.set('odoo', (e.target as HTMLSelectElement).value)}>
            <option value="">All links</option>
            <option value="true">Odoo links</option>
            <option value="false">External links</option>
          </select>
          <ss-pager
            .cursors=${this.cursors}
            .next=${this.links.value?.next_cursor ?? null}
            .limit=${LIMIT}
            .total=${this.links.value?.total ?? 0}
            @ss-page=${(e: CustomEvent<readonly string[]>) => (this.cursors = e.detail)}
          ></ss-pager>
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.links.render({
          pending: () => html`<p role="status">Loading…</p>`,
          error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
          complete: (page) =>
            page.items.length === 0
              ? html`<p class="muted">No link matches.</p>`
              : html`<div class="list-wrap">
                  <table class="o-list" aria-label="Links">
                    <thead>
                      <tr>
                        <th scope="col">Relation</th>
                        <th scope="col">System 1</th>
                        <th scope="col">Ref 1</th>
                        <th scope="col">System 2</th>
                        <th scope="col">Ref 2</th>
                        <th scope="col">Model</th>
                        <th scope="col">Date</th>
                        <th scope="col"><span class="visually-hidden">Actions</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      ${page.items.map(
                        (l) =>
                          html`<tr>
                            <td>${l.relation}</td>
                            <td>${l.system1}</td>
                            <td>${l.ref1}</td>
                            <td>${l.system2}</td>
                            <td>${l.ref2}</td>
                            <td>${l.model ?? ''}</td>
                            <td>${when(l.date)}</td>
                            <td>
                              ${this.can('developer') ? html`<button class="btn btn-link" aria-label="Delete link ${l.id}" @click=${() => void this.deleteRow(l)}>Delete</button>` : nothing}
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`,
        })}
      </div>`;
  }

  private async deleteRow(link: Link): Promise<void> {
    if (!(await confirmAction(this.renderRoot, 'Delete link', `Delete the link ${link.ref1} ↔ ${link.ref2} (${link.relation})?`, 'Delete')))
      return;
    if (await this.attempt(() => this.api.delete(`/links/${link.id}`))) void this.links.run();
  }
}
