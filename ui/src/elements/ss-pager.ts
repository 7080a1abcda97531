/** <ss-pager>: Odoo's pager ("1-50 / 10000" with previous/next); the list asks the server for one page. */
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { odooStyles } from '../styles.js';

@customElement('ss-pager')
export class SsPager extends LitElement {
  static override styles = [odooStyles];
  @property({ type: Number }) offset = 0;
  @property({ type: Number }) limit = 50;
  @property({ type: Number }) total = 0;

  override render() {
    const first = this.total === 0 ? 0 : this.offset + 1;
    const last = Math.min(this.offset + this.limit, this.total);
    return html`<span class="muted" aria-live="polite">${first}-${last} / ${this.total}</span>
      <button class="btn" aria-label="Previous page" ?disabled=${this.offset === 0} @click=${() => this.move(-1)}>‹</button>
      <button class="btn" aria-label="Next page" ?disabled=${last >= this.total} @click=${() => this.move(1)}>›</button>`;
  }

  private move(direction: number): void {
    const offset = Math.max(0, this.offset + direction * this.limit);
    this.dispatchEvent(new CustomEvent('ss-page', { detail: offset }));
  }
}
