/**
 * Registry events as MLflow's webhook events and payloads (mlflow/webhooks/types.py, filled as
 * mlflow/server/handlers.py fills them, field order included). Changes MLflow has no webhook
 * event for (renames, updates, deletions, stage transitions, registered-model tags) are not
 * delivered. One addition: an alias removed because its version was deleted is announced as
 * model_version_alias.deleted too (MLflow stays silent), so receivers never keep a stale alias.
 */
import type { RegistryEvent } from '../registry-events.js';
import type { WebhookEvent } from './webhook-store.js';

export type WebhookPayload = Readonly<Record<string, unknown>>;

export interface WebhookMessage {
  readonly event: WebhookEvent;
  /** Built from the event alone (created entities carry their tags and description): no read of the registry. */
  readonly payload: WebhookPayload;
}

const tagsOf = (tags: readonly { key: string; value: string }[]) => Object.fromEntries(tags.map((t) => [t.key, t.value]));

export function webhookMessageOf(e: RegistryEvent): WebhookMessage | undefined {
  switch (e.type) {
    case 'registered_model.created':
      return {
        event: { entity: 'REGISTERED_MODEL', action: 'CREATED' },
        // MLflow passes the request's description through unchanged: "" when none was given.
        payload: { name: e.name, tags: tagsOf(e.tags), description: e.description ?? '' },
      };
    case 'model_version.created':
      return {
        event: { entity: 'MODEL_VERSION', action: 'CREATED' },
        payload: {
          name: e.name,
          version: e.version,
          source: e.source,
          run_id: e.runId || null,
          tags: tagsOf(e.tags),
          description: e.description || null,
        },
      };
    case 'model_version.tag_set':
      return {
        event: { entity: 'MODEL_VERSION_TAG', action: 'SET' },
        payload: { name: e.name, version: e.version, key: e.key, value: e.value },
      };
    case 'model_version.tag_deleted':
      return {
        event: { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
        payload: { name: e.name, version: e.version, key: e.key },
      };
    case 'alias.set':
      // A move is one event: MLflow announces the alias at its new version only.
      return {
        event: { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        payload: { name: e.name, alias: e.alias, version: e.version },
      };
    case 'alias.deleted':
      return {
        event: { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
        payload: { name: e.name, alias: e.alias },
      };
    default:
      return undefined;
  }
}

const EXAMPLES: Record<string, WebhookPayload> = {
  'REGISTERED_MODEL.CREATED': { name: 'example_model', tags: { example_key: 'example_value' }, description: 'An example registered model' },
  'MODEL_VERSION.CREATED': {
    name: 'example_model',
    version: '1',
    source: 'models:/123',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'MODEL_VERSION_TAG.SET': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
  'MODEL_VERSION_TAG.DELETED': { name: 'example_model', version: '1', key: 'example_key' },
  'MODEL_VERSION_ALIAS.CREATED': { name: 'example_model', alias: 'example_alias', version: '1' },
  'MODEL_VERSION_ALIAS.DELETED': { name: 'example_model', alias: 'example_alias' },
  'PROMPT.CREATED': { name: 'example_prompt', tags: { example_key: 'example_value' }, description: 'An example prompt' },
  'PROMPT_VERSION.CREATED': {
    name: 'example_prompt',
    version: '1',
    template: 'Hello {{name}}!',
    tags: { example_key: 'example_value' },
    description: 'An example prompt version',
  },
  'PROMPT_TAG.SET': { name: 'example_prompt', key: 'example_key', value: 'example_value' },
  'PROMPT_TAG.DELETED': { name: 'example_prompt', key: 'example_key' },
  'PROMPT_VERSION_TAG.SET': { name: 'example_prompt', version: '1', key: 'example_key', value: 'example_value' },
  'PROMPT_VERSION_TAG.DELETED': { name: 'example_prompt', version: '1', key: 'example_key' },
  'PROMPT_ALIAS.CREATED': { name: 'example_prompt', alias: 'example_alias', version: '1' },
  'PROMPT_ALIAS.DELETED': { name: 'example_prompt', alias: 'example_alias' },
  'BUDGET_POLICY.EXCEEDED': {
    budget_policy_id: 'bp-abc123',
    budget_unit: 'USD',
    budget_amount: 100.0,
    current_spend: 105.5,
    duration_unit: 'MONTHS',
    duration_value: 1,
    target_scope: 'ENDPOINT',
    workspace: 'default',
    target_value: 'ep-abc123',
    window_start: 1704067200000,
  },
};

/** MLflow's example payload for an event: what the test endpoint sends. */
export function examplePayload(event: WebhookEvent): WebhookPayload {
  const example = EXAMPLES[`${event.entity}.${event.action}`];
  if (!example) throw new Error(`no example payload for ${event.entity}.${event.action}`);
  return example;
}
