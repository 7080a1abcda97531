/**
 * <ss-keyed-list kind="params|texts|secrets">: one of the Parameters tab's lists. Params hold a
 * value, texts a value per language, secrets a value only administrators see and write
 * (developers see the keys and whether a value is set) and the URL prefix their handles may be
 * sent to (`bound_url`, set by administrators). Add and edit in a dialog; delete asks.
 */
import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Page, Param, Secret, Text } from '../api/types.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList, WHOLE_LIST } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';
import { confirmAction, type SsDialog } from './ss-dialog.js';
import './ss-dialog.js';

type Kind = 'params' | 'texts' | 'secrets';
type Item = Param | Text | Secret;

interface Draft {
  id: number | null;
  key: string;
  description: string;
  url: string;
  value: string;
  /** Texts: [language, text] rows. */
  translations: [string, string][];
  /** Secrets: the administrator typed a new value. */
  valueTouched: boolean;
  /** Secrets: where task code's handles of it may be sent (empty: plugins only). */
  bound_url: string;
}

const titles: Record<Kind, string> = { params: 'Parameters', texts: 'Texts', secrets: 'Secrets' };
const singular: Record<Kind, string> = { params: 'parameter', texts: 'text', secrets: 'secret' };
const fields = ['key', 'value', 'description', 'url', 'bound_url'];

@customElement('ss-keyed-list')
export class SsKeyedList extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .translation {
        display: grid;
        grid-template-columns: 110px 1fr auto;
        gap: 6px;
        margin-bottom: 6px;
      }
      td.value {
        max-width: 420px;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property() kind: Kind = 'params';
  @property({ type: Number }) projectId = 0;
  @state() private draft: Draft | undefined;
  @state() private revealed = new Set<number>();
  @query('ss-dialog') private dialog!: SsDialog;

  private readonly items = new ServerList<Item>(this, {
    load: (_, page) => this.api.get<Page<Item>>(`/projects/${this.projectId}/${this.kind}`, page),
    args: () => [this.kind, this.projectId],
    limit: WHOLE_LIST,
  });

  private get editable(): boolean {
    return this.can('developer');
  }

  override render() {
    return html`<h2 class="section-title" id="${this.kind}-title">${titles[this.kind]}</h2>
      ${this.items.render({ empty: `No ${titles[this.kind].toLowerCase()}.`, rows: (items) => this.table(items) })}
      ${this.editable ? html`<button class="btn btn-link" @click=${() => void this.edit()}>Add a ${singular[this.kind]}</button>` : nothing}
      ${this.form()}`;
  }

  private table(items: Item[]) {
    return listTable({
      labelledBy: `${this.kind}-title`,
      columns: ['Key', 'Value', 'Description', actionsColumn],
      rows: items.map(
        (item) =>
          html`<tr>
            <td><code>${item.key}</code></td>
            <td class="value">${this.valueCell(item)}</td>
            <td>
              ${item.description}${item.url ? html` <a href=${item.url} target="_blank" rel="noopener noreferrer">link</a>` : nothing}
              ${
                this.kind === 'secrets' && (item as Secret).bound_url
                  ? html`<div class="muted">Sent only to <code>${(item as Secret).bound_url}</code></div>`
                  : nothing
              }
            </td>
            <td>
              ${
                this.editable
                  ? html`<button class="btn btn-link" aria-label="Edit ${item.key}" @click=${() => void this.edit(item)}>Edit</button>
                      <button class="btn btn-link" aria-label="Delete ${item.key}" @click=${() => void this.deleteRow(item)}>
                        Delete
                      </button>`
                  : nothing
              }
            </td>
          </tr>`,
      ),
    });
  }

  private valueCell(item: Item) {
    if (this.kind === 'texts')
      return Object.entries((item as Text).value).map(([lang, text]) => html`<div><span class="badge">${lang}</span> ${text}</div>`);
    if (this.kind === 'secrets') {
      const secret = item as Secret;
      if (!('value' in secret)) return html`<span class="muted">${secret.has_value ? 'set (hidden)' : 'not set'}</span>`;
      if (!secret.has_value) return html`<span class="muted">not set</span>`;
      const shown = this.revealed.has(item.id);
      return html`<span>${shown ? secret.value : '••••••••'}</span>
        <button
          class="btn btn-link"
          aria-label="${shown ? 'Hide' : 'Show'} the value of ${item.key}"
          @click=${() => {
            const next = new Set(this.revealed);
            if (shown) next.delete(item.id);
            else next.add(item.id);
            this.revealed = next;
          }}
        >
          ${shown ? 'Hide' : 'Show'}
        </button>`;
    }
    return (item as Param).value ?? html`<span class="muted">empty</span>`;
  }

  private async edit(item?: Item): Promise<void> {
    this.fieldErrors = {};
    const text = this.kind === 'texts' ? ((item as Text | undefined)?.value ?? {}) : {};
    this.draft = {
      id: item?.id ?? null,
      key: item?.key ?? '',
      description: item?.description ?? '',
      url: item?.url ?? '',
      value: this.kind === 'texts' ? '' : (((item as Param | Secret | undefined)?.value as string | null | undefined) ?? ''),
      translations: Object.entries(text).length ? Object.entries(text) : [['en_US', '']],
      valueTouched: false,
      bound_url: this.kind === 'secrets' ? ((item as Secret | undefined)?.bound_url ?? '') : '',
    };
    await this.updateComplete;
    await this.dialog.open();
  }

  private form() {
    const d = this.draft;
    const input = (name: keyof Draft, label: string, type = 'text') =>
      html`<label for="f-${name}">${label}</label>
        <div>
          <input
            id="f-${name}"
            type=${type}
            autocomplete="off"
            .value=${(d?.[name] as string) ?? ''}
            aria-invalid=${this.invalid(name)}
            aria-describedby="e-${name}"
            @input=${(e: Event) => {
              this.draft = { ...d!, [name]: (e.target as HTMLInputElement).value, valueTouched: d!.valueTouched || name === 'value' };
            }}
          />
          ${this.errorOf(name, `e-${name}`)}
        </div>`;
    const secretValueAllowed = this.kind !== 'secrets' || this.can('administrator');
    return html`<ss-dialog heading="${d?.id ? 'Edit' : 'New'} ${singular[this.kind]}" @ss-close=${() => (this.draft = undefined)}>
      ${
        d
          ? html`<form id="kv-form" class="form-grid" @submit=${this.save}>
              ${input('key', 'Key')}
              ${
                this.kind === 'texts'
                  ? html`<span class="label">Value per language</span>
                      <div>
                        ${d.translations.map(
                          ([lang, text], i) =>
                            html`<div class="translation">
                              <input
                                aria-label="Language"
                                .value=${lang}
                                @input=${(e: Event) => this.setTranslation(i, 0, (e.target as HTMLInputElement).value)}
                              />
                              <input
                                aria-label="Text in ${lang}"
                                .value=${text}
                                @input=${(e: Event) => this.setTranslation(i, 1, (e.target as HTMLInputElement).value)}
                              />
                              <button
                                type="button"
                                class="btn btn-link"
                                aria-label="Remove ${lang}"
                                @click=${() => this.removeTranslation(i)}
                              >
                                ×
                              </button>
                            </div>`,
                        )}
                        <button
                          type="button"
                          class="btn btn-link"
                          @click=${() => (this.draft = { ...d, translations: [...d.translations, ['', '']] })}
                        >
                          Add a language
                        </button>
                        ${this.errorOf('value', 'e-value')}
                      </div>`
                  : secretValueAllowed
                    ? input('value', 'Value', this.kind === 'secrets' ? 'password' : 'text')
                    : nothing
              }
              ${this.kind === 'secrets' && this.can('administrator') ? input('bound_url', 'Sent only to (URL prefix)', 'url') : nothing}
              ${input('description', 'Description')} ${input('url', 'Documentation URL', 'url')}
            </form>`
          : nothing
      }
      <button slot="footer" class="btn btn-primary" type="submit" form="kv-form">Save</button>
      <button slot="footer" class="btn" @click=${() => this.dialog.close()}>Discard</button>
    </ss-dialog>`;
  }

  private setTranslation(index: number, part: 0 | 1, value: string): void {
    const translations = this.draft!.translations.map((row, i) =>
      i === index ? ((part === 0 ? [value, row[1]] : [row[0], value]) as [string, string]) : row,
    );
    this.draft = { ...this.draft!, translations };
  }

  private removeTranslation(index: number): void {
    this.draft = { ...this.draft!, translations: this.draft!.translations.filter((_, i) => i !== index) };
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    const d = this.draft!;
    const body: Record<string, unknown> = { key: d.key, description: d.description, url: d.url };
    if (this.kind === 'texts') body.value = Object.fromEntries(d.translations.filter(([lang]) => lang.trim() !== ''));
    else if (this.kind === 'params') body.value = d.value;
    else if (this.can('administrator')) {
      if (d.valueTouched || d.id === null) body.value = d.value === '' ? null : d.value;
      body.bound_url = d.bound_url.trim() === '' ? null : d.bound_url.trim();
    }
    const ok = await this.attempt(
      () =>
        d.id === null ? this.api.post(`/projects/${this.projectId}/${this.kind}`, body) : this.api.patch(`/${this.kind}/${d.id}`, body),
      fields,
    );
    if (ok) {
      this.dialog.close();
      this.items.reload();
    }
  }

  private async deleteRow(item: Item): Promise<void> {
    if (!(await confirmAction(this.renderRoot, `Delete ${singular[this.kind]}`, `Delete "${item.key}"?`, 'Delete'))) return;
    if (await this.attempt(() => this.api.delete(`/${this.kind}/${item.id}`))) this.items.reload();
  }
}
