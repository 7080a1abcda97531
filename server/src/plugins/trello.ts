/**
 * `trello`: Trello's REST API for one board (secrets TRELLO_KEY, the API key; TRELLO_TOKEN, a
 * user token; TRELLO_BOARD_ID; TRELLO_SECRET, the application secret Trello signs webhooks with):
 * cards, comments, labels of cards and of the board, webhooks. `trello.check_signature(request,
 * callback_url)` verifies `X-Trello-Webhook`: base64 HMAC-SHA1 of the body followed by the
 * callback URL the webhook was registered with; `trello.verify_signature(request, callback_url)`
 * throws a WebhookSignatureError (the webhook answers 401) unless it matches.
 */
import { ApiClient, PluginApiError } from './api-client.js';
import type { EvalContextPlugin } from './index.js';
import { requireSigned, trelloSignatureValid, type SignedRequest } from './signatures.js';

interface TrelloLabel {
  id: string;
  name: string;
  color: string | null;
}

export function trelloPlugin(baseUrl = 'https://api.trello.com'): EvalContextPlugin {
  return {
    name: 'trello',
    displayName: 'Trello',
    description:
      'Trello REST API for one board. Needs the secrets TRELLO_KEY, TRELLO_TOKEN and TRELLO_BOARD_ID, and TRELLO_SECRET for webhook ' +
      'signatures. trello.set_webhook(url), trello.delete_webhooks(), trello.check_signature(request, callback_url) → true/false, ' +
      'trello.verify_signature(request, callback_url) (throws WebhookSignatureError: the webhook answers 401), ' +
      'trello.card_create(name, description) → id, trello.card_delete(card_id), trello.card_add_message(card_id, text), trello.card_add_labels(card_id, label_ids), ' +
      'trello.card_remove_labels(card_id, label_ids), trello.label_create(name, color) → id, trello.label_update(id, name, color) → false when nothing changes, ' +
      'trello.label_delete(id), trello.get_labels_colors(), trello.get_all_cards(); TRELLO = "trello" names the system in links.',
    exportNames: [
      'trello.set_webhook',
      'trello.delete_webhooks',
      'trello.check_signature',
      'trello.verify_signature',
      'trello.card_create',
      'trello.card_delete',
      'trello.card_add_message',
      'trello.card_add_labels',
      'trello.card_remove_labels',
      'trello.label_create',
      'trello.label_update',
      'trello.label_delete',
      'trello.get_labels_colors',
      'trello.get_all_cards',
      'TRELLO',
    ],
    create(secrets, context) {
      const { TRELLO_KEY: key, TRELLO_TOKEN: token, TRELLO_BOARD_ID: board } = secrets;
      if (!key || !token || !board) throw new Error('Trello credentials are not set (secrets TRELLO_KEY, TRELLO_TOKEN, TRELLO_BOARD_ID)');
      const api = new ApiClient(
        { name: 'trello', baseUrl, query: { key, token }, logPath: (path) => path.replace(token, '<TRELLO_TOKEN>') },
        context,
      );
      const checkSignature = (request: SignedRequest, callbackUrl: string) => {
        if (!secrets.TRELLO_SECRET) throw new Error('Trello webhook signatures need the secret TRELLO_SECRET (the application secret)');
        return trelloSignatureValid(request, secrets.TRELLO_SECRET, callbackUrl);
      };
      const labelsOfCard = async (cardId: string) =>
        (await api.call<{ idLabels: string[] }>({ method: 'GET', path: `/1/cards/${cardId}` })).idLabels;
      const labelExists = async (id: string) => {
        try {
          await api.call({ method: 'GET', path: `/1/labels/${id}` });
          return true;
        } catch (error) {
          if ((error as { apiStatus?: number }).apiStatus === 404) return false;
          throw error;
        }
      };
      return {
        TRELLO: 'trello',
        'trello.set_webhook': (url: string) =>
          api.call({
            method: 'POST',
            path: `/1/tokens/${token}/webhooks/`,
            body: { callbackURL: url, idModel: board, description: 'Sync Studio: GitHub ↔ Trello' },
          }),
        'trello.delete_webhooks': async () => {
          const hooks = await api.call<{ id: string; idModel: string }[]>({ method: 'GET', path: `/1/tokens/${token}/webhooks` });
          const ours = hooks.filter((hook) => hook.idModel === board);
          for (const hook of ours) await api.call({ method: 'DELETE', path: `/1/webhooks/${hook.id}` });
          return ours.length;
        },
        'trello.check_signature': checkSignature,
        'trello.verify_signature': (request: SignedRequest, callbackUrl: string) =>
          requireSigned(
            checkSignature(request, callbackUrl),
            `refused: X-Trello-Webhook is missing or does not match the body and callback URL ${callbackUrl} signed with TRELLO_SECRET`,
          ),
        'trello.card_create': async (name: string, description = '') => {
          const lists = await api.call<{ id: string }[]>({ method: 'GET', path: `/1/boards/${board}/lists`, query: { filter: 'open' } });
          if (!lists[0]) throw new Error(`Trello board ${board} has no open list to put cards in`);
          return (
            await api.call<{ id: string }>({ method: 'POST', path: '/1/cards', body: { idList: lists[0].id, name, desc: description } })
          ).id;
        },
        'trello.card_delete': async (cardId: string) => {
          await api.call({ method: 'DELETE', path: `/1/cards/${cardId}` });
        },
        'trello.card_add_message': (cardId: string, text: string) =>
          api.call({ method: 'POST', path: `/1/cards/${cardId}/actions/comments`, body: { text } }),
        'trello.card_add_labels': async (cardId: string, labelIds: string[]) => {
          const attached = await labelsOfCard(cardId);
          const added: string[] = [];
          for (const id of labelIds) {
            if (attached.includes(id)) continue;
            if (!(await labelExists(id))) {
              context.log(`Label ${id} is deleted in Trello`, 'warning');
              continue;
            }
            try {
              await api.call({ method: 'POST', path: `/1/cards/${cardId}/idLabels`, body: { value: id } });
            } catch (error) {
              // 400 "that label is already on the card": another job (an event about the same card) added it meanwhile.
              const raced = error instanceof PluginApiError && error.apiStatus === 400 && (await labelsOfCard(cardId)).includes(id);
              if (!raced) throw error;
              continue;
            }
            added.push(id);
          }
          return added;
        },
        'trello.card_remove_labels': async (cardId: string, labelIds: string[]) => {
          const attached = await labelsOfCard(cardId);
          const removed = labelIds.filter((id) => attached.includes(id));
          for (const id of removed) await api.call({ method: 'DELETE', path: `/1/cards/${cardId}/idLabels/${id}` });
          return removed;
        },
        'trello.label_create': async (name: string, color: string | null) =>
          (await api.call<TrelloLabel>({ method: 'POST', path: '/1/labels', body: { idBoard: board, name, color } })).id,
        'trello.label_update': async (id: string, name: string | null, color: string | null) => {
          const label = await api.call<TrelloLabel>({ method: 'GET', path: `/1/labels/${id}` });
          const body = { ...(name && name !== label.name ? { name } : {}), ...(color && color !== label.color ? { color } : {}) };
          // Nothing to change (e.g. the echo of a change made from the other side): no call, so no new action.
          if (Object.keys(body).length === 0) return false;
          await api.call({ method: 'PUT', path: `/1/labels/${id}`, body });
          return true;
        },
        'trello.label_delete': (id: string) => api.call({ method: 'DELETE', path: `/1/labels/${id}` }),
        'trello.get_labels_colors': async () =>
          Object.fromEntries(
            (await api.call<TrelloLabel[]>({ method: 'GET', path: `/1/boards/${board}/labels` })).map((label) => [label.id, label.color]),
          ),
        'trello.get_all_cards': async () =>
          (await api.call<{ id: string; idLabels: string[] }[]>({ method: 'GET', path: `/1/boards/${board}/cards` })).map((card) => ({
            id: card.id,
            idLabels: card.idLabels,
          })),
      };
    },
  };
}
