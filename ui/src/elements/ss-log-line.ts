/**
 * <ss-log-line>: one log line — level badge, time, name and message; long messages fold behind a
 * "show all" toggle and data_in/data_out JSON is shown formatted.
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LogLine } from '../api/types.js';
import { prettyJson, when } from '../format.js';
import { ViewBase } from './view-base.js';

const FOLD_CHARS = 300;
const levelClass: Record<string, string> = { debug: '', info: 'info', warning: 'warning', error: 'danger', critical: 'danger' };

@customElement('ss-log-line')
export class SsLogLine extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      :host {
        display: block;
        border-top: 1px solid #eceef0;
        padding: 6px 8px;
        background: #fff;
      }
      .head {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
        align-items: baseline;
        font-size: 12.5px;
      }
      pre {
        margin-top: 4px;
      }
      pre.json {
        background: #f6f7f9;
        padding: 6px;
        border-radius: 3px;
      }
    `,
  ];

  @property({ attribute: false }) line!: LogLine;
  @property({ type: Boolean }) showJob = false;
  @state() private open = false;

  override render() {
    const l = this.line;
    const json = l.type === 'server' ? undefined : prettyJson(l.message);
    const text = json ?? l.message;
    const long = text.length > FOLD_CHARS || text.split('\n').length > 8;
    const shown = long && !this.open ? `${text.slice(0, FOLD_CHARS).split('\n').slice(0, 8).join('\n')}…` : text;
    return html`<div class="head">
        <span class="badge ${levelClass[l.level] ?? ''}">${l.level}</span>
        ${l.type !== 'server' ? html`<span class="badge">${l.type.replace('_', ' ')}</span>` : nothing}
        <span class="muted">${when(l.created_at)}</span>
        <strong>${l.name}</strong>
        ${this.showJob && l.job_id ? this.link(`/jobs/${l.job_id}`, `job ${l.job_id}`) : nothing}
      </div>
      <pre class=${json ? 'json' : ''}>${shown}</pre>
      ${
        long
          ? html`<button class="btn btn-link" aria-expanded=${this.open ? 'true' : 'false'} @click=${() => (this.open = !this.open)}>
              ${this.open ? 'Show less' : 'Show all'}
            </button>`
          : nothing
      }`;
  }
}
