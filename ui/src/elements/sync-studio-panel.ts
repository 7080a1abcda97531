/**
 * <sync-studio-panel>: the shell. Signs in (token from the page's fragment, a pasted token, or the
 * host's token provider inside Odoo), provides the API client, session and router to every view,
 * shows the top menu, the lost-connection banner and notifications, and picks the view of the
 * current location.
 */
import { provide } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { ApiClient, ApiError, ConnectionLostError, type TokenProvider } from '../api/client.js';
import { apiContext, routerContext, sessionContext } from '../api/context.js';
import type { Session } from '../api/types.js';
import { Router } from '../router.js';
import { odooStyles } from '../styles.js';
import { forgetToken, storedToken, storeToken, takeTokenFromFragment, tokenExpiry } from '../token.js';
import './ss-sign-in.js';
import './ss-notifications.js';
import './ss-connection-banner.js';
import './ss-project-list.js';
import './ss-project-form.js';
import './ss-task-form.js';
import './ss-job-list.js';
import './ss-job-form.js';
import './ss-log-list.js';
import './ss-link-list.js';
import './ss-webhook-journal.js';
import './ss-db-trigger-activity.js';
import type { SsNotifications } from './ss-notifications.js';

type Phase = { name: 'sign-in'; reason?: string } | { name: 'loading' } | { name: 'ready' };

@customElement('sync-studio-panel')
export class SyncStudioPanel extends LitElement {
  static override styles = [
    odooStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100%;
        background: var(--o-bg);
      }
      nav.o-navbar {
        display: flex;
        align-items: center;
        gap: 4px;
        background: var(--o-brand);
        color: #fff;
        padding: 0 12px;
        min-height: 46px;
        flex-wrap: wrap;
      }
      nav.o-navbar .brand {
        font-size: 18px;
        font-weight: 500;
        margin-right: 16px;
      }
      nav.o-navbar a {
        color: #fff;
        padding: 12px 10px;
      }
      nav.o-navbar a[aria-current='page'] {
        background: rgba(0, 0, 0, 0.15);
        text-decoration: none;
      }
      nav.o-navbar .right {
        margin-left: auto;
        display: flex;
        align-items: center;
        gap: 8px;
      }
      nav.o-navbar .btn {
        background: rgba(255, 255, 255, 0.15);
        color: #fff;
      }
      main {
        flex: 1;
        min-width: 0;
      }
    `,
  ];

  /** The API root, e.g. `https://sidecar.example/api`; defaults to this page's origin. */
  @property({ attribute: 'api-base' }) apiBase = `${location.origin}/api`;
  /** Inside Odoo: the host's token provider (renews before expiry). Standalone: unset. */
  @property({ attribute: false }) getToken: TokenProvider | undefined;
  /** Inside Odoo: no top menu (Odoo shows its own) and in-memory routing. */
  @property({ type: Boolean }) embedded = false;
  /** The first view when embedded: projects, jobs or logs. */
  @property() view: 'projects' | 'jobs' | 'logs' = 'projects';

  @provide({ context: apiContext }) api!: ApiClient;
  /** Set once signed in; views only render then. */
  @provide({ context: sessionContext }) @state() session!: Session;
  @provide({ context: routerContext }) router!: Router;

  @state() private phase: Phase = { name: 'loading' };
  @state() private online = true;
  /** Bumped when the connection comes back, so the current view reloads its data. */
  @state() private generation = 0;
  private token: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.router = new Router(this.embedded ? 'memory' : 'hash', `/${this.view}`);
    this.router.addEventListener('change', () => {
      this.notifications()?.pageChanged(this.router.location.path);
      this.requestUpdate();
    });
    const provider: TokenProvider = this.getToken ?? (async () => this.token ?? '');
    this.api = new ApiClient(this.apiBase.replace(/\/$/, ''), provider);
    this.api.addEventListener('connection', () => {
      this.online = this.api.online;
      if (this.online) {
        this.generation += 1;
        this.notifications()?.show('The connection to Sync Studio is back.', 'success');
      }
    });
    this.api.addEventListener('unauthorized', (event) => this.signOut((event as CustomEvent<string>).detail));
    this.addEventListener('ss-notify', (event) => {
      const { message, kind } = (event as CustomEvent<{ message: string; kind: 'danger' | 'success' | 'info' }>).detail;
      this.notifications()?.show(message, kind, this.router.location.path);
    });
    window.addEventListener('beforeunload', this.onBeforeUnload);
    if (!this.getToken) this.token = takeTokenFromFragment(location, history) ?? storedToken();
    if (this.getToken || this.token) void this.loadSession();
    else this.phase = { name: 'sign-in' };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.router.dispose();
    this.api.dispose();
  }

  private readonly onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!this.router.mayLeave()) event.preventDefault();
  };

  private notifications(): SsNotifications | null {
    return this.renderRoot.querySelector('ss-notifications');
  }

  private async loadSession(): Promise<void> {
    this.phase = { name: 'loading' };
    try {
      this.session = await this.api.get<Session>('/session');
      this.phase = { name: 'ready' };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // signOut already ran
      this.phase = {
        name: 'sign-in',
        reason: error instanceof ConnectionLostError ? 'The Sync Studio server cannot be reached.' : String((error as Error).message),
      };
    }
  }

  private signIn(token: string): void {
    this.token = token;
    storeToken(token);
    const expiry = tokenExpiry(token);
    if (expiry !== undefined && expiry * 1000 <= Date.now()) {
      this.signOut('the token has expired');
      return;
    }
    void this.loadSession();
  }

  private signOut(reason?: string): void {
    this.token = undefined;
    forgetToken();
    this.phase = { name: 'sign-in', ...(reason ? { reason: `You were signed out: ${reason}.` } : {}) };
  }

  override render() {
    const banner = this.online ? nothing : html`<ss-connection-banner .api=${this.api}></ss-connection-banner>`;
    const notes = html`<ss-notifications></ss-notifications>`;
    if (this.phase.name === 'sign-in')
      return html`${banner}<ss-sign-in
          .reason=${this.phase.reason}
          .embedded=${this.getToken !== undefined}
          @ss-sign-in=${(e: CustomEvent<string>) => this.signIn(e.detail)}
        ></ss-sign-in
        >${notes}`;
    if (this.phase.name === 'loading')
      return html`${banner}
        <p class="content" role="status">Loading…</p>
        ${notes}`;
    return html`${this.embedded ? nothing : this.navbar()}${banner}
      <main>${keyed(`${this.generation}:${this.router.location.path}`, this.viewOf())}</main>
      ${notes}`;
  }

  private navbar() {
    const first = this.router.location.segments[0] ?? 'projects';
    const item = (path: string, label: string, section: string) =>
      html`<a
        href=${this.router.href(path)}
        aria-current=${first === section ? 'page' : nothing}
        @click=${(e: MouseEvent) => {
          e.preventDefault();
          this.router.navigate(path);
        }}
        >${label}</a
      >`;
    return html`<nav class="o-navbar" aria-label="Sync Studio">
      <span class="brand">Sync Studio</span>
      ${item('/projects', 'Projects', 'projects')} ${item('/jobs', 'Jobs', 'jobs')} ${item('/logs', 'Logs', 'logs')}
      ${item('/links', 'Links', 'links')}
      <span class="right">
        <span class="badge" title="Your role">${this.session?.role}</span>
        ${this.getToken ? nothing : html`<button class="btn" @click=${() => this.signOut()}>Sign out</button>`}
      </span>
    </nav>`;
  }

  private viewOf() {
    const [section, id, tab] = this.router.location.segments;
    const query = this.router.location.query;
    const numericId = Number(id);
    switch (section) {
      case 'projects':
        return id
          ? html`<ss-project-form .projectId=${numericId} .tab=${tab ?? 'parameters'}></ss-project-form>`
          : html`<ss-project-list></ss-project-list>`;
      case 'tasks':
        return html`<ss-task-form .taskId=${numericId}></ss-task-form>`;
      case 'jobs':
        return id ? html`<ss-job-form .jobId=${numericId}></ss-job-form>` : html`<ss-job-list .query=${query}></ss-job-list>`;
      case 'logs':
        return html`<ss-log-list .query=${query}></ss-log-list>`;
      case 'links':
        return html`<ss-link-list></ss-link-list>`;
      case 'webhooks':
        return html`<ss-webhook-journal .triggerId=${numericId}></ss-webhook-journal>`;
      case 'db-triggers':
        return html`<ss-db-trigger-activity .triggerId=${numericId}></ss-db-trigger-activity>`;
      default:
        return html`<ss-project-list></ss-project-list>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sync-studio-panel': SyncStudioPanel;
  }
}
