/**
 * <ss-notifications>: Odoo-style notifications in the top right corner, announced to screen readers.
 * A notification raised by a page ("Task saved.") belongs to it and goes when the user leaves it;
 * one about the whole panel (the connection is back) stays until it times out.
 */
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { odooStyles } from '../styles.js';

interface Note {
  id: number;
  message: string;
  kind: 'danger' | 'success' | 'info';
  /** The path of the page it belongs to; none: it is about the whole panel. */
  page: string | undefined;
}

const LIFETIME_MS = { danger: 12000, success: 4000, info: 6000 };

@customElement('ss-notifications')
export class SsNotifications extends LitElement {
  static override styles = [
    odooStyles,
    css`
      :host {
        position: fixed;
        top: 56px;
        right: 12px;
        z-index: 1000;
        display: flex;
        flex-direction: column;
        gap: 8px;
        max-width: min(420px, 90vw);
      }
      .note {
        background: #fff;
        border-left: 4px solid var(--o-info);
        box-shadow: 0 4px 12px rgba(0, 0, 0, 0.2);
        padding: 10px 32px 10px 12px;
        position: relative;
        word-break: break-word;
      }
      .note.danger {
        border-color: var(--o-danger);
      }
      .note.success {
        border-color: var(--o-success);
      }
      .note button {
        position: absolute;
        top: 4px;
        right: 4px;
      }
    `,
  ];

  @state() private notes: Note[] = [];
  private nextId = 1;

  show(message: string, kind: Note['kind'], page?: string): void {
    const note = { id: this.nextId++, message, kind, page };
    this.notes = [...this.notes, note];
    setTimeout(() => this.dismiss(note.id), LIFETIME_MS[kind]);
  }

  /** The user is on another page now: the notifications of the pages left go. */
  pageChanged(path: string): void {
    this.notes = this.notes.filter((n) => n.page === undefined || n.page === path);
  }

  private dismiss(id: number): void {
    this.notes = this.notes.filter((n) => n.id !== id);
  }

  override render() {
    return html`<div role="status" aria-live="polite">
      ${repeat(
        this.notes,
        (n) => n.id,
        (n) =>
          html`<div class="note ${n.kind}" role=${n.kind === 'danger' ? 'alert' : 'status'}>
            ${n.message}<button class="btn btn-link" aria-label="Dismiss" @click=${() => this.dismiss(n.id)}>×</button>
          </div>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ss-notifications': SsNotifications;
  }
}
