/**
 * <ss-trigger-list kind="cron|db|webhook|button">: one of a task's four trigger lists, with the
 * form of its kind in a dialog — cron: interval, next call, number of calls; DB trigger: model,
 * kind, domains, watched fields, timed condition and its activity; webhook: kind, reply mode, its
 * URL with a copy button and its journal; manual: a name. Cron and manual triggers have Run Now,
 * DB triggers "Run on records" (ids asked in a dialog).
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { AnyTrigger, CronTrigger, DbTrigger, Page, TriggerKind, WebhookTrigger } from '../api/types.js';
import { actionsColumn, listTable } from '../lists/list-table.js';
import { ServerList, WHOLE_LIST } from '../lists/server-list.js';
import { ViewBase } from './view-base.js';
import { confirmAction, type SsDialog } from './ss-dialog.js';
import './ss-dialog.js';

const titles: Record<TriggerKind, string> = {
  cron: 'Crons — handle_cron()',
  db: 'DB triggers — handle_db(records)',
  webhook: 'Webhooks — handle_webhook(request)',
  button: 'Manual triggers — handle_button()',
};
const singular: Record<TriggerKind, string> = { cron: 'cron', db: 'DB trigger', webhook: 'webhook', button: 'manual trigger' };

type Draft = Record<string, string | boolean>;

const defaults: Record<TriggerKind, Draft> = {
  cron: { interval_number: '1', interval_type: 'days', nextcall: '', numbercall: '-1' },
  db: {
    model: '',
    kind: 'on_create_or_write',
    filter_pre_domain: '',
    filter_domain: '',
    watched_fields: '',
    date_field: '',
    date_range: '',
    date_range_type: 'day',
  },
  webhook: { kind: 'json', reply_mode: 'handler', dedup_header: '', allow_redirect_and_cors: 'false' },
  button: {},
};

/** A datetime-local value (local time, minutes) from an ISO instant, and back. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

@customElement('ss-trigger-list')
export class SsTriggerList extends ViewBase {
  static override styles = [
    ...ViewBase.styles,
    css`
      .url {
        display: flex;
        gap: 4px;
        align-items: center;
      }
      .url input {
        width: min(420px, 50vw);
        font-family: monospace;
        font-size: 12px;
      }
      h3 {
        font-size: 15px;
        margin-top: 14px;
      }
    `,
  ];

  @property() kind: TriggerKind = 'cron';
  @property({ type: Number }) taskId = 0;
  @state() private draft: Draft | undefined;
  @state() private editingId: number | null = null;
  @query('#trigger-dialog') private dialog!: SsDialog;
  /** The DB trigger "Run on records" asks ids for, and what was typed. */
  @state() private runDraft: { trigger: DbTrigger; ids: string } | undefined;
  @query('#run-dialog') private runDialog!: SsDialog;

  private readonly triggers = new ServerList<AnyTrigger>(this, {
    load: (_, page) => this.api.get<Page<AnyTrigger>>(`/tasks/${this.taskId}/triggers/${this.kind}`, page),
    args: () => [this.kind, this.taskId],
    limit: WHOLE_LIST,
  });

  override render() {
    return html`<h3 id="${this.kind}-title">${titles[this.kind]}</h3>
      ${this.triggers.render({ empty: 'None.', rows: (items) => this.table(items) })}
      ${this.can('developer') ? html`<button class="btn btn-link" @click=${() => void this.edit()}>Add a ${singular[this.kind]}</button>` : nothing}
      ${this.formDialog()} ${this.kind === 'db' ? this.runDialogTemplate() : nothing}`;
  }

  private table(items: AnyTrigger[]) {
    return listTable({
      labelledBy: `${this.kind}-title`,
      columns: ['Name', 'Details', 'Status', actionsColumn],
      rows: items.map(
        (t) =>
          html`<tr>
            <td><code>${t.trigger_name}</code>${t.description ? html`<div class="muted">${t.description}</div>` : nothing}</td>
            <td>${this.details(t)}</td>
            <td><span class="badge ${t.active ? 'success' : ''}">${t.active ? 'Enabled' : 'Disabled'}</span></td>
            <td>${this.actions(t)}</td>
          </tr>`,
      ),
    });
  }

  private details(t: AnyTrigger): TemplateResult | string {
    switch (this.kind) {
      case 'cron': {
        const c = t as CronTrigger;
        return html`every ${c.interval_number} ${c.interval_type}; next
        ${new Date(c.nextcall).toLocaleString()}${c.numbercall >= 0 ? `; ${c.numbercall} calls left` : ''}`;
      }
      case 'db': {
        const d = t as DbTrigger;
        const timed =
          d.kind === 'on_time' && d.date_field && d.date_range !== null
            ? html` · ${Math.abs(d.date_range)} ${d.date_range_type}(s) ${d.date_range < 0 ? 'before' : 'after'}
                <code>${d.date_field}</code>`
            : nothing;
        return html`<code>${d.model}</code>
          ${d.kind.replace(/_/g, ' ')}${timed}${d.watched_fields.length > 0 ? html` · watching <code>${d.watched_fields.join(', ')}</code>` : nothing}${
            d.filter_pre_domain ? html` · before <code>${d.filter_pre_domain}</code>` : nothing
          }${d.filter_domain ? html` · applies to <code>${d.filter_domain}</code>` : nothing}
          · ${this.link(`/db-triggers/${d.id}`, 'Activity', { label: `Activity of ${d.trigger_name}` })}`;
      }
      case 'webhook': {
        const w = t as WebhookTrigger;
        return html`<div class="url">
            <input
              readonly
              aria-label="URL of ${w.trigger_name}"
              .value=${w.url}
              @focus=${(e: Event) => (e.target as HTMLInputElement).select()}
            />
            <button class="btn" aria-label="Copy the URL of ${w.trigger_name}" @click=${() => void this.copy(w.url)}>Copy</button>
          </div>
          <span class="muted">${w.kind.toUpperCase()}, reply ${w.reply_mode === 'handler' ? 'from the handler' : 'at once (queued)'}</span>
          · ${this.link(`/webhooks/${w.id}`, 'Journal', { label: `Journal of ${w.trigger_name}` })}`;
      }
      default:
        return '';
    }
  }

  private actions(t: AnyTrigger) {
    const runnable = this.kind === 'button' || this.kind === 'cron';
    return html`${
      this.kind === 'db' && this.can('developer')
        ? html`<button
            class="btn btn-primary"
            aria-label="Run ${t.trigger_name} on records"
            @click=${() => void this.askRecords(t as DbTrigger)}
          >
            Run on records
          </button>`
        : nothing
    }
    ${
      runnable && this.can('developer')
        ? html`<button
            class="btn btn-primary"
            aria-label="Run Now ${t.trigger_name}"
            @click=${() => void this.runNow(this.kind, t.id, t.trigger_name)}
          >
            Run Now
          </button>`
        : nothing
    }
    ${
      this.can('developer')
        ? html`<button class="btn btn-link" aria-label="Edit ${t.trigger_name}" @click=${() => void this.edit(t)}>Edit</button>
            <button class="btn btn-link" aria-label="Delete ${t.trigger_name}" @click=${() => void this.deleteRow(t)}>Delete</button>`
        : nothing
    }`;
  }

  private async copy(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.notify('Webhook URL copied.', 'success');
    } catch {
      this.notify('The browser refused the clipboard: select the URL and copy it.', 'info');
    }
  }

  private async edit(t?: AnyTrigger): Promise<void> {
    this.fieldErrors = {};
    this.editingId = t?.id ?? null;
    const base: Draft = { trigger_name: t?.trigger_name ?? '', description: t?.description ?? '', active: t?.active ?? true };
    const draft: Draft = { ...base, ...defaults[this.kind] };
    if (t) {
      for (const key of Object.keys(defaults[this.kind])) {
        const value = (t as unknown as Record<string, unknown>)[key];
        draft[key] = Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value);
      }
      if (this.kind === 'cron') draft.nextcall = toLocalInput((t as CronTrigger).nextcall);
    }
    this.draft = draft;
    await this.updateComplete;
    await this.dialog.open();
  }

  private set(key: string, value: string | boolean): void {
    this.draft = { ...this.draft!, [key]: value };
  }

  private input(key: string, label: string, options: { type?: string; help?: string; placeholder?: string } = {}) {
    return html`<label for="t-${key}">${label}</label>
      <div>
        <input
          id="t-${key}"
          type=${options.type ?? 'text'}
          placeholder=${options.placeholder ?? nothing}
          .value=${String(this.draft?.[key] ?? '')}
          aria-invalid=${this.invalid(key)}
          aria-describedby="t-${key}-error t-${key}-help"
          @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value)}
        />
        ${options.help ? html`<div class="muted" id="t-${key}-help">${options.help}</div>` : nothing} ${this.errorOf(key, `t-${key}-error`)}
      </div>`;
  }

  private select(key: string, label: string, choices: [string, string][]) {
    return html`<label for="t-${key}">${label}</label>
      <div>
        <select
          id="t-${key}"
          aria-invalid=${this.invalid(key)}
          aria-describedby="t-${key}-error"
          @change=${(e: Event) => this.set(key, (e.target as HTMLSelectElement).value)}
        >
          ${choices.map(([value, text]) => html`<option value=${value} ?selected=${this.draft?.[key] === value}>${text}</option>`)}
        </select>
        ${this.errorOf(key, `t-${key}-error`)}
      </div>`;
  }

  private kindFields() {
    switch (this.kind) {
      case 'cron':
        return html`${this.input('interval_number', 'Every', { type: 'number' })}
        ${this.select('interval_type', 'Interval unit', [
          ['minutes', 'Minutes'],
          ['hours', 'Hours'],
          ['days', 'Days'],
          ['weeks', 'Weeks'],
          ['months', 'Months'],
        ])}
        ${this.input('nextcall', 'Next call', { type: 'datetime-local', help: 'Empty: now.' })}
        ${this.input('numbercall', 'Number of calls', { type: 'number', help: '-1: no limit.' })}`;
      case 'db':
        return html`${this.input('model', 'Model', { placeholder: 'res.partner' })}
        ${this.select('kind', 'Trigger', [
          ['on_create', 'On creation'],
          ['on_write', 'On update'],
          ['on_create_or_write', 'On creation & update'],
          ['on_unlink', 'On deletion'],
          ['on_time', 'Based on timed condition'],
        ])}
        ${this.input('filter_pre_domain', 'Before update domain', { placeholder: "[('state', '=', 'draft')]" })}
        ${this.input('filter_domain', 'Apply on (domain)', { placeholder: "[('customer_rank', '>', 0)]" })}
        ${this.input('watched_fields', 'Watched fields', { help: 'Comma-separated field names; empty: any field.', placeholder: 'name, email' })}
        ${
          this.draft?.kind === 'on_time'
            ? html`${this.input('date_field', 'Date field', { placeholder: 'date_deadline' })}
              ${this.input('date_range', 'Delay after date', { type: 'number', help: 'Negative: before the date.' })}
              ${this.select('date_range_type', 'Delay unit', [
                ['minutes', 'Minutes'],
                ['hour', 'Hours'],
                ['day', 'Days'],
                ['month', 'Months'],
              ])}`
            : nothing
        }`;
      case 'webhook':
        return html`${this.select('kind', 'Kind', [
          ['json', 'JSON (body parsed, reply as JSON)'],
          ['http', 'HTTP (raw request and response)'],
        ])}
        ${this.select('reply_mode', 'Reply', [
          ['handler', 'With the handler result'],
          ['queued', 'At once; the job runs queued'],
        ])}
        ${this.input('dedup_header', 'Deduplication header', { placeholder: 'X-GitHub-Delivery' })}
        ${this.select('allow_redirect_and_cors', 'Redirect and CORS headers', [
          ['false', 'Dropped from the handler reply'],
          ['true', 'Sent as the handler sets them'],
        ])}`;
      default:
        return nothing;
    }
  }

  private formDialog() {
    return html`<ss-dialog
      id="trigger-dialog"
      heading="${this.editingId ? 'Edit' : 'New'} ${singular[this.kind]}"
      @ss-close=${() => (this.draft = undefined)}
    >
      ${
        this.draft
          ? html`<form id="trigger-form" class="form-grid" @submit=${this.save}>
              ${this.input('trigger_name', 'Trigger name', { help: 'A name task code and the CLI use: letters, digits and _.' })}
              ${this.input('description', 'Description')}
              <label for="t-active">Enabled</label>
              <div>
                <input
                  id="t-active"
                  type="checkbox"
                  .checked=${this.draft.active === true}
                  @change=${(e: Event) => this.set('active', (e.target as HTMLInputElement).checked)}
                />
              </div>
              ${this.kindFields()}
            </form>`
          : nothing
      }
      <button slot="footer" class="btn btn-primary" type="submit" form="trigger-form">Save</button>
      <button slot="footer" class="btn" @click=${() => this.dialog.close()}>Discard</button>
    </ss-dialog>`;
  }

  /** The API body of the draft: numbers as numbers, lists as arrays, empty optional fields as null. */
  private body(): Record<string, unknown> {
    const d = this.draft!;
    const body: Record<string, unknown> = { trigger_name: d.trigger_name, description: d.description, active: d.active };
    const num = (v: unknown) => (v === '' ? null : Number(v));
    switch (this.kind) {
      case 'cron':
        Object.assign(body, {
          interval_number: Number(d.interval_number),
          interval_type: d.interval_type,
          numbercall: Number(d.numbercall),
        });
        if (d.nextcall) body.nextcall = new Date(String(d.nextcall)).toISOString();
        break;
      case 'db':
        Object.assign(body, {
          model: d.model,
          kind: d.kind,
          filter_pre_domain: d.filter_pre_domain,
          filter_domain: d.filter_domain,
          watched_fields: String(d.watched_fields)
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean),
        });
        if (d.kind === 'on_time')
          Object.assign(body, { date_field: d.date_field || null, date_range: num(d.date_range), date_range_type: d.date_range_type });
        break;
      case 'webhook':
        Object.assign(body, {
          kind: d.kind,
          reply_mode: d.reply_mode,
          dedup_header: d.dedup_header || null,
          allow_redirect_and_cors: String(d.allow_redirect_and_cors) === 'true',
        });
        break;
    }
    return body;
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    const body = this.body();
    const fields = Object.keys(this.draft!);
    const ok = await this.attempt(
      () =>
        this.editingId === null
          ? this.api.post(`/tasks/${this.taskId}/triggers/${this.kind}`, body)
          : this.api.patch(`/triggers/${this.kind}/${this.editingId}`, body),
      fields,
    );
    if (ok) {
      this.dialog.close();
      this.triggers.reload();
    }
  }

  private async askRecords(trigger: DbTrigger): Promise<void> {
    this.fieldErrors = {};
    this.runDraft = { trigger, ids: '' };
    await this.updateComplete;
    await this.runDialog.open();
  }

  private runDialogTemplate() {
    const draft = this.runDraft;
    return html`<ss-dialog
      id="run-dialog"
      heading="Run ${draft?.trigger.trigger_name ?? ''} on records"
      @ss-close=${() => (this.runDraft = undefined)}
    >
      ${
        draft
          ? html`<form id="run-form" class="form-grid" @submit=${this.runOnRecords}>
              <label for="r-ids">Record ids</label>
              <div>
                <input
                  id="r-ids"
                  placeholder="7, 8, 9"
                  .value=${draft.ids}
                  aria-invalid=${this.invalid('ids')}
                  aria-describedby="r-ids-error r-ids-help"
                  @input=${(e: Event) => (this.runDraft = { ...draft, ids: (e.target as HTMLInputElement).value })}
                />
                <div class="muted" id="r-ids-help">
                  Ids of <code>${draft.trigger.model}</code> records, separated by commas. handle_db receives them read as a change would
                  hand them, without checking the trigger's domains or watched fields.
                </div>
                ${this.errorOf('ids', 'r-ids-error')}
              </div>
            </form>`
          : nothing
      }
      <button slot="footer" class="btn btn-primary" type="submit" form="run-form">Run</button>
      <button slot="footer" class="btn" @click=${() => this.runDialog.close()}>Discard</button>
    </ss-dialog>`;
  }

  private async runOnRecords(event: Event): Promise<void> {
    event.preventDefault();
    const { trigger, ids } = this.runDraft!;
    const parsed = ids
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    if (parsed.length === 0 || parsed.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
      this.fieldErrors = { ids: 'Record ids are whole numbers separated by commas, e.g. 7, 8, 9.' };
      return;
    }
    if (await this.runNow('db', trigger.id, trigger.trigger_name, { ids: parsed }, ['ids'])) this.runDialog.close();
  }

  private async deleteRow(t: AnyTrigger): Promise<void> {
    if (!(await confirmAction(this.renderRoot, `Delete ${singular[this.kind]}`, `Delete "${t.trigger_name}"?`, 'Delete'))) return;
    if (await this.attempt(() => this.api.delete(`/triggers/${this.kind}/${t.id}`))) this.triggers.reload();
  }
}
