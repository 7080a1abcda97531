/**
 * <ss-dialog>: an Odoo-style modal on the native <dialog> (focus trapped, Escape closes it).
 * `confirmAction(host, …)` asks a yes/no question with one and resolves the answer.
 */
import { css, html, LitElement } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { odooStyles } from '../styles.js';

@customElement('ss-dialog')
export class SsDialog extends LitElement {
  static override styles = [
    odooStyles,
    css`
      dialog {
        border: none;
        border-radius: 4px;
        padding: 0;
        width: min(760px, 94vw);
        box-shadow: 0 10px 40px rgba(0, 0, 0, 0.35);
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.45);
      }
      header {
        display: flex;
        justify-content: space-between;
        align-items: center;
        padding: 12px 16px;
        border-bottom: 1px solid var(--o-border);
      }
      header h2 {
        margin: 0;
        font-size: 18px;
      }
      .body {
        padding: 16px;
        max-height: 70vh;
        overflow: auto;
      }
      footer {
        display: flex;
        gap: 8px;
        padding: 12px 16px;
        border-top: 1px solid var(--o-border);
      }
    `,
  ];

  @property() heading = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  async open(): Promise<void> {
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.toggleAttribute('open', true);
  }

  close(): void {
    this.dialog.close();
  }

  override render() {
    return html`<dialog
      aria-labelledby="title"
      @close=${() => {
        this.toggleAttribute('open', false);
        this.dispatchEvent(new Event('ss-close'));
      }}
    >
      <header>
        <h2 id="title">${this.heading}</h2>
        <button class="btn btn-link" aria-label="Close" @click=${() => this.close()}>×</button>
      </header>
      <div class="body"><slot></slot></div>
      <footer><slot name="footer"></slot></footer>
    </dialog>`;
  }
}

/** Asks for confirmation in a modal; resolves true when the user confirms. */
export function confirmAction(host: Node, heading: string, message: string, confirmLabel = 'Confirm'): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = document.createElement('ss-dialog');
    dialog.heading = heading;
    let answer = false;
    const text = document.createElement('p');
    text.textContent = message;
    const yes = Object.assign(document.createElement('button'), {
      textContent: confirmLabel,
      className: 'btn btn-primary',
      slot: 'footer',
    });
    const no = Object.assign(document.createElement('button'), { textContent: 'Cancel', className: 'btn', slot: 'footer' });
    yes.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    no.addEventListener('click', () => dialog.close());
    dialog.append(text, yes, no);
    dialog.addEventListener('ss-close', () => {
      dialog.remove();
      resolve(answer);
    });
    host.appendChild(dialog);
    void dialog.open();
  });
}

declare global {
  interface HTMLElementTagNameMap {
    'ss-dialog': SsDialog;
  }
}
