/** <ss-link-list>: the Links view — filters (relation, system, reference, model, Odoo or external), paging, delete. */
import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { Link, Page } from '../api/types.js';
import { when } from '../format.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';
import { confirmAction } from './ss-dialog.js';
import './ss-control-panel.js';

@customElement('ss-link-list')
export class SsLinkList extends ViewBase {
  private readonly links = new ServerList<Link>(this, {
    load: (filters, page) => this.api.get<Page<Link>>('/links', { ...filters, ...page }),
  });

  override render() {
    const text = (key: string, label: string) =>
      html`<input
        type="search"
        aria-label=${label}
        placeholder=${label}
        @change=${(e: Event) => this.links.set(key, (e.target as HTMLInputElement).value)}
      />`;
    return html`<ss-control-panel .crumbs=${[{ label: 'Links' }]}>
        <span slot="side">
          ${text('relation', 'Relation')} ${text('ref', 'Reference')} ${text('system', 'System')} ${text('model', 'Model')}
          <select aria-label="Kind of link" @change=${(e: Event) => this.links.set('odoo', (e.target as HTMLSelectElement).value)}>
            <option value="">All links</option>
            <option value="true">Odoo links</option>
            <option value="false">External links</option>
          </select>
          ${this.links.pager()}
        </span>
      </ss-control-panel>
      <div class="content">
        ${this.links.render({
          empty: 'No link matches.',
          rows: (items) =>
            listTable({
              label: 'Links',
              columns: ['Relation', 'System 1', 'Ref 1', 'System 2', 'Ref 2', 'Model', 'Date', actionsColumn],
              rows: items.map(
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
              ),
            }),
        })}
      </div>`;
  }

  private async deleteRow(link: Link): Promise<void> {
    if (!(await confirmAction(this.renderRoot, 'Delete link', `Delete the link ${link.ref1} ↔ ${link.ref2} (${link.relation})?`, 'Delete')))
      return;
    if (await this.attempt(() => this.api.delete(`/links/${link.id}`))) this.links.reload();
  }
}
