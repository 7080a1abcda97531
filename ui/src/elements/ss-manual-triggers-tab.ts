/** <ss-manual-triggers-tab>: every manual trigger of the project's tasks, each with Run Now. */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ButtonTrigger, Page, Task } from '../api/types.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList, WHOLE_LIST } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';

@customElement('ss-manual-triggers-tab')
export class SsManualTriggersTab extends ViewBase {
  @property({ type: Number }) projectId = 0;

  private readonly buttons = new ServerList<{ task: Task; trigger: ButtonTrigger }>(this, {
    load: async (_, page) => {
      const tasks = await this.api.get<Page<Task>>(`/projects/${this.projectId}/tasks`, page);
      const lists = await Promise.all(
        tasks.items.map(async (task) => ({
          task,
          triggers: (await this.api.get<Page<ButtonTrigger>>(`/tasks/${task.id}/triggers/button`, page)).items,
        })),
      );
      return { items: lists.flatMap(({ task, triggers }) => triggers.map((trigger) => ({ task, trigger }))) };
    },
    args: () => [this.projectId],
    limit: WHOLE_LIST,
  });

  override render() {
    return this.buttons.render({
      empty: 'No manual trigger: add one to a task under Available Tasks.',
      rows: (rows) =>
        listTable({
          label: 'Manual triggers',
          columns: ['Trigger', 'Task', 'Description', actionsColumn],
          rows: rows.map(
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
          ),
        }),
    });
  }
}
