/** MLflow 3's webhook endpoints (mlflow/protos/webhooks.proto, WebhookService). */
import type { WebhookService } from '../../registry/webhooks/webhook-service.js';
import { WEBHOOK_ACTIONS, WEBHOOK_ENTITIES, WEBHOOK_STATUSES } from '../../registry/webhooks/webhook-store.js';
import type { ApiRequest, Route } from '../router.js';
import { enumOf, int64, list, message, parseMessage, string } from '../schema.js';

const event = () => message({ entity: enumOf(WEBHOOK_ENTITIES).req(), action: enumOf(WEBHOOK_ACTIONS).req() });
const status = () => enumOf(WEBHOOK_STATUSES);
const idOf = (r: ApiRequest) => r.params['webhook_id']!;

export function webhookRoutes(webhooks: WebhookService): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/webhooks',
      handler: async (r) => {
        const req = parseMessage(
          { name: string().req(), url: string().req(), events: list(event()).req(), description: string(), secret: string(), status: status() },
          await r.input(),
        );
        return { webhook: await webhooks.create(req) };
      },
    },
    {
      method: 'GET',
      pattern: '/webhooks',
      handler: async (r) => {
        const req = parseMessage({ max_results: int64(), page_token: string() }, await r.input());
        const page = await webhooks.list({ maxResults: req.max_results, pageToken: req.page_token });
        return { webhooks: page.items, next_page_token: page.nextPageToken };
      },
    },
    { method: 'GET', pattern: '/webhooks/:webhook_id', handler: async (r) => ({ webhook: await webhooks.get(idOf(r)) }) },
    {
      method: 'PATCH',
      pattern: '/webhooks/:webhook_id',
      handler: async (r) => {
        const req = parseMessage(
          { name: string(), description: string(), url: string(), events: list(event()), secret: string(), status: status() },
          await r.input(),
        );
        // As MLflow: an empty name, URL or event list leaves the field as it is; an empty
        // description or secret is a value (it clears the field).
        const webhook = await webhooks.update(idOf(r), {
          name: req.name || undefined,
          url: req.url || undefined,
          events: req.events?.length ? req.events : undefined,
          description: req.description,
          secret: req.secret,
          status: req.status,
        });
        return { webhook };
      },
    },
    {
      method: 'DELETE',
      pattern: '/webhooks/:webhook_id',
      handler: async (r) => {
        await webhooks.delete(idOf(r));
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/webhooks/:webhook_id/test',
      handler: async (r) => {
        const req = parseMessage({ event: event() }, await r.input());
        return { result: await webhooks.test(idOf(r), req.event) };
      },
    },
  ];
}
