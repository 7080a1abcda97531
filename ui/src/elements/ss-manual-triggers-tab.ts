/** <ss-manual-triggers-tab>: every manual trigger of the project's tasks, each with Run Now. */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task as LitTask } from '@lit/task';
import type { ButtonTrigger, Page, Task } from '../api/types.js';
import { ViewBase } from './view-base.js';

@customElement('ss-manual-triggers-tab')
export class SsManualTriggersTab extends ViewBase {
  @property({ type: Number }) projectId = 0;

  private readonly buttons = new LitTask(this, {
    task: async ([id]) => {
      const tasks = await this.api.get<Page<Task>>(`/projects/${id}/tasks`, { limit: 500 });
      const lists = await Promise.all(
        tasks.items.map(async (task) => ({
          task,
          triggers: (await this.api.get<Page<ButtonTrigger>>(`/tasks/${task.id}/triggers/button`, { limit: 500 })).items,
        })),
      );
      return lists.flatMap(({ task, triggers }) => triggers.map((trigger) => ({ task, trigger })));
    },
    args: () => [this.projectId] as const,
  });

  override render() {
    return this.buttons.render({
      pending: () => html`<p role="status">Loading…</p>`,
      error: (e) => html`<p role="alert">${(e as Error).message}</p>`,
      complete: (rows) =>
        rows.length === 0
          ? html`<p class="muted">No manual trigger: add one to a task under Available Tasks.</p>`
          : html`<div class="list-wrap">
              <table class="o-list" aria-label="Manual triggers">
                <thead>
                  <tr>
                    <th scope="col">Trigger</th>
                    <th scope="col">Task</th>
                    <th scope="col">Description</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    ({ task, trigger }) =>
                      html`<tr>
                        <td><code>${trigger.trigger_name}</code></td>
                        <td>${this.link(`/tasks/${task.id}`, task.name)}</td>
                        <td>${trigger.description}</td>
                        <td>
                          ${
                            this.can('developer')
                              ? html`<button
                                  class="btn btn-primary"
                                  aria-label="Run Now ${trigger.trigger_name}"
                                  @click=${() => void this.runNow('button', trigger.id, trigger.trigger_name)}
                                >
                                  Run Now
                                </button>`
                              : nothing
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`,
    });
  }
}
