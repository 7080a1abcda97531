/**
 * <ss-code-editor>: task or common code. Loads the CodeMirror chunk when first shown, reports
 * changes (`ss-change`), Ctrl/Cmd+S (`ss-save`), and lists the server's syntax problems under the
 * editor as they are found (the editor marks them on their lines).
 */
import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { EditorView } from '@codemirror/view';
import type { SyntaxProblem } from '../api/types.js';
import { ViewBase } from './view-base.js';

@customElement('ss-code-editor')
export class SsCodeEditor extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .problems {
        color: var(--o-danger);
        margin: 6px 0 0;
        padding-left: 18px;
      }
      .ok {
        color: var(--o-success);
        margin: 6px 0 0;
      }
    `,
  ];

  @property() value = '';
  @property() label = 'Code';
  @property({ type: Boolean }) readonly = false;
  @state() private problems: SyntaxProblem[] | undefined;
  @state() private loading = true;
  @query('.host') private host!: HTMLElement;
  private view: EditorView | undefined;

  override async firstUpdated(): Promise<void> {
    const { createEditor } = await import('../editor/codemirror.js');
    this.loading = false;
    this.view = createEditor({
      parent: this.host,
      root: this.renderRoot as ShadowRoot,
      doc: this.value,
      label: this.label,
      readOnly: this.readonly,
      onChange: (code) => {
        this.value = code;
        this.dispatchEvent(new CustomEvent('ss-change', { detail: code }));
      },
      onSave: () => this.dispatchEvent(new CustomEvent('ss-save')),
      check: async (code) => (await this.api.post<{ problems: SyntaxProblem[] }>('/syntax-check', { code })).problems,
      onProblems: (problems) => (this.problems = problems),
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.view?.destroy();
  }

  override render() {
    return html`${this.loading ? html`<p role="status">Loading the editor…</p>` : nothing}
      <div class="host"></div>
      ${
        this.problems === undefined
          ? nothing
          : this.problems.length === 0
            ? html`<p class="ok" role="status">No syntax errors.</p>`
            : html`<ul class="problems" role="status" aria-label="Syntax errors">
                ${this.problems.map((p) => html`<li>Line ${p.line}, column ${p.column}: ${p.message}</li>`)}
              </ul>`
      }`;
  }
}
