/** The "New …" dialog of a list: one required Name field with the API's error beside it, Create and Discard. */
import { html, type TemplateResult } from 'lit';
import type { SsDialog } from './ss-dialog.js';
import type { ViewBase } from './view-base.js';
import './ss-dialog.js';

export interface NameDialog {
  /** The dialog's element id, and the prefix of its form's ids. */
  id: string;
  heading: string;
  value: string;
  input(value: string): void;
  submit(event: Event): void;
}

export function nameDialog(view: ViewBase, dialog: NameDialog): TemplateResult {
  const { id } = dialog;
  return html`<ss-dialog id=${id} heading=${dialog.heading}>
    <form id="${id}-form" class="form-grid" @submit=${(event: Event) => dialog.submit(event)}>
      <label for="${id}-name">Name</label>
      <div>
        <input
          id="${id}-name"
          required
          .value=${dialog.value}
          aria-invalid=${view.invalid('name')}
          aria-describedby="${id}-name-error"
          @input=${(event: Event) => dialog.input((event.target as HTMLInputElement).value)}
        />
        ${view.errorOf('name', `${id}-name-error`)}
      </div>
    </form>
    <button slot="footer" class="btn btn-primary" type="submit" form="${id}-form">Create</button>
    <button slot="footer" class="btn" @click=${(event: Event) => ((event.target as HTMLElement).closest('ss-dialog') as SsDialog).close()}>
      Discard
    </button>
  </ss-dialog>`;
}
