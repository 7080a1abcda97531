/**
 * A stateful stand-in for Trello's REST API for one board: its lists, cards (labels, comments),
 * labels and webhooks, behind the `key` and `token` query parameters. Creating a webhook first
 * sends its callback URL a HEAD request and refuses the webhook unless it answers 200, as Trello
 * does. The test acts as a Trello user with `attachLabel`, `detachLabel`, `editLabel` and
 * `deleteLabel`: each changes the board and posts the action to every webhook of the board,
 * signed (`X-Trello-Webhook`: base64 HMAC-SHA1 of body + callback URL with the application
 * secret), or with a forged signature. Changes made through the API send no actions.
 */
import { trelloSignature } from '../../server/src/plugins/signatures.js';
import { StubServer, notFound, type StubRequest } from './server.js';

export interface TrelloLabel {
  id: string;
  idBoard: string;
  name: string;
  color: string | null;
}
export interface TrelloCard {
  id: string;
  idList: string;
  name: string;
  desc: string;
  idLabels: string[];
  comments: string[];
}
export interface TrelloWebhook {
  id: string;
  idModel: string;
  callbackURL: string;
  description: string;
}

type Post = (url: string, init: RequestInit) => Promise<Response>;

export class TrelloStub extends StubServer {
  readonly board = 'board0000000000000000001';
  readonly list = 'list0000000000000000001';
  readonly labels: TrelloLabel[] = [];
  readonly cards: TrelloCard[] = [];
  readonly webhooks: TrelloWebhook[] = [];
  /** How the stub reaches callback URLs (the sidecar under test); set once it runs. */
  post: Post | undefined;
  private nextId = 1;

  constructor(
    readonly key: string,
    readonly token: string,
    readonly appSecret: string,
  ) {
    const auth = (request: StubRequest) => {
      if (request.query.get('key') !== this.key) throw Object.assign(new Error('invalid key'), { status: 401 });
      if (request.query.get('token') !== this.token) throw Object.assign(new Error('invalid token'), { status: 401 });
    };
    const route = (method: string, path: string, answer: (request: StubRequest, match: RegExpMatchArray) => unknown) =>
      [
        method,
        new RegExp(`^/1${path}$`),
        (request: StubRequest, match: RegExpMatchArray) => {
          auth(request);
          return answer(request, match);
        },
      ] as [string, RegExp, (request: StubRequest, match: RegExpMatchArray) => unknown];
    super([
      route('POST', '/tokens/([^/]+)/webhooks/?', async (request) => {
        const { callbackURL, idModel, description } = request.body;
        if (idModel !== this.board) throw notFound(`model not found: ${idModel}`);
        const head = await this.post!(callbackURL, { method: 'HEAD' });
        if (head.status !== 200) {
          return { status: 400, body: { message: `URL (${callbackURL}) did not return 200 status code, got ${head.status}` } };
        }
        const hook = { id: this.id('hook'), idModel, callbackURL, description };
        this.webhooks.push(hook);
        return hook;
      }),
      route('GET', '/tokens/([^/]+)/webhooks', () => this.webhooks),
      route('DELETE', '/webhooks/([^/]+)', (_request, match) => {
        const index = this.webhooks.findIndex((hook) => hook.id === match[1]);
        if (index < 0) throw notFound('webhook not found');
        this.webhooks.splice(index, 1);
        return {};
      }),
      route('GET', '/boards/([^/]+)/lists', (_request, match) => {
        this.checkBoard(match[1]!);
        return [{ id: this.list, name: 'To Do', closed: false }];
      }),
      route('GET', '/boards/([^/]+)/labels', (_request, match) => {
        this.checkBoard(match[1]!);
        return this.labels;
      }),
      route('GET', '/boards/([^/]+)/cards', (_request, match) => {
        this.checkBoard(match[1]!);
        return this.cards.map((card) => this.json(card));
      }),
      route('POST', '/cards', (request) => {
        const { idList, name, desc } = request.body;
        if (idList !== this.list) throw Object.assign(new Error('invalid value for idList'), { status: 400 });
        const card: TrelloCard = { id: this.id('card'), idList, name, desc: desc ?? '', idLabels: [], comments: [] };
        this.cards.push(card);
        return this.json(card);
      }),
      route('GET', '/cards/([^/]+)', (_request, match) => this.json(this.card(match[1]!))),
      route('DELETE', '/cards/([^/]+)', (_request, match) => {
        this.cards.splice(this.cards.indexOf(this.card(match[1]!)), 1);
        return {};
      }),
      route('POST', '/cards/([^/]+)/actions/comments', (request, match) => {
        this.card(match[1]!).comments.push(request.body.text);
        return { id: this.id('action'), type: 'commentCard', data: { text: request.body.text } };
      }),
      route('POST', '/cards/([^/]+)/idLabels', (request, match) => {
        const card = this.card(match[1]!);
        const label = this.label(request.body.value);
        if (card.idLabels.includes(label.id)) throw Object.assign(new Error('that label is already on the card'), { status: 400 });
        card.idLabels.push(label.id);
        return card.idLabels;
      }),
      route('DELETE', '/cards/([^/]+)/idLabels/([^/]+)', (_request, match) => {
        const card = this.card(match[1]!);
        if (!card.idLabels.includes(match[2]!)) throw notFound('label not on the card');
        card.idLabels = card.idLabels.filter((id) => id !== match[2]);
        return {};
      }),
      route('POST', '/labels', (request) => {
        const { idBoard, name, color } = request.body;
        this.checkBoard(idBoard);
        const label = { id: this.id('label'), idBoard, name, color: color ?? null };
        this.labels.push(label);
        return label;
      }),
      route('GET', '/labels/([^/]+)', (_request, match) => this.label(match[1]!)),
      route('PUT', '/labels/([^/]+)', (request, match) => {
        const label = this.label(match[1]!);
        if (request.body.name !== undefined) label.name = request.body.name;
        if (request.body.color !== undefined) label.color = request.body.color;
        return label;
      }),
      route('DELETE', '/labels/([^/]+)', (_request, match) => {
        this.removeLabel(this.label(match[1]!));
        return {};
      }),
    ]);
  }

  // ---- the test as a Trello user ----------------------------------------------------------------

  /** A board label (made in Trello's UI: no action). */
  addBoardLabel(name: string, color: string | null): TrelloLabel {
    const label = { id: this.id('label'), idBoard: this.board, name, color };
    this.labels.push(label);
    return label;
  }

  attachLabel(post: Post, cardId: string, labelId: string, options: { forged?: boolean } = {}) {
    const card = this.card(cardId);
    const label = this.label(labelId);
    if (!card.idLabels.includes(labelId)) card.idLabels.push(labelId);
    return this.act(post, 'addLabelToCard', { card: { id: card.id, name: card.name }, label: { ...label } }, options);
  }

  detachLabel(post: Post, cardId: string, labelId: string) {
    const card = this.card(cardId);
    const label = this.label(labelId);
    card.idLabels = card.idLabels.filter((id) => id !== labelId);
    return this.act(post, 'removeLabelFromCard', { card: { id: card.id, name: card.name }, label: { ...label } });
  }

  editLabel(post: Post, labelId: string, changes: { name?: string; color?: string }) {
    const label = this.label(labelId);
    const old = { ...label };
    Object.assign(label, changes);
    return this.act(post, 'updateLabel', {
      label: { ...label },
      old: Object.fromEntries(Object.keys(changes).map((k) => [k, old[k as 'name']])),
    });
  }

  deleteLabel(post: Post, labelId: string) {
    const label = this.label(labelId);
    this.removeLabel(label);
    return this.act(post, 'deleteLabel', { label: { id: label.id } });
  }

  /** Posts an action to every webhook of the board; answers their responses. */
  async act(post: Post, type: string, data: object, options: { forged?: boolean } = {}): Promise<Response[]> {
    const hooks = this.webhooks.filter((hook) => hook.idModel === this.board);
    if (hooks.length === 0) throw new Error('no Trello webhook on the board');
    const responses: Response[] = [];
    for (const hook of hooks) {
      const body = JSON.stringify({
        model: { id: this.board },
        action: { id: this.id('action'), type, data: { ...data, board: { id: this.board } } },
        webhook: { id: hook.id, idModel: hook.idModel, callbackURL: hook.callbackURL },
      });
      const secret = options.forged ? 'not-the-app-secret' : this.appSecret;
      responses.push(
        await post(hook.callbackURL, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-trello-webhook': trelloSignature(body, secret, hook.callbackURL) },
          body,
        }),
      );
    }
    return responses;
  }

  card(id: string): TrelloCard {
    const card = this.cards.find((candidate) => candidate.id === id);
    if (!card) throw notFound('The requested resource was not found.');
    return card;
  }

  label(id: string): TrelloLabel {
    const label = this.labels.find((candidate) => candidate.id === id);
    if (!label) throw notFound('The requested resource was not found.');
    return label;
  }

  labelNamed(name: string): TrelloLabel | undefined {
    return this.labels.find((label) => label.name === name);
  }

  private json(card: TrelloCard) {
    return { id: card.id, idList: card.idList, idBoard: this.board, name: card.name, desc: card.desc, idLabels: [...card.idLabels] };
  }

  private checkBoard(id: string) {
    if (id !== this.board) throw notFound(`board not found: ${id}`);
  }

  private removeLabel(label: TrelloLabel) {
    this.labels.splice(this.labels.indexOf(label), 1);
    for (const card of this.cards) card.idLabels = card.idLabels.filter((id) => id !== label.id);
  }

  /** Trello ids are 24 hex digits. */
  private id(kind: string): string {
    const n = (this.nextId++).toString(16);
    return `${Buffer.from(kind).toString('hex').slice(0, 8)}${n.padStart(16, '0')}`;
  }
}
