/**
 * Odoo 16/17 backend look shared by every element: colours, control panel, list and form layouts,
 * buttons, notebook tabs and state badges, so the panel feels native once mounted inside Odoo.
 */
import { css } from 'lit';

export const odooStyles = css`
  :host {
    --o-brand: #714b67;
    --o-brand-dark: #5f3e56;
    --o-action: #017e84;
    --o-text: #374151;
    --o-muted: #6b7280;
    --o-border: #d8dadd;
    --o-bg: #f9fafb;
    --o-danger: #d23f3a;
    --o-success: #1e7e34;
    --o-warning: #e99d00;
    --o-info: #17a2b8;
    font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Noto Sans', Ubuntu, 'Liberation Sans', Arial, sans-serif;
    font-size: 14px;
    color: var(--o-text);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  a {
    color: var(--o-action);
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  h1,
  h2,
  h3 {
    font-weight: 500;
    margin: 0 0 8px;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    border: 1px solid transparent;
    border-radius: 4px;
    padding: 5px 10px;
    font: inherit;
    line-height: 1.4;
    cursor: pointer;
    background: #e7e9ed;
    color: var(--o-text);
    white-space: nowrap;
  }
  .btn:hover {
    background: #d8dadd;
  }
  .btn:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--o-action);
    outline-offset: 1px;
  }
  .btn-primary {
    background: var(--o-brand);
    color: #fff;
  }
  .btn-primary:hover {
    background: var(--o-brand-dark);
  }
  .btn-danger {
    background: var(--o-danger);
    color: #fff;
  }
  .btn-danger:hover {
    background: #b3322e;
  }
  .btn-link {
    background: none;
    color: var(--o-action);
    padding: 2px 4px;
  }
  .btn-link:hover {
    background: none;
    text-decoration: underline;
  }
  .btn[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    border: 1px solid var(--o-border);
    border-radius: 3px;
    padding: 4px 6px;
    background: #fff;
    min-width: 0;
  }
  textarea {
    width: 100%;
    min-height: 60px;
  }
  input[type='checkbox'] {
    accent-color: var(--o-brand);
    width: 16px;
    height: 16px;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--o-danger);
    background: #fdf2f2;
  }
  .field-error {
    color: var(--o-danger);
    font-size: 13px;
    margin-top: 2px;
  }
  .muted {
    color: var(--o-muted);
  }
  .sheet {
    background: #fff;
    border: 1px solid var(--o-border);
    box-shadow: 0 5px 20px -15px rgba(0, 0, 0, 0.3);
    max-width: 1140px;
    margin: 12px auto;
    padding: 16px 24px 24px;
  }
  .form-grid {
    display: grid;
    grid-template-columns: minmax(120px, 180px) 1fr;
    gap: 8px 16px;
    align-items: baseline;
    margin-bottom: 12px;
  }
  .form-grid > label,
  .form-grid > .label {
    font-weight: 600;
  }
  .form-grid input:not([type='checkbox']),
  .form-grid select {
    width: 100%;
  }
  table.o-list {
    width: 100%;
    border-collapse: collapse;
    background: #fff;
  }
  table.o-list th {
    text-align: left;
    font-weight: 600;
    border-bottom: 2px solid var(--o-border);
    padding: 6px 8px;
    white-space: nowrap;
    background: #fff;
  }
  table.o-list td {
    border-top: 1px solid #eceef0;
    padding: 6px 8px;
    vertical-align: top;
  }
  table.o-list tbody tr:hover {
    background: #f2f4f5;
  }
  table.o-list td.num,
  table.o-list th.num {
    text-align: right;
  }
  /* Positioned, so that what is visually hidden inside (the "Actions" heading) is clipped by its
     scrolling too instead of widening the page on a narrow screen. */
  .list-wrap {
    position: relative;
    overflow-x: auto;
    border: 1px solid var(--o-border);
    background: #fff;
  }
  .badge {
    display: inline-block;
    border-radius: 10rem;
    padding: 2px 8px;
    font-size: 12px;
    font-weight: 600;
    background: #e7e9ed;
    color: var(--o-text);
    white-space: nowrap;
  }
  .badge.success {
    background: #d4edda;
    color: #155724;
  }
  .badge.danger {
    background: #f8d7da;
    color: #721c24;
  }
  .badge.warning {
    background: #fff3cd;
    color: #6b4a00;
  }
  .badge.info {
    background: #d1ecf1;
    color: #0c5460;
  }
  .tabs {
    display: flex;
    flex-wrap: wrap;
    border-bottom: 1px solid var(--o-border);
    margin: 12px 0;
    gap: 2px;
  }
  .tabs [role='tab'] {
    border: 1px solid transparent;
    border-bottom: none;
    background: none;
    padding: 8px 14px;
    font: inherit;
    cursor: pointer;
    color: var(--o-text);
    margin-bottom: -1px;
    border-radius: 4px 4px 0 0;
  }
  .tabs [role='tab'][aria-selected='true'] {
    border-color: var(--o-border);
    background: #fff;
    font-weight: 600;
    color: var(--o-brand);
  }
  .section-title {
    font-size: 13px;
    font-weight: 700;
    text-transform: uppercase;
    color: var(--o-muted);
    border-bottom: 1px solid var(--o-border);
    margin: 18px 0 8px;
    padding-bottom: 4px;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    margin: 8px 0;
  }
  .content {
    padding: 0 16px 16px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  pre {
    white-space: pre-wrap;
    word-break: break-word;
    margin: 0;
    font-family: SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
    font-size: 12.5px;
  }
`;

/** The badge class of a job state, as Odoo's state badges colour them. */
export function stateClass(state: string | null | undefined): string {
  switch (state) {
    case 'done':
      return 'success';
    case 'done_warning':
      return 'warning';
    case 'failed':
      return 'danger';
    case 'started':
      return 'info';
    default:
      return '';
  }
}

export const stateLabels: Record<string, string> = {
  pending: 'Pending',
  started: 'Started',
  done: 'Done',
  done_warning: 'Done with warnings',
  failed: 'Failed',
};
