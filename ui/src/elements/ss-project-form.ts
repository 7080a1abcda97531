/**
 * <ss-project-form>: a project — its name and active flag, shortcuts to its jobs and logs, export,
 * and the four tabs of the upstream form: Parameters, Evaluation Context, Available Tasks and
 * Manual Triggers.
 */
import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { Project } from '../api/types.js';
import { downloadText, fileNameOf } from '../download.js';
import { ViewBase } from './view-base.js';
import './ss-control-panel.js';
import './ss-keyed-list.js';
import './ss-context-tab.js';
import './ss-tasks-tab.js';
import './ss-manual-triggers-tab.js';

const tabs = [
  ['parameters', 'Parameters'],
  ['context', 'Evaluation Context'],
  ['tasks', 'Available Tasks'],
  ['manual', 'Manual Triggers'],
] as const;

@customElement('ss-project-form')
export class SsProjectForm extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .title {
        display: flex;
        gap: 12px;
        align-items: center;
        flex-wrap: wrap;
      }
      .title #project-name {
        font-size: 24px;
        border: none;
        border-bottom: 1px solid var(--o-border);
        flex: 1;
        min-width: 200px;
      }
      .title h1 {
        font-size: 24px;
        margin: 0;
      }
    `,
  ];

  @property({ type: Number }) projectId = 0;
  @property() tab = 'parameters';
  @state() private name = '';

  private readonly project = new Task(this, {
    task: async ([id]) => {
      const project = await this.api.get<Project>(`/projects/${id}`);
      this.name = project.name;
      return project;
    },
    args: () => [this.projectId] as const,
  });

  override render() {
    return this.project.render({
      pending: () => html`<p class="content" role="status">Loading…</p>`,
      error: (e) => html`<p class="content" role="alert">${(e as Error).message}</p>`,
      complete: (p) => this.form(p),
    });
  }

  private form(p: Project) {
    return html`<ss-control-panel .crumbs=${[{ label: 'Projects', path: '/projects' }, { label: p.name }]}>
        <span slot="buttons">
          ${this.link(`/jobs?project_id=${p.id}`, 'Jobs')} · ${this.link(`/logs?project_id=${p.id}`, 'Logs')} ·
          <button class="btn btn-link" @click=${() => void this.exportProject(p)}>Export to XML</button>
        </span>
      </ss-control-panel>
      <div class="sheet">
        <div class="title">
          ${
            this.can('developer')
              ? html`<label class="visually-hidden" for="project-name">Project name</label>
                  <input
                    id="project-name"
                    .value=${this.name}
                    aria-invalid=${this.invalid('name')}
                    @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
                    @change=${() => void this.save(p, { name: this.name })}
                  />
                  <label
                    ><input
                      type="checkbox"
                      .checked=${p.active}
                      @change=${(e: Event) => void this.save(p, { active: (e.target as HTMLInputElement).checked })}
                    />
                    Active</label
                  >`
              : html`<h1>${p.name}</h1>
                  <span class="badge ${p.active ? 'success' : ''}">${p.active ? 'Active' : 'Archived'}</span>`
          }
        </div>
        ${this.errorOf('name', 'name-error')}
        ${p.active ? nothing : html`<p class="muted">Archived: crons, webhooks and DB triggers of this project do not run.</p>`}
        <div class="tabs" role="tablist" aria-label="Project sections">
          ${tabs.map(
            ([key, label]) =>
              html`<button
                role="tab"
                id="tab-${key}"
                aria-selected=${this.tab === key ? 'true' : 'false'}
                aria-controls="panel"
                @click=${() => this.go(`/projects/${p.id}/${key}`)}
              >
                ${label}
              </button>`,
          )}
        </div>
        <div role="tabpanel" id="panel" aria-labelledby="tab-${this.tab}">${this.tabContent(p)}</div>
      </div>`;
  }

  private tabContent(p: Project) {
    switch (this.tab) {
      case 'context':
        return html`<ss-context-tab .project=${p} @ss-project-changed=${() => void this.project.run()}></ss-context-tab>`;
      case 'tasks':
        return html`<ss-tasks-tab .projectId=${p.id}></ss-tasks-tab>`;
      case 'manual':
        return html`<ss-manual-triggers-tab .projectId=${p.id}></ss-manual-triggers-tab>`;
      default:
        return html`<ss-keyed-list kind="params" .projectId=${p.id}></ss-keyed-list>
          <ss-keyed-list kind="texts" .projectId=${p.id}></ss-keyed-list>
          <ss-keyed-list kind="secrets" .projectId=${p.id}></ss-keyed-list>`;
    }
  }

  private async save(p: Project, patch: Partial<Project>): Promise<void> {
    if (await this.attempt(() => this.api.patch(`/projects/${p.id}`, patch), ['name', 'active'])) void this.project.run();
  }

  private async exportProject(p: Project): Promise<void> {
    try {
      downloadText(fileNameOf(p.name, 'xml'), await this.api.text(`/projects/${p.id}/export`), 'application/xml');
    } catch (error) {
      this.failed(error);
    }
  }
}
