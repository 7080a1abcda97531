/** <ss-sign-in>: the sign-in screen — why the user is here, and a field to paste a token. */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { odooStyles } from '../styles.js';

@customElement('ss-sign-in')
export class SsSignIn extends LitElement {
  static override styles = [
    odooStyles,
    css`
      .card {
        max-width: 460px;
        margin: 80px auto;
        background: #fff;
        border: 1px solid var(--o-border);
        padding: 24px 28px;
        box-shadow: 0 5px 20px -15px rgba(0, 0, 0, 0.3);
      }
      .reason {
        background: #f8d7da;
        color: #721c24;
        padding: 8px 12px;
        border-radius: 4px;
        margin-bottom: 12px;
      }
      input {
        width: 100%;
        margin: 6px 0 12px;
      }
    `,
  ];

  @property() reason: string | undefined;
  /** Inside Odoo the host supplies tokens: there is nothing to paste, only to reload. */
  @property({ type: Boolean }) embedded = false;
  @state() private token = '';

  override render() {
    return html`<main class="card">
      <h1>Sync Studio</h1>
      ${this.reason ? html`<p class="reason" role="alert">${this.reason}</p>` : nothing}
      ${
        this.embedded
          ? html`<p>Reload the page to get a new panel token from Odoo.</p>`
          : html`<form @submit=${this.submit}>
              <p class="muted">
                Open the panel URL that <code>npm start</code> printed, or paste an administrator token or a panel token minted by Odoo.
              </p>
              <label for="token">Token</label>
              <input
                id="token"
                type="password"
                autocomplete="off"
                .value=${this.token}
                @input=${(e: Event) => (this.token = (e.target as HTMLInputElement).value)}
              />
              <button class="btn btn-primary" type="submit" ?disabled=${this.token.trim() === ''}>Sign in</button>
            </form>`
      }
    </main>`;
  }

  private submit(event: Event): void {
    event.preventDefault();
    this.dispatchEvent(new CustomEvent('ss-sign-in', { detail: this.token.trim() }));
  }
}
