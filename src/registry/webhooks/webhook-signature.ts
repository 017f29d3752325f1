/**
 * MLflow's webhook signature (mlflow/webhooks/delivery.py), after the Standard Webhooks scheme:
 * HMAC-SHA256, keyed by the webhook's secret (UTF-8), over `<delivery id>.<unix seconds>.<body>`,
 * sent as `v1,<base64 digest>` in X-MLflow-Signature beside X-MLflow-Delivery-Id and
 * X-MLflow-Timestamp. The timestamp is signed so receivers can refuse replays.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-MLflow-Signature';
export const TIMESTAMP_HEADER = 'X-MLflow-Timestamp';
export const DELIVERY_ID_HEADER = 'X-MLflow-Delivery-Id';
const SIGNATURE_VERSION = 'v1';

export function signWebhook(secret: string, deliveryId: string, timestamp: string, body: string): string {
  const digest = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${deliveryId}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `${SIGNATURE_VERSION},${digest}`;
}
