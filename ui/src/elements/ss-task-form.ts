/**
 * <ss-task-form>: a task — name, active flag, time limit and code in the editor (syntax errors
 * marked while typing, Ctrl/Cmd+S saves, unsaved code is kept on a failed save and guarded when
 * leaving), then its four trigger lists.
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { Project, Task } from '../api/types.js';
import { triggerKinds } from '../api/types.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-code-editor.js';
import './ss-trigger-list.js';

const fields = ['name', 'code', 'active', 'timeout_seconds'];

@customElement('ss-task-form')
export class SsTaskForm extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .form-grid input[type='number'] {
        max-width: 160px;
      }
    `,
  ];

  @property({ type: Number }) taskId = 0;
  @state() private draft: Pick<Task, 'name' | 'code' | 'active' | 'timeout_seconds'> | undefined;
  @state() private dirty = false;
  private unguard: (() => void) | undefined;

  private readonly data = new LitTask(this, {
    task: async ([id]) => {
      const task = await this.api.get<Task>(`/tasks/${id}`);
      const project = await this.api.get<Project>(`/projects/${task.project_id}`);
      this.draft = { name: task.name, code: task.code, active: task.active, timeout_seconds: task.timeout_seconds };
      return { task, project };
    },
    args: () => [this.taskId] as const,
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unguard?.();
  }

  private change(patch: Partial<NonNullable<SsTaskForm['draft']>>): void {
    this.draft = { ...this.draft!, ...patch };
    if (!this.dirty) {
      this.dirty = true;
      this.unguard = this.router.guard(() => confirm('This task has unsaved changes. Leave without saving?'));
    }
  }

  override render() {
    return this.data.render({
      pending: () => (this.draft ? this.form() : html`<p class="content" role="status">Loading…</p>`),
      error: (e) => html`<p class="content" role="alert">${(e as Error).message}</p>`,
      complete: () => this.form(),
    });
  }

  private form() {
    const value = this.data.value;
    const d = this.draft;
    if (!value || !d) return nothing;
    const { task, project } = value;
    const editable = this.can('developer');
    return html`<ss-control-panel
        .crumbs=${[
          { label: 'Projects', path: '/projects' },
          { label: project.name, path: `/projects/${project.id}/tasks` },
          { label: task.name },
        ]}
      >
        <span slot="buttons">
          ${
            editable
              ? html`<button class="btn btn-primary" ?disabled=${!this.dirty} @click=${() => void this.save()} title="Ctrl+S">Save</button>
                  ${this.dirty ? html`<button class="btn" @click=${() => this.discard()}>Discard</button>` : nothing}`
              : nothing
          }
          ${this.link(`/jobs?task_id=${task.id}`, 'Jobs')} · ${this.link(`/logs?task_id=${task.id}`, 'Logs')}
        </span>
        <span slot="side">${this.dirty ? html`<span class="badge warning">Unsaved changes</span>` : nothing}</span>
      </ss-control-panel>
      <div class="sheet" @keydown=${this.onKey}>
        <div class="form-grid">
          <label for="name">Name</label>
          <div>
            <input
              id="name"
              .value=${d.name}
              ?readonly=${!editable}
              aria-invalid=${this.invalid('name')}
              aria-describedby="e-name"
              @input=${(e: Event) => this.change({ name: (e.target as HTMLInputElement).value })}
            />
            ${this.errorOf('name', 'e-name')}
          </div>
          <label for="active">Active</label>
          <div>
            <input
              id="active"
              type="checkbox"
              .checked=${d.active}
              ?disabled=${!editable}
              @change=${(e: Event) => this.change({ active: (e.target as HTMLInputElement).checked })}
            />
          </div>
          <label for="timeout">Time limit (s)</label>
          <div>
            <input
              id="timeout"
              type="number"
              min="1"
              placeholder="sidecar default"
              .value=${d.timeout_seconds === null ? '' : String(d.timeout_seconds)}
              ?readonly=${!editable}
              aria-invalid=${this.invalid('timeout_seconds')}
              aria-describedby="e-timeout"
              @input=${(e: Event) => {
                const raw = (e.target as HTMLInputElement).value;
                this.change({ timeout_seconds: raw === '' ? null : Number(raw) });
              }}
            />
            ${this.errorOf('timeout_seconds', 'e-timeout')}
          </div>
        </div>
        <h2 class="section-title">Code</h2>
        <p class="muted">
          Define <code>handle_cron()</code>, <code>handle_db(records)</code>, <code>handle_webhook(request)</code> or
          <code>handle_button()</code> for the triggers below.
        </p>
        <ss-code-editor
          label="Task code"
          .value=${d.code}
          ?readonly=${!editable}
          @ss-change=${(e: CustomEvent<string>) => this.change({ code: e.detail })}
          @ss-save=${() => void this.save()}
        ></ss-code-editor>
        ${this.errorOf('code', 'e-code')}
        <h2 class="section-title">Available triggers</h2>
        ${triggerKinds.map((kind) => html`<ss-trigger-list kind=${kind} .taskId=${task.id}></ss-trigger-list>`)}
      </div>`;
  }

  private onKey(event: KeyboardEvent): void {
    // The editor handles Ctrl/Cmd+S itself (and marks the event handled).
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's' && !event.defaultPrevented) {
      event.preventDefault();
      void this.save();
    }
  }

  private discard(): void {
    this.unguard?.();
    this.dirty = false;
    this.draft = undefined; // the editor is made again from the stored code
    void this.data.run();
  }

  private async save(): Promise<void> {
    if (!this.dirty || !this.can('developer')) return;
    const ok = await this.attempt(() => this.api.patch(`/tasks/${this.taskId}`, this.draft), fields);
    if (!ok) return;
    this.dirty = false;
    this.unguard?.();
    this.notify('Task saved.', 'success');
  }
}
