/**
 * A stateful stand-in for the Telegram Bot API: one bot (its token), its registered webhook
 * (URL, secret token, allowed updates) and the messages it sent, either by sendMessage or as a
 * method in a webhook's reply, which Telegram executes. `deliver` posts an update to the
 * registered webhook as Telegram does, with the secret token header (or a forged one).
 */
import { StubServer, type StubRequest } from './server.js';

export interface SentMessage {
  chat_id: number | string;
  text: string;
  via: 'sendMessage' | 'webhook reply';
}

export class TelegramStub extends StubServer {
  webhook: { url: string; secret_token: string; allowed_updates: string[] } | undefined;
  readonly sent: SentMessage[] = [];
  private nextMessageId = 1;
  private nextUpdateId = 1;

  constructor(readonly token: string) {
    const bot = (method: string) => new RegExp(`^/bot([^/]+)/${method}$`);
    const authorized = (request: StubRequest, match: RegExpMatchArray) => {
      if (match[1] !== this.token) throw Object.assign(new Error('Unauthorized'), { status: 401 });
      return request.body ?? {};
    };
    super([
      [
        'POST',
        bot('setWebhook'),
        (request, match) => {
          const body = authorized(request, match);
          this.webhook = { url: body.url, secret_token: body.secret_token, allowed_updates: body.allowed_updates };
          return { ok: true, result: true, description: 'Webhook was set' };
        },
      ],
      [
        'POST',
        bot('sendMessage'),
        (request, match) => {
          const body = authorized(request, match);
          return { ok: true, result: this.record({ chat_id: body.chat_id, text: body.text, via: 'sendMessage' }) };
        },
      ],
    ]);
  }

  /** Posts `message` (a Telegram Message without ids) to the webhook; `secretToken` overrides the registered one. */
  async deliver(
    post: (url: string, init: RequestInit) => Promise<Response>,
    message: { text: string; from: { id: number; first_name: string; last_name?: string; username?: string } },
    options: { edited?: boolean; secretToken?: string } = {},
  ): Promise<Response> {
    if (!this.webhook) throw new Error('no webhook registered with the Telegram stub');
    const full = { message_id: this.nextMessageId++, date: 1_700_000_000, chat: { id: message.from.id, type: 'private' }, ...message };
    const update = { update_id: this.nextUpdateId++, [options.edited ? 'edited_message' : 'message']: full };
    const response = await post(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': options.secretToken ?? this.webhook.secret_token },
      body: JSON.stringify(update),
    });
    const reply: any = response.ok
      ? await response
          .clone()
          .json()
          .catch(() => null)
      : null;
    if (reply && reply.method === 'sendMessage') this.record({ chat_id: reply.chat_id, text: reply.text, via: 'webhook reply' });
    return response;
  }

  private record(message: SentMessage) {
    this.sent.push(message);
    return { message_id: this.nextMessageId++, chat: { id: message.chat_id }, text: message.text };
  }
}
