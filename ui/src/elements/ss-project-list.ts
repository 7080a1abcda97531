/**
 * <ss-project-list>: the projects list — active/archived filter, search, counts of tasks, enabled
 * triggers and recent failures, paged by the server; create (administrators), archive, duplicate,
 * delete with confirmation, export, and import of an XML project file by drop or picker.
 */
import { css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { ImportReport, Page, Project, ProjectSummary } from '../api/types.js';
import { downloadText, fileNameOf } from '../download.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';
import { nameDialog } from './name-dialog.js';
import { confirmAction, type SsDialog } from './ss-dialog.js';
import './ss-control-panel.js';
import './ss-dialog.js';

@customElement('ss-project-list')
export class SsProjectList extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .drop {
        border: 2px dashed var(--o-border);
        padding: 16px;
        text-align: center;
        background: #fff;
        margin: 8px 0;
      }
      .drop.over {
        border-color: var(--o-brand);
        background: #f6f0f4;
      }
      td.name {
        min-width: 9em;
      }
      .row-actions {
        display: flex;
        gap: 2px;
        flex-wrap: wrap;
      }
    `,
  ];

  @state() private newName = '';
  @state() private report: ImportReport | undefined;
  @state() private dragging = false;
  @query('#create') private createDialog!: SsDialog;
  @query('#report') private reportDialog!: SsDialog;

  private readonly projects = new ServerList<ProjectSummary>(this, {
    load: (filters, page) => this.api.get<Page<ProjectSummary>>('/projects', { ...filters, ...page }),
    filters: { active: 'all' },
  });

  override render() {
    return html`<ss-control-panel .crumbs=${[{ label: 'Projects' }]}>
        <span slot="buttons">
          ${
            this.can('administrator')
              ? html`<button class="btn btn-primary" @click=${() => void this.createDialog.open()}>New</button>
                  <label class="btn" for="import-file">Import XML</label>
                  <input
                    id="import-file"
                    class="visually-hidden"
                    type="file"
                    accept=".xml,application/xml,text/xml"
                    @change=${this.picked}
                  />`
              : nothing
          }
        </span>
        <span slot="side">
          <label class="visually-hidden" for="state">Show</label>
          <select
            id="state"
            .value=${this.projects.filters.active ?? 'all'}
            @change=${(e: Event) => this.projects.set('active', (e.target as HTMLSelectElement).value)}
          >
            <option value="all">All projects</option>
            <option value="true">Active</option>
            <option value="false">Archived</option>
          </select>
          <input
            type="search"
            aria-label="Search projects"
            placeholder="Search…"
            .value=${this.projects.filters.search ?? ''}
            @change=${(e: Event) => this.projects.set('search', (e.target as HTMLInputElement).value)}
          />
          ${this.projects.pager()}
        </span>
      </ss-control-panel>
      <div class="content">
        ${
          this.can('administrator')
            ? html`<div
                class="drop ${this.dragging ? 'over' : ''}"
                @dragover=${(e: DragEvent) => {
                  e.preventDefault();
                  this.dragging = true;
                }}
                @dragleave=${() => (this.dragging = false)}
                @drop=${this.dropped}
              >
                Drop an XML project file here to import it
              </div>`
            : nothing
        }
        ${this.projects.render({
          empty: 'No project matches.',
          rows: (items) => this.table(items),
          failure: 'The projects could not be loaded.',
        })}
      </div>
      ${this.createForm()} ${this.reportView()}`;
  }

  private table(items: ProjectSummary[]) {
    return listTable({
      label: 'Projects',
      columns: [
        'Name',
        'Status',
        { label: 'Tasks', numeric: true },
        { label: 'Enabled triggers', numeric: true },
        { label: 'Failures (24 h)', numeric: true },
        actionsColumn,
      ],
      rows: items.map(
        (p) =>
          html`<tr>
            <td class="name">${this.link(`/projects/${p.id}/parameters`, p.name)}</td>
            <td><span class="badge ${p.active ? 'success' : ''}">${p.active ? 'Active' : 'Archived'}</span></td>
            <td class="num">${p.task_count}</td>
            <td class="num">${p.enabled_trigger_count}</td>
            <td class="num">
              ${
                p.recent_failure_count
                  ? this.link(`/jobs?project_id=${p.id}&state=failed`, html`<span class="badge danger">${p.recent_failure_count}</span>`, {
                      label: `${p.recent_failure_count} failed jobs`,
                    })
                  : '0'
              }
            </td>
            <td class="row-actions">${this.rowActions(p)}</td>
          </tr>`,
      ),
    });
  }

  private rowActions(p: Project) {
    return html`<button class="btn btn-link" @click=${() => void this.exportProject(p)} aria-label="Export ${p.name}">Export</button> ${
        this.can('developer')
          ? html`<button
              class="btn btn-link"
              @click=${() => void this.setActive(p, !p.active)}
              aria-label="${p.active ? 'Archive' : 'Unarchive'} ${p.name}"
            >
              ${p.active ? 'Archive' : 'Unarchive'}
            </button>`
          : nothing
      }
      ${
        this.can('administrator')
          ? html`<button class="btn btn-link" @click=${() => void this.duplicate(p)} aria-label="Duplicate ${p.name}">Duplicate</button>`
          : nothing
      }
      ${
        this.can('administrator')
          ? html`<button class="btn btn-link" @click=${() => void this.deleteRow(p)} aria-label="Delete ${p.name}">Delete</button>`
          : nothing
      }`;
  }

  private createForm() {
    return nameDialog(this, {
      id: 'create',
      heading: 'New project',
      value: this.newName,
      input: (value) => (this.newName = value),
      submit: (event) => void this.create(event),
    });
  }

  private reportView() {
    const r = this.report;
    return html`<ss-dialog id="report" heading="Import report">
      ${
        r
          ? html`<p>${importSummary(r)}</p>
              ${
                r.contexts.length
                  ? html`<p>Evaluation contexts: ${r.contexts.map((c) => `${c.name} → ${c.plugin ?? 'no plugin'}`).join(', ')}</p>`
                  : nothing
              }
              ${
                r.warnings.length
                  ? html`<h3>Warnings</h3>
                      <ul>
                        ${r.warnings.map((w) => html`<li>${w}</li>`)}
                      </ul>`
                  : nothing
              }
              ${
                r.ignored.length
                  ? html`<h3>Ignored</h3>
                      <ul>
                        ${r.ignored.map((i) => html`<li>${i.record}${i.field ? ` (${i.field})` : ''}: ${i.reason}</li>`)}
                      </ul>`
                  : nothing
              }
              ${r.archived_python_tasks.length ? html`<p>Python tasks kept but archived: ${r.archived_python_tasks.join(', ')}</p>` : nothing}`
          : nothing
      }
      ${
        r?.project
          ? html`<button
              slot="footer"
              class="btn btn-primary"
              @click=${() => {
                this.reportDialog.close();
                this.go(`/projects/${r.project!.id}/parameters`);
              }}
            >
              Open the project
            </button>`
          : nothing
      }
      <button slot="footer" class="btn" @click=${() => this.reportDialog.close()}>Close</button>
    </ss-dialog>`;
  }

  private async create(event: Event): Promise<void> {
    event.preventDefault();
    let created: Project | undefined;
    const ok = await this.attempt(async () => {
      created = await this.api.post<Project>('/projects', { name: this.newName });
    }, ['name']);
    if (ok && created) {
      this.createDialog.close();
      this.go(`/projects/${created.id}/parameters`);
    }
  }

  private async setActive(p: Project, active: boolean): Promise<void> {
    if (await this.attempt(() => this.api.patch(`/projects/${p.id}`, { active }))) this.projects.reload();
  }

  private async duplicate(p: Project): Promise<void> {
    if (await this.attempt(() => this.api.post(`/projects/${p.id}/duplicate`))) {
      this.notify(`${p.name} duplicated (the copy is archived).`, 'success');
      this.projects.reload();
    }
  }

  private async deleteRow(p: Project): Promise<void> {
    const sure = await confirmAction(
      this.renderRoot,
      'Delete project',
      `Delete the project "${p.name}" with its tasks, triggers, jobs and logs? This cannot be undone.`,
      'Delete',
    );
    if (sure && (await this.attempt(() => this.api.delete(`/projects/${p.id}`)))) {
      this.notify(`${p.name} deleted.`, 'success');
      this.projects.reload();
    }
  }

  private async exportProject(p: Project): Promise<void> {
    try {
      downloadText(fileNameOf(p.name, 'xml'), await this.api.text(`/projects/${p.id}/export`), 'application/xml');
    } catch (error) {
      this.failed(error);
    }
  }

  private picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.importFile(file);
  }

  private dropped(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files[0];
    if (file) void this.importFile(file);
  }

  private async importFile(file: File): Promise<void> {
    try {
      this.report = await this.api.upload<ImportReport>('/projects/import', await file.text(), 'application/xml');
      this.projects.reload();
      await this.reportDialog.open();
    } catch (error) {
      this.failed(error);
    }
  }
}

/** "Project updated: 0 records created, 0 updated, 9 unchanged." */
function importSummary(r: ImportReport): string {
  const what = r.project ? `Project ${r.project.created ? 'created' : 'updated'}` : 'No project in the file';
  return `${what}: ${r.created} records created, ${r.updated} updated, ${r.unchanged} unchanged.`;
}
