/**
 * What every view shares: the API client, session and router from context, links that go through
 * the router, and the rule for errors — an API error naming a field is shown next to that field
 * (the view keeps it in `fieldErrors`), any other becomes a notification, and a lost connection is
 * left to the shell's banner.
 */
import { consume } from '@lit/context';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ApiError, ConnectionLostError, type ApiClient } from '../api/client.js';
import { apiContext, can, routerContext, sessionContext } from '../api/context.js';
import type { Role, RunNowAnswer, Session, TriggerKind } from '../api/types.js';
import type { Router } from '../router.js';
import { odooStyles } from '../styles.js';
import { confirmAction } from './ss-dialog.js';

export type NotificationKind = 'danger' | 'success' | 'info';

export class ViewBase extends LitElement {
  static override styles = [odooStyles];

  @consume({ context: apiContext }) api!: ApiClient;
  @consume({ context: sessionContext, subscribe: true }) session!: Session;
  @consume({ context: routerContext }) router!: Router;

  /** Errors of the last failed save, by the API's field name. */
  @state() fieldErrors: Record<string, string> = {};

  can(role: Role): boolean {
    return can(this.session, role);
  }

  link(path: string, label: unknown, attributes: { label?: string } = {}): TemplateResult {
    return html`<a
      href=${this.router.href(path)}
      aria-label=${attributes.label ?? nothing}
      @click=${(event: MouseEvent) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        this.router.navigate(path);
      }}
      >${label}</a
    >`;
  }

  go(path: string): void {
    this.router.navigate(path);
  }

  notify(message: string, kind: NotificationKind = 'danger'): void {
    this.dispatchEvent(new CustomEvent('ss-notify', { detail: { message, kind }, bubbles: true, composed: true }));
  }

  /** Shows a failure where it belongs; returns true when it was put next to a field of this form. */
  failed(error: unknown, fields: readonly string[] = []): boolean {
    if (error instanceof ConnectionLostError) return false;
    const named = error instanceof ApiError ? error.field : undefined;
    const field = named === undefined ? undefined : fields.find((f) => named === f || named.startsWith(`${f}.`));
    if (field !== undefined) {
      this.fieldErrors = { ...this.fieldErrors, [field]: (error as ApiError).message };
      return true;
    }
    this.notify(error instanceof Error ? error.message : String(error));
    return false;
  }

  /** Runs a save: clears the previous field errors, reports a failure, resolves whether it succeeded. */
  async attempt(action: () => Promise<unknown>, fields: readonly string[] = []): Promise<boolean> {
    this.fieldErrors = {};
    try {
      await action();
      return true;
    } catch (error) {
      this.failed(error, fields);
      return false;
    }
  }

  /**
   * Run Now: starts a cron or manual trigger (or a DB trigger on the records in `body`) and opens
   * its job. A disabled trigger (archived task or project) runs only when the user confirms, as
   * upstream's `force`. An error naming one of `fields` is shown next to it; resolves whether the
   * job was started.
   */
  async runNow(
    kind: TriggerKind,
    id: number,
    name: string,
    body: Record<string, unknown> = {},
    fields: readonly string[] = [],
  ): Promise<boolean> {
    const run = (force: boolean) => this.api.post<RunNowAnswer>(`/triggers/${kind}/${id}/run`, force ? { ...body, force } : body);
    this.fieldErrors = {};
    try {
      let answer: RunNowAnswer;
      try {
        answer = await run(false);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'trigger_disabled')) throw error;
        const sure = await confirmAction(this.renderRoot, `Run ${name}`, `${error.message}. Run it anyway?`, 'Run anyway');
        if (!sure) return false;
        answer = await run(true);
      }
      this.go(`/jobs/${answer.job_id}`);
      return true;
    } catch (error) {
      this.failed(error, fields);
      return false;
    }
  }

  /** aria attributes and the message under an input for a field's error. */
  invalid(field: string): 'true' | 'false' {
    return this.fieldErrors[field] ? 'true' : 'false';
  }
  errorOf(field: string, id: string): TemplateResult | typeof nothing {
    const message = this.fieldErrors[field];
    return message ? html`<div class="field-error" id=${id} role="alert">${message}</div>` : nothing;
  }
}
