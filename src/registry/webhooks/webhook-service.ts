/**
 * The webhooks API: MLflow's validation, then the store. Secrets go in and are never given
 * back; the entity this returns has no field for one.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { Page } from '../entities.js';
import type { WebhookDestinationPolicy } from './webhook-destination-policy.js';
import { checkResolvedHost, systemResolver, type HostResolver } from './webhook-destination.js';
import { examplePayload } from './webhook-payload.js';
import type { WebhookSender } from './webhook-sender.js';
import type { NewWebhook, Webhook, WebhookEvent, WebhookPatch, WebhookStore, WebhookTestResult } from './webhook-store.js';
import { validateWebhookDescription, validateWebhookEvents, validateWebhookName, validateWebhookUrl } from './webhook-validation.js';

const DEFAULT_MAX_RESULTS = 100;
const MAX_RESULTS = 1000;

export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly sender: WebhookSender,
    /** The same policy the sender delivers under. */
    private readonly policy: WebhookDestinationPolicy,
    private readonly resolve: HostResolver = systemResolver,
  ) {}

  async create(input: Omit<NewWebhook, 'status'> & { status?: NewWebhook['status'] }): Promise<Webhook> {
    validateWebhookName(input.name);
    validateWebhookUrl(input.url, this.policy);
    const events = validateWebhookEvents(input.events);
    if (input.description) validateWebhookDescription(input.description);
    await checkResolvedHost(new URL(input.url), this.policy, this.resolve);
    return this.store.create({
      ...input,
      events,
      description: input.description || undefined,
      secret: input.secret || undefined,
      status: input.status ?? 'ACTIVE',
    });
  }

  get(webhookId: string): Promise<Webhook> {
    return this.store.get(webhookId);
  }

  list(query: { maxResults?: number; pageToken?: string }): Promise<Page<Webhook>> {
    const maxResults = query.maxResults || DEFAULT_MAX_RESULTS;
    if (maxResults < 1 || maxResults > MAX_RESULTS) throw MlflowError.invalid(`max_results must be between 1 and ${MAX_RESULTS}.`);
    return this.store.list({ maxResults, pageToken: query.pageToken || undefined });
  }

  /** An empty `description` clears it; an empty `secret` removes signing (both as MLflow). */
  async update(webhookId: string, patch: WebhookPatch): Promise<Webhook> {
    if (patch.name !== undefined) validateWebhookName(patch.name);
    if (patch.url !== undefined) validateWebhookUrl(patch.url, this.policy);
    const events = patch.events === undefined ? undefined : validateWebhookEvents(patch.events);
    if (patch.description) validateWebhookDescription(patch.description);
    if (patch.url !== undefined) await checkResolvedHost(new URL(patch.url), this.policy, this.resolve);
    return this.store.update(webhookId, { ...patch, events });
  }

  delete(webhookId: string): Promise<void> {
    return this.store.delete(webhookId);
  }

  /**
   * Sends MLflow's example payload for `event` (by default the webhook's first event), signed
   * as a real delivery and whatever the webhook's status. One attempt, no retries: the caller
   * is waiting and wants to see the receiver's own answer.
   */
  async test(webhookId: string, event?: WebhookEvent): Promise<WebhookTestResult> {
    const { webhook, target } = await this.store.target(webhookId);
    const testEvent = event ? validateWebhookEvents([event])[0]! : webhook.events[0]!;
    const outcome = await this.sender.send(target, { event: testEvent, payload: examplePayload(testEvent) }, { maxAttempts: 1, keepBody: true });
    if (outcome.status === undefined) return { success: false, error_message: `Failed to test webhook: ${outcome.error ?? 'no answer'}` };
    return { success: outcome.ok, response_status: outcome.status, response_body: outcome.body };
  }
}
