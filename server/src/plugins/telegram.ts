/**
 * `telegram`: the Telegram Bot API for a bot whose token is the project secret
 * TELEGRAM_BOT_TOKEN. The webhook is registered with a secret token derived from the bot token,
 * which Telegram sends back in `X-Telegram-Bot-Api-Secret-Token` on every update:
 * `telegram.check_request(request)` tells a real update from a forged one;
 * `telegram.verify_request(request)` throws a WebhookSignatureError (the webhook answers 401) for a forged one.
 */
import { ApiClient } from './api-client.js';
import type { EvalContextPlugin } from './index.js';
import { derivedWebhookSecret, requireSigned, telegramSecretTokenValid, type SignedRequest } from './signatures.js';

interface TelegramUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
}
interface TelegramMessage {
  message_id: number;
  text?: string;
  chat: { id: number };
  from?: TelegramUser;
}

export function telegramPlugin(baseUrl = 'https://api.telegram.org'): EvalContextPlugin {
  return {
    name: 'telegram',
    displayName: 'Telegram',
    description:
      'Telegram Bot API. Needs the secret TELEGRAM_BOT_TOKEN (from @BotFather). telegram.setWebhook(url, allowed_updates) registers ' +
      'a webhook with a secret token; telegram.check_request(request) is true only for updates Telegram sent with that token; ' +
      'telegram.verify_request(request) throws WebhookSignatureError for any other (the webhook answers 401); ' +
      'telegram.parse_data(json) gives {message, edited, chat_id, text, from_user}; telegram.sendMessage(chat_id, text, options) ' +
      "sends a message; telegram.reply(chat_id, text) is a webhook handler's answer that Telegram executes as sendMessage.",
    exportNames: [
      'telegram.sendMessage',
      'telegram.setWebhook',
      'telegram.parse_data',
      'telegram.check_request',
      'telegram.verify_request',
      'telegram.reply',
    ],
    create(secrets, context) {
      const token = secrets.TELEGRAM_BOT_TOKEN;
      if (!token) throw new Error('Telegram bot token is not set (secret TELEGRAM_BOT_TOKEN)');
      const secretToken = derivedWebhookSecret(token, 'telegram');
      const api = new ApiClient({ name: 'telegram', baseUrl, logPath: (path) => path.replace(token, '<TELEGRAM_BOT_TOKEN>') }, context);
      const method = async (name: string, body: Record<string, unknown>) =>
        (await api.call<{ ok: boolean; result: unknown }>({ method: 'POST', path: `/bot${token}/${name}`, body })).result;
      return {
        'telegram.sendMessage': (chatId: number | string, text: string, options: Record<string, unknown> = {}) =>
          method('sendMessage', { ...options, chat_id: chatId, text }),
        'telegram.setWebhook': (url: string, allowedUpdates: string[] = ['message', 'edited_message']) =>
          method('setWebhook', { url, allowed_updates: allowedUpdates, secret_token: secretToken }),
        'telegram.parse_data': (update: { message?: TelegramMessage; edited_message?: TelegramMessage }) => {
          const message = update?.message ?? update?.edited_message;
          if (!message) return null;
          return {
            message,
            edited: update.message === undefined,
            chat_id: message.chat.id,
            text: message.text ?? '',
            from_user: message.from ?? null,
          };
        },
        'telegram.check_request': (request: SignedRequest) => telegramSecretTokenValid(request, secretToken),
        'telegram.verify_request': (request: SignedRequest) =>
          requireSigned(
            telegramSecretTokenValid(request, secretToken),
            'refused: the update does not carry the secret token registered with Telegram',
          ),
        'telegram.reply': (chatId: number | string, text: string) => ({ method: 'sendMessage', chat_id: chatId, text }),
      };
    },
  };
}
