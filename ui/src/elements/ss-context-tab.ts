/**
 * <ss-context-tab>: the Evaluation Context tab — the plugins the project's code can use, picked
 * from the installed ones with their descriptions, and the common code every task of the project
 * sees. Unsaved common code is kept on a failed save and guarded when leaving.
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { Plugin, Project } from '../api/types.js';
import { ViewBase } from './view-base.js';
import './ss-code-editor.js';

@customElement('ss-context-tab')
export class SsContextTab extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .plugin {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 4px 10px;
        padding: 8px 0;
        border-bottom: 1px solid #eceef0;
      }
      .plugin p {
        margin: 0;
        grid-column: 2;
      }
    `,
  ];

  @property({ attribute: false }) project!: Project;
  @state() private code = '';
  @state() private contexts: string[] = [];
  @state() private dirty = false;
  private unguard: (() => void) | undefined;

  private readonly plugins = new Task(this, {
    task: () => this.api.get<{ items: Plugin[] }>('/plugins'),
    args: () => [],
  });

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('project') && !this.dirty) {
      this.code = this.project.common_code;
      this.contexts = [...this.project.eval_contexts];
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unguard?.();
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.unguard = this.router.guard(() => confirm('The common code has unsaved changes. Leave without saving?'));
  }

  override render() {
    const editable = this.can('developer');
    return html`<h2 class="section-title">Plugins</h2>
      ${this.plugins.render({
        pending: () => html`<p role="status">Loading…</p>`,
        error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
        complete: ({ items }) =>
          items.length === 0
            ? html`<p class="muted">No plugin is installed.</p>`
            : items.map(
                (p) =>
                  html`<label class="plugin">
                    <input
                      type="checkbox"
                      .checked=${this.contexts.includes(p.name)}
                      ?disabled=${!editable}
                      @change=${(e: Event) => this.toggle(p.name, (e.target as HTMLInputElement).checked)}
                    />
                    <strong>${p.display_name} <code class="muted">${p.name}</code></strong>
                    <p>${p.description}</p>
                    ${p.exports.length ? html`<p class="muted">Exports: ${p.exports.join(', ')}</p>` : nothing}
                  </label>`,
              ),
      })}
      ${this.errorOf('eval_contexts', 'e-contexts')}
      <h2 class="section-title">Common code</h2>
      <ss-code-editor
        label="Common code"
        .value=${this.code}
        ?readonly=${!editable}
        @ss-change=${(e: CustomEvent<string>) => {
          this.code = e.detail;
          this.markDirty();
        }}
        @ss-save=${() => void this.save()}
      ></ss-code-editor>
      ${this.errorOf('common_code', 'e-code')}
      ${
        editable
          ? html`<div class="toolbar">
              <button class="btn btn-primary" ?disabled=${!this.dirty} @click=${() => void this.save()}>Save</button>
              ${this.dirty ? html`<span class="muted">Unsaved changes</span>` : nothing}
            </div>`
          : nothing
      }`;
  }

  private toggle(name: string, on: boolean): void {
    this.contexts = on ? [...this.contexts, name] : this.contexts.filter((n) => n !== name);
    this.markDirty();
  }

  private async save(): Promise<void> {
    const ok = await this.attempt(
      () => this.api.patch(`/projects/${this.project.id}`, { common_code: this.code, eval_contexts: this.contexts }),
      ['common_code', 'eval_contexts'],
    );
    if (!ok) return;
    this.dirty = false;
    this.unguard?.();
    this.notify('Evaluation context saved.', 'success');
    this.dispatchEvent(new CustomEvent('ss-project-changed', { bubbles: true, composed: true }));
  }
}
