/**
 * `github`: GitHub's REST API for one repository (secrets GITHUB_TOKEN, a token with the "repo"
 * scope, and GITHUB_REPO, "owner/name"): issues, comments, labels of issues and of the
 * repository, webhooks. Webhooks are created with a secret (GITHUB_WEBHOOK_SECRET, or one derived
 * from the token); `github.check_signature(request)` verifies `X-Hub-Signature-256` with it,
 * `github.verify_signature(request)` throws a WebhookSignatureError (the webhook answers 401) unless it matches.
 */
import { ApiClient, PluginApiError } from './api-client.js';
import type { EvalContextPlugin } from './index.js';
import { derivedWebhookSecret, githubSignatureValid, requireSigned, type SignedRequest } from './signatures.js';

interface Label {
  id: number;
  name: string;
  color: string;
}
interface Issue {
  number: number;
  title: string;
  body: string | null;
  labels: Label[];
  html_url: string;
  pull_request?: unknown;
}

const PAGE_SIZE = 100;

export function githubPlugin(baseUrl = 'https://api.github.com'): EvalContextPlugin {
  return {
    name: 'github',
    displayName: 'GitHub',
    description:
      'GitHub REST API for one repository. Needs the secrets GITHUB_TOKEN (repo scope) and GITHUB_REPO (owner/name); ' +
      'GITHUB_WEBHOOK_SECRET is optional. github.set_webhook(url, events), github.check_signature(request) → true/false, ' +
      'github.verify_signature(request) (throws WebhookSignatureError: the webhook answers 401), ' +
      'github.get_all_issues(page) → [{id, name, body, labels, url}] (page from 0, 100 a page; all pages without it), github.issue_comment(number, text), github.issue_add_labels(number, label_ids), ' +
      'github.issue_remove_labels(number, label_ids), github.label_create(name, color) → id, github.label_update(id, name, color) → false when nothing changes, ' +
      'github.label_delete(id), github.get_labels(); GITHUB = "github" names the system in links.',
    exportNames: [
      'github.set_webhook',
      'github.check_signature',
      'github.verify_signature',
      'github.get_all_issues',
      'github.issue_comment',
      'github.issue_add_labels',
      'github.issue_remove_labels',
      'github.label_create',
      'github.label_update',
      'github.label_delete',
      'github.get_labels',
      'GITHUB',
    ],
    create(secrets, context) {
      const token = secrets.GITHUB_TOKEN;
      const repo = secrets.GITHUB_REPO;
      if (!token || !repo) throw new Error('GitHub credentials are not set (secrets GITHUB_TOKEN and GITHUB_REPO)');
      const webhookSecret = secrets.GITHUB_WEBHOOK_SECRET || derivedWebhookSecret(token, 'github');
      const api = new ApiClient(
        {
          name: 'github',
          baseUrl,
          headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
        },
        context,
      );
      const at = `/repos/${repo}`;
      const labels = async (): Promise<Label[]> => {
        const all: Label[] = [];
        for (let page = 1; ; page++) {
          const batch = await api.call<Label[]>({ method: 'GET', path: `${at}/labels`, query: { per_page: PAGE_SIZE, page } });
          all.push(...batch);
          if (batch.length < PAGE_SIZE) return all;
        }
      };
      const labelsById = async (ids: (string | number)[]) => {
        const wanted = new Set(ids.map(String));
        return (await labels()).filter((label) => wanted.has(String(label.id)));
      };
      const labelById = async (id: string | number) => {
        const [label] = await labelsById([id]);
        if (!label) throw new Error(`GitHub label ${id} does not exist in ${repo}`);
        return label;
      };
      // Only labels not yet on the issue are added, only those on it removed: an echo of our own change changes nothing.
      const labelNamesOf = async (number: number) =>
        new Set((await api.call<Issue>({ method: 'GET', path: `${at}/issues/${number}` })).labels.map((label) => label.name));
      const issuesPage = (page: number) =>
        api.call<Issue[]>({ method: 'GET', path: `${at}/issues`, query: { state: 'open', per_page: PAGE_SIZE, page } });
      const asIssue = (issue: Issue) => ({
        id: issue.number,
        name: issue.title,
        body: issue.body ?? '',
        labels: issue.labels,
        url: issue.html_url,
      });
      return {
        GITHUB: 'github',
        'github.set_webhook': (url: string, events: string[]) =>
          api.call({
            method: 'POST',
            path: `${at}/hooks`,
            body: { name: 'web', active: true, events, config: { url, content_type: 'json', secret: webhookSecret } },
          }),
        'github.check_signature': (request: SignedRequest) => githubSignatureValid(request, webhookSecret),
        'github.verify_signature': (request: SignedRequest) =>
          requireSigned(
            githubSignatureValid(request, webhookSecret),
            'refused: X-Hub-Signature-256 is missing or does not match the body signed with the webhook secret',
          ),
        'github.get_all_issues': async (page?: number) => {
          if (page !== undefined && page !== null) return (await issuesPage(page + 1)).filter((i) => !i.pull_request).map(asIssue);
          const all: Issue[] = [];
          for (let next = 1; ; next++) {
            const batch = await issuesPage(next);
            all.push(...batch);
            if (batch.length < PAGE_SIZE) return all.filter((i) => !i.pull_request).map(asIssue);
          }
        },
        'github.issue_comment': async (number: number, text: string) =>
          (await api.call<{ id: number }>({ method: 'POST', path: `${at}/issues/${number}/comments`, body: { body: text } })).id,
        'github.issue_add_labels': async (number: number, labelIds: (string | number)[]) => {
          const attached = await labelNamesOf(number);
          const names = (await labelsById(labelIds)).map((label) => label.name).filter((name) => !attached.has(name));
          if (names.length > 0) await api.call({ method: 'POST', path: `${at}/issues/${number}/labels`, body: { labels: names } });
          return names;
        },
        'github.issue_remove_labels': async (number: number, labelIds: (string | number)[]) => {
          const attached = await labelNamesOf(number);
          const names = (await labelsById(labelIds)).map((label) => label.name).filter((name) => attached.has(name));
          for (const name of names) {
            await api.call({ method: 'DELETE', path: `${at}/issues/${number}/labels/${encodeURIComponent(name)}` });
          }
          return names;
        },
        'github.label_create': async (name: string, color: string) => {
          const existing = async () => (await labels()).find((label) => label.name.toLowerCase() === name.toLowerCase());
          const found = await existing();
          if (found) return found.id;
          try {
            return (await api.call<Label>({ method: 'POST', path: `${at}/labels`, body: { name, color: color.replace(/^#/, '') } })).id;
          } catch (error) {
            // 422 already_exists: created meanwhile (e.g. by a parallel job); that label is the one.
            const raced = error instanceof PluginApiError && error.apiStatus === 422 ? await existing() : undefined;
            if (!raced) throw error;
            return raced.id;
          }
        },
        'github.label_update': async (id: string | number, name: string | null, color: string | null) => {
          const label = await labelById(id);
          const body: Record<string, string> = {};
          if (name && name !== label.name) body.new_name = name;
          if (color && color.replace(/^#/, '').toLowerCase() !== label.color.toLowerCase()) body.color = color.replace(/^#/, '');
          // Nothing to change (e.g. the echo of a change made from the other side): no call, so no new event.
          if (Object.keys(body).length === 0) return false;
          await api.call({ method: 'PATCH', path: `${at}/labels/${encodeURIComponent(label.name)}`, body });
          return true;
        },
        'github.label_delete': async (id: string | number) => {
          const label = await labelById(id);
          await api.call({ method: 'DELETE', path: `${at}/labels/${encodeURIComponent(label.name)}` });
        },
        'github.get_labels': labels,
      };
    },
  };
}
