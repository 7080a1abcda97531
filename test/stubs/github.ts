/**
 * A stateful stand-in for GitHub's REST API for one repository: its labels, issues (with their
 * labels and comments) and webhooks, behind a bearer token. The test acts as a GitHub user with
 * `openIssue`, `comment`, `label`, `unlabel`, `editLabel` and `deleteLabel`: each changes the
 * state and delivers the event GitHub would send to the hooks subscribed to it, signed
 * (`X-Hub-Signature-256`) with the hook's secret, or with a forged signature; `redeliver` sends the
 * last delivery again. Changes made through
 * the API send no events (GitHub would; the tests drive each event themselves).
 */
import { createHmac } from 'node:crypto';
import { StubServer, notFound, type StubRequest } from './server.js';

export interface GithubLabel {
  id: number;
  name: string;
  color: string;
}
export interface GithubIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: GithubLabel[];
  comments: string[];
}
export interface GithubHook {
  id: number;
  events: string[];
  config: { url: string; content_type: string; secret: string };
}

type Post = (url: string, init: RequestInit) => Promise<Response>;

export class GithubStub extends StubServer {
  readonly labels: GithubLabel[] = [];
  readonly issues: GithubIssue[] = [];
  readonly hooks: GithubHook[] = [];
  private nextId = 1000;
  private lastDelivery: { url: string; init: RequestInit } | undefined;

  constructor(
    readonly token: string,
    readonly repo: string,
  ) {
    const at = (rest: string) => new RegExp(`^/repos/([^/]+/[^/]+)${rest}$`);
    const auth = (request: StubRequest, match: RegExpMatchArray) => {
      if (request.headers.authorization !== `Bearer ${this.token}`) throw Object.assign(new Error('Bad credentials'), { status: 401 });
      if (match[1] !== this.repo) throw notFound('Not Found');
    };
    const route = (method: string, rest: string, answer: (request: StubRequest, match: RegExpMatchArray) => unknown) =>
      [
        method,
        at(rest),
        (request: StubRequest, match: RegExpMatchArray) => {
          auth(request, match);
          return answer(request, match);
        },
      ] as [string, RegExp, (request: StubRequest, match: RegExpMatchArray) => unknown];
    super([
      route('GET', '/labels', (request) => page(this.labels, request)),
      route('POST', '/labels', (request) => {
        const { name, color } = request.body;
        if (this.labelNamed(name)) throw Object.assign(new Error('Validation Failed: already_exists'), { status: 422 });
        const label = { id: this.nextId++, name, color };
        this.labels.push(label);
        return { status: 201, body: label };
      }),
      route('PATCH', '/labels/([^/]+)', (request, match) => {
        const label = this.existingLabel(decodeURIComponent(match[2]!));
        if (request.body.new_name) label.name = request.body.new_name;
        if (request.body.color) label.color = request.body.color;
        return label;
      }),
      route('DELETE', '/labels/([^/]+)', (_request, match) => {
        this.removeLabel(this.existingLabel(decodeURIComponent(match[2]!)));
        return { status: 204, body: null };
      }),
      route('GET', '/issues', (request) => {
        const state = request.query.get('state') ?? 'open';
        return page(
          this.issues.filter((issue) => state === 'all' || issue.state === state).map((issue) => this.issueJson(issue)),
          request,
        );
      }),
      route('GET', '/issues/(\\d+)', (_request, match) => this.issueJson(this.issue(Number(match[2])))),
      route('POST', '/issues/(\\d+)/comments', (request, match) => {
        this.issue(Number(match[2])).comments.push(request.body.body);
        return { status: 201, body: { id: this.nextId++, body: request.body.body } };
      }),
      route('POST', '/issues/(\\d+)/labels', (request, match) => {
        const issue = this.issue(Number(match[2]));
        for (const name of request.body.labels as string[]) {
          const label = this.existingLabel(name);
          if (!issue.labels.includes(label)) issue.labels.push(label);
        }
        return issue.labels;
      }),
      route('DELETE', '/issues/(\\d+)/labels/([^/]+)', (_request, match) => {
        const issue = this.issue(Number(match[2]));
        const label = this.existingLabel(decodeURIComponent(match[3]!));
        if (!issue.labels.includes(label)) throw notFound('Label does not exist');
        issue.labels.splice(issue.labels.indexOf(label), 1);
        return issue.labels;
      }),
      route('POST', '/hooks', (request) => {
        const hook = { id: this.nextId++, events: request.body.events, config: request.body.config };
        this.hooks.push(hook);
        return { status: 201, body: hook };
      }),
    ]);
  }

  // ---- the test as a GitHub user ----------------------------------------------------------------

  /** A repository label (made in GitHub's UI: no event). */
  addRepoLabel(name: string, color: string): GithubLabel {
    const label = { id: this.nextId++, name, color };
    this.labels.push(label);
    return label;
  }

  /** An issue GitHub already has (no event), e.g. before the integration was set up. */
  addIssue(title: string, body: string | null = null, labelNames: string[] = []): GithubIssue {
    const issue: GithubIssue = {
      number: this.issues.length + 1,
      title,
      body,
      state: 'open',
      labels: labelNames.map((name) => this.existingLabel(name)),
      comments: [],
    };
    this.issues.push(issue);
    return issue;
  }

  async openIssue(post: Post, title: string, body: string | null, labelNames: string[] = [], options: { forged?: boolean } = {}) {
    const issue = this.addIssue(title, body, labelNames);
    const response = await this.deliver(post, 'issues', { action: 'opened', issue: this.issueJson(issue) }, options);
    return { issue, response };
  }

  comment(post: Post, number: number, body: string) {
    this.issue(number).comments.push(body);
    return this.deliver(post, 'issue_comment', {
      action: 'created',
      issue: this.issueJson(this.issue(number)),
      comment: { id: this.nextId++, body },
    });
  }

  label(post: Post, number: number, name: string) {
    const issue = this.issue(number);
    const label = this.existingLabel(name);
    if (!issue.labels.includes(label)) issue.labels.push(label);
    return this.deliver(post, 'issues', { action: 'labeled', issue: this.issueJson(issue), label });
  }

  unlabel(post: Post, number: number, name: string) {
    const issue = this.issue(number);
    const label = this.existingLabel(name);
    issue.labels.splice(issue.labels.indexOf(label), 1);
    return this.deliver(post, 'issues', { action: 'unlabeled', issue: this.issueJson(issue), label });
  }

  editLabel(post: Post, name: string, changes: { name?: string; color?: string }) {
    const label = this.existingLabel(name);
    const was = { ...label };
    Object.assign(label, changes);
    return this.deliver(post, 'label', {
      action: 'edited',
      label,
      changes: Object.fromEntries(Object.keys(changes).map((key) => [key, { from: was[key as 'name' | 'color'] }])),
    });
  }

  deleteLabel(post: Post, name: string) {
    const label = this.existingLabel(name);
    this.removeLabel(label);
    return this.deliver(post, 'label', { action: 'deleted', label });
  }

  /** Posts the last delivery again, as GitHub's "Redeliver" button does (same body and signature). */
  redeliver(post: Post): Promise<Response> {
    if (!this.lastDelivery) throw new Error('nothing was delivered yet');
    return post(this.lastDelivery.url, this.lastDelivery.init);
  }

  /** Posts `payload` as event `event` to every hook subscribed to it; answers the last hook's response. */
  async deliver(post: Post, event: string, payload: object, options: { forged?: boolean } = {}): Promise<Response> {
    const hooks = this.hooks.filter((hook) => hook.events.includes(event));
    if (hooks.length === 0) throw new Error(`no GitHub hook subscribed to ${event}`);
    let response: Response | undefined;
    for (const hook of hooks) {
      const body = JSON.stringify({ ...payload, repository: { full_name: this.repo } });
      const secret = options.forged ? 'not-the-secret' : hook.config.secret;
      const init = {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      };
      this.lastDelivery = { url: hook.config.url, init };
      response = await post(hook.config.url, init);
    }
    return response!;
  }

  labelNamed(name: string): GithubLabel | undefined {
    return this.labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
  }

  issue(number: number): GithubIssue {
    const issue = this.issues.find((candidate) => candidate.number === number);
    if (!issue) throw notFound(`no issue ${number}`);
    return issue;
  }

  private existingLabel(name: string): GithubLabel {
    const label = this.labelNamed(name);
    if (!label) throw notFound(`Label ${name} does not exist`);
    return label;
  }

  /** The issue as GitHub's API and events show it. */
  issueJson(issue: GithubIssue) {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels.map((label) => ({ ...label })),
      html_url: `https://github.com/${this.repo}/issues/${issue.number}`,
    };
  }

  private removeLabel(label: GithubLabel) {
    this.labels.splice(this.labels.indexOf(label), 1);
    for (const issue of this.issues) issue.labels = issue.labels.filter((other) => other !== label);
  }
}

/** GitHub's pagination: `per_page` (default 30) and 1-based `page`. */
function page<T>(items: T[], request: StubRequest): T[] {
  const perPage = Number(request.query.get('per_page') ?? 30);
  const number = Number(request.query.get('page') ?? 1);
  return items.slice((number - 1) * perPage, number * perPage);
}
