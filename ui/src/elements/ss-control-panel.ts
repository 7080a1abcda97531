/**
 * <ss-control-panel>: Odoo's control panel — breadcrumbs on the left, the view's buttons below
 * them (slot "buttons"), search and pager on the right (slot "side").
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { odooStyles } from '../styles.js';
import type { Router } from '../router.js';
import { consume } from '@lit/context';
import { routerContext } from '../api/context.js';

export interface Crumb {
  label: string;
  path?: string;
}

@customElement('ss-control-panel')
export class SsControlPanel extends LitElement {
  static override styles = [
    odooStyles,
    css`
      :host {
        display: block;
        background: #fff;
        border-bottom: 1px solid var(--o-border);
        padding: 10px 16px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
        justify-content: space-between;
      }
      ol {
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        margin: 0 0 8px;
        padding: 0;
        font-size: 18px;
      }
      li + li::before {
        content: '/';
        color: var(--o-muted);
        padding: 0 8px;
      }
      li[aria-current] {
        color: var(--o-text);
      }
      .buttons,
      .side {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
      }
    `,
  ];

  @consume({ context: routerContext }) router!: Router;
  @property({ attribute: false }) crumbs: Crumb[] = [];

  override render() {
    return html`<nav aria-label="Breadcrumb">
        <ol>
          ${this.crumbs.map((crumb, i) =>
            i === this.crumbs.length - 1 || !crumb.path
              ? html`<li aria-current=${i === this.crumbs.length - 1 ? 'page' : nothing}>${crumb.label}</li>`
              : html`<li>
                  <a
                    href=${this.router.href(crumb.path)}
                    @click=${(e: MouseEvent) => {
                      e.preventDefault();
                      this.router.navigate(crumb.path!);
                    }}
                    >${crumb.label}</a
                  >
                </li>`,
          )}
        </ol>
      </nav>
      <div class="row">
        <div class="buttons"><slot name="buttons"></slot></div>
        <div class="side"><slot name="side"></slot></div>
      </div>`;
  }
}
