/**
 * <ss-pager>: Odoo's pager ("1-50 / 10000" with previous/next). It shows what the list tells it and
 * asks the list for the previous or next page (`ss-page`); the list asks the server for one page.
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { odooStyles } from '../styles.js';

@customElement('ss-pager')
export class SsPager extends LitElement {
  static override styles = [
    odooStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        white-space: nowrap;
      }
    `,
  ];
  /** 1-based positions of the first and last rows shown (0 when none). */
  @property({ type: Number }) first = 0;
  @property({ type: Number }) last = 0;
  @property({ type: Number }) total = 0;
  @property({ type: Boolean }) hasPrevious = false;
  @property({ type: Boolean }) hasNext = false;

  override render() {
    return html`<span class="muted" aria-live="polite">${this.first}-${this.last} / ${this.total}</span>
      <button class="btn" aria-label="Previous page" ?disabled=${!this.hasPrevious} @click=${() => this.move('previous')}>‹</button>
      <button class="btn" aria-label="Next page" ?disabled=${!this.hasNext} @click=${() => this.move('next')}>›</button>`;
  }

  private move(direction: 'previous' | 'next'): void {
    this.dispatchEvent(new CustomEvent('ss-page', { detail: direction }));
  }
}
