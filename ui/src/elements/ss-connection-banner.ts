/** <ss-connection-banner>: shown while the sidecar cannot be reached; counts down to the next automatic retry. */
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api/client.js';
import { odooStyles } from '../styles.js';

@customElement('ss-connection-banner')
export class SsConnectionBanner extends LitElement {
  static override styles = [
    odooStyles,
    css`
      div {
        background: #fff3cd;
        color: #6b4a00;
        border-bottom: 1px solid #e9d38a;
        padding: 8px 16px;
        display: flex;
        gap: 12px;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ];

  @property({ attribute: false }) api!: ApiClient;
  @state() private seconds = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private deadline = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.deadline = Date.now() + this.api.nextRecheckMs;
    this.timer = setInterval(() => {
      if (Date.now() > this.deadline) this.deadline = Date.now() + this.api.nextRecheckMs;
      this.seconds = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000));
    }, 250);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    return html`<div role="alert">
      <strong>Connection lost.</strong>
      <span
        >The Sync Studio server does not answer; retrying${this.seconds ? ` in ${this.seconds} s` : ''}. Unsaved changes stay on this
        page.</span
      >
      <button class="btn" @click=${() => void this.api.recheck()}>Retry now</button>
    </div>`;
  }
}
