/**
 * <ss-pager>: Odoo's pager ("1-50 / 10000" with previous/next). Lists page by key: the list keeps
 * the cursors that led to the page it shows (`cursors`, empty on the first page) and asks the server
 * for the page after the last one; `next` is the server's `next_cursor` (null on the last page).
 */
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { odooStyles } from '../styles.js';

@customElement('ss-pager')
export class SsPager extends LitElement {
  static override styles = [odooStyles];
  @property({ attribute: false }) cursors: readonly string[] = [];
  @property({ attribute: false }) next: string | null = null;
  @property({ type: Number }) limit = 50;
  @property({ type: Number }) total = 0;

  override render() {
    const start = this.cursors.length * this.limit;
    const first = this.total === 0 ? 0 : start + 1;
    const last = Math.min(start + this.limit, this.total);
    return html`<span class="muted" aria-live="polite">${first}-${last} / ${this.total}</span>
      <button class="btn" aria-label="Previous page" ?disabled=${this.cursors.length === 0} @click=${() => this.move(-1)}>‹</button>
      <button class="btn" aria-label="Next page" ?disabled=${this.next === null} @click=${() => this.move(1)}>›</button>`;
  }

  /** Announces the cursors of the page to show: one more to go forward, one fewer to go back. */
  private move(direction: 1 | -1): void {
    const cursors = direction === 1 && this.next !== null ? [...this.cursors, this.next] : this.cursors.slice(0, -1);
    this.dispatchEvent(new CustomEvent('ss-page', { detail: cursors }));
  }
}
