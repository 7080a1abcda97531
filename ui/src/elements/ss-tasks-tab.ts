/** <ss-tasks-tab>: the Available Tasks tab — the project's tasks, and a new task (developers). */
import { html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Page, Task } from '../api/types.js';
import { listTable } from '../lists/list-table.js';
import { ServerList, WHOLE_LIST } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';
import type { SsDialog } from './ss-dialog.js';
import { nameDialog } from './name-dialog.js';

@customElement('ss-tasks-tab')
export class SsTasksTab extends ViewBase {
  @property({ type: Number }) projectId = 0;
  @state() private name = '';
  @query('ss-dialog') private dialog!: SsDialog;

  private readonly tasks = new ServerList<Task>(this, {
    load: (_, page) => this.api.get<Page<Task>>(`/projects/${this.projectId}/tasks`, page),
    args: () => [this.projectId],
    limit: WHOLE_LIST,
  });

  override render() {
    return html`<p class="muted">Crons, webhooks and DB triggers run only when the project and the task are active.</p>
      ${this.tasks.render({
        empty: 'No task yet.',
        rows: (items) =>
          listTable({
            label: 'Tasks',
            columns: ['Task', 'Status', 'Jobs'],
            rows: items.map(
              (t) =>
                html`<tr>
                  <td>${this.link(`/tasks/${t.id}`, t.name)}</td>
                  <td><span class="badge ${t.active ? 'success' : ''}">${t.active ? 'Active' : 'Archived'}</span></td>
                  <td>${this.link(`/jobs?task_id=${t.id}`, 'Jobs', { label: `Jobs of ${t.name}` })}</td>
                </tr>`,
            ),
          }),
      })}
      ${this.can('developer') ? html`<button class="btn btn-primary" @click=${() => void this.dialog.open()}>New task</button>` : nothing}
      ${nameDialog(this, {
        id: 'new-task',
        heading: 'New task',
        value: this.name,
        input: (value) => (this.name = value),
        submit: (event) => void this.create(event),
      })}`;
  }

  private async create(event: Event): Promise<void> {
    event.preventDefault();
    let task: Task | undefined;
    const ok = await this.attempt(async () => {
      task = await this.api.post<Task>(`/projects/${this.projectId}/tasks`, { name: this.name });
    }, ['name']);
    if (ok && task) {
      this.dialog.close();
      this.go(`/tasks/${task.id}`);
    }
  }
}
