/**
 * Webhooks, shaped as MLflow's proto messages (mlflow/protos/webhooks.proto), and the store
 * boundary. The secret is not part of `Webhook`: only `WebhookTarget`, which delivery alone
 * reads, carries it, so no response can include it by accident.
 */
import type { Page } from '../entities.js';

export type WebhookEntity =
  | 'REGISTERED_MODEL'
  | 'MODEL_VERSION'
  | 'MODEL_VERSION_TAG'
  | 'MODEL_VERSION_ALIAS'
  | 'PROMPT'
  | 'PROMPT_VERSION'
  | 'PROMPT_TAG'
  | 'PROMPT_VERSION_TAG'
  | 'PROMPT_ALIAS'
  | 'BUDGET_POLICY';
export type WebhookAction = 'CREATED' | 'UPDATED' | 'DELETED' | 'SET' | 'EXCEEDED';
export type WebhookStatus = 'ACTIVE' | 'DISABLED';

export const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['ACTIVE', 'DISABLED'];
export const WEBHOOK_ACTIONS: readonly WebhookAction[] = ['CREATED', 'UPDATED', 'DELETED', 'SET', 'EXCEEDED'];

/**
 * The entity/action pairs MLflow accepts (mlflow/entities/webhook.py). Aviary accepts them all
 * so any client script works, but its registry emits only the model ones: prompt and budget
 * events are never delivered.
 */
export const VALID_WEBHOOK_EVENTS: Readonly<Record<WebhookEntity, readonly WebhookAction[]>> = {
  REGISTERED_MODEL: ['CREATED'],
  MODEL_VERSION: ['CREATED'],
  MODEL_VERSION_TAG: ['SET', 'DELETED'],
  MODEL_VERSION_ALIAS: ['CREATED', 'DELETED'],
  PROMPT: ['CREATED'],
  PROMPT_VERSION: ['CREATED'],
  PROMPT_TAG: ['SET', 'DELETED'],
  PROMPT_VERSION_TAG: ['SET', 'DELETED'],
  PROMPT_ALIAS: ['CREATED', 'DELETED'],
  BUDGET_POLICY: ['EXCEEDED'],
};
export const WEBHOOK_ENTITIES = Object.keys(VALID_WEBHOOK_EVENTS) as WebhookEntity[];

export interface WebhookEvent {
  entity: WebhookEntity;
  action: WebhookAction;
}

export interface Webhook {
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  events: WebhookEvent[];
  status: WebhookStatus;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

export interface WebhookTestResult {
  success: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}

/** Where a delivery goes and the key that signs it. Never leaves the server. */
export interface WebhookTarget {
  readonly webhookId: string;
  readonly name: string;
  readonly url: string;
  /** No secret (or an empty one): deliveries go unsigned, as MLflow sends them. */
  readonly secret?: string;
  /**
   * Set when the webhook has a secret this server cannot decrypt (the key changed or is
   * missing): nothing is sent, since an unsigned delivery is not what the receiver expects.
   * Says why without the key or the stored value.
   */
  readonly secretProblem?: string;
}

export interface NewWebhook {
  name: string;
  url: string;
  events: WebhookEvent[];
  description?: string;
  secret?: string;
  status: WebhookStatus;
}

/** Fields left undefined keep their value; `events`, when given, replaces the whole list. */
export type WebhookPatch = Partial<NewWebhook>;

export interface WebhookStore {
  create(input: NewWebhook): Promise<Webhook>;
  /** An unknown id is RESOURCE_DOES_NOT_EXIST. */
  get(webhookId: string): Promise<Webhook>;
  /** Newest first, as MLflow lists them. */
  list(query: { maxResults: number; pageToken?: string }): Promise<Page<Webhook>>;
  update(webhookId: string, patch: WebhookPatch): Promise<Webhook>;
  delete(webhookId: string): Promise<void>;
  /** The ACTIVE webhooks subscribed to `event`, with their secrets: for delivery only. */
  activeTargets(event: WebhookEvent): Promise<WebhookTarget[]>;
  /** One webhook's delivery target, whatever its status: for the test endpoint. */
  target(webhookId: string): Promise<{ webhook: Webhook; target: WebhookTarget }>;
  /**
   * Encrypts the secrets stored in plain text (rows from before encryption at rest) and names
   * the webhooks whose secrets the current key cannot decrypt: for the start-up check.
   * `stored` counts the webhooks that have a secret.
   */
  sealSecrets(): Promise<{ stored: number; sealed: number; unreadable: { webhookId: string; name: string }[] }>;
}
