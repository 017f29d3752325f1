/**
 * MLflow's rules for webhooks (mlflow/utils/validation.py, mlflow/entities/webhook.py), with
 * its messages. The URL's scheme and host are judged by the destination policy, here without
 * DNS; the service then resolves a host name (`checkResolvedHost`), and delivery does again.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { WebhookDestinationPolicy } from './webhook-destination-policy.js';
import { urlProblem } from './webhook-destination.js';
import { VALID_WEBHOOK_EVENTS, type WebhookEvent } from './webhook-store.js';

const NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;
/** Column sizes of MLflow's `webhooks` table, kept so data moves between the two. */
export const URL_LIMIT = 500;
export const DESCRIPTION_LIMIT = 1000;

/** A string as Python's repr() shows it, so messages read as MLflow's. */
export function pythonRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const body = value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
  return quote + (quote === "'" ? body.replaceAll("'", "\\'") : body) + quote;
}

export function validateWebhookName(name: string): void {
  if (!NAME.test(name)) {
    throw MlflowError.invalid(
      `Webhook name ${pythonRepr(name)} is invalid. It must start and end with a letter or digit, ` +
        'be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).',
    );
  }
}

export function validateWebhookUrl(url: string, policy: WebhookDestinationPolicy): void {
  if (url.trim() === '') throw MlflowError.invalid(`Webhook URL cannot be empty or just whitespace: ${pythonRepr(url)}`);
  if (url.length > URL_LIMIT) throw MlflowError.invalid(`Webhook URL exceeds the maximum length of ${URL_LIMIT} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw MlflowError.invalid(`Invalid webhook URL ${pythonRepr(url)}: ${(err as Error).message}`);
  }
  const problem = urlProblem(parsed, policy);
  if (problem) throw MlflowError.invalid(problem);
  if (parsed.hostname === '') throw MlflowError.invalid(`Webhook URL must include a hostname: ${pythonRepr(url)}`);
}

/** Returns the events without repeats (MLflow's table would refuse a repeated pair). */
export function validateWebhookEvents(events: readonly WebhookEvent[]): WebhookEvent[] {
  if (events.length === 0) throw MlflowError.invalid('Webhook events must be a non-empty list of WebhookEvent objects: [].');
  const unique = new Map<string, WebhookEvent>();
  for (const e of events) {
    const valid = VALID_WEBHOOK_EVENTS[e.entity];
    if (!valid.includes(e.action)) {
      const names = valid.map((a) => `'${a.toLowerCase()}'`).sort();
      throw MlflowError.invalid(
        `Invalid action '${e.action.toLowerCase()}' for entity '${e.entity.toLowerCase()}'. Valid actions are: [${names.join(', ')}]`,
      );
    }
    unique.set(`${e.entity}.${e.action}`, { entity: e.entity, action: e.action });
  }
  return [...unique.values()];
}

export function validateWebhookDescription(description: string): void {
  if (description.length > DESCRIPTION_LIMIT) {
    throw MlflowError.invalid(`Webhook description exceeds the maximum length of ${DESCRIPTION_LIMIT} characters.`);
  }
}
