/**
 * Where webhooks may send: MLflow's defaults (https only, public addresses only) and its two
 * environment variables to relax them, with MLflow's names and value syntax. Both are meant for
 * local development: with private hosts allowed, anyone who may create a webhook can make the
 * server send requests into its own network.
 */

export interface WebhookDestinationPolicy {
  /** Lower-case URL schemes, among `http` and `https`. */
  readonly allowedSchemes: readonly string[];
  /** Loopback, private, link-local (cloud metadata included) and other non-public addresses. */
  readonly allowPrivateHosts: boolean;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookDestinationPolicy = Object.freeze({
  allowedSchemes: Object.freeze(['https']),
  allowPrivateHosts: false,
});

export const SCHEMES_VARIABLE = 'MLFLOW_WEBHOOK_ALLOWED_SCHEMES';
export const PRIVATE_HOSTS_VARIABLE = 'MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS';
const SENDABLE_SCHEMES = ['http', 'https'];

/**
 * `MLFLOW_WEBHOOK_ALLOWED_SCHEMES` is a comma-separated list (`http,https`);
 * `MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS` is true/false/1/0 in any case. A value Aviary cannot honour
 * throws, so a misconfigured server fails at start rather than at its first webhook.
 */
export function webhookPolicyFromEnv(env: Readonly<Record<string, string | undefined>>): WebhookDestinationPolicy {
  return {
    allowedSchemes: schemesOf(env[SCHEMES_VARIABLE]) ?? DEFAULT_WEBHOOK_POLICY.allowedSchemes,
    allowPrivateHosts: booleanOf(env[PRIVATE_HOSTS_VARIABLE]) ?? DEFAULT_WEBHOOK_POLICY.allowPrivateHosts,
  };
}

function schemesOf(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const schemes = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const unknown = schemes.filter((s) => !SENDABLE_SCHEMES.includes(s));
  if (schemes.length === 0 || unknown.length > 0) {
    throw new Error(`${SCHEMES_VARIABLE} must list schemes among ${SENDABLE_SCHEMES.join(', ')}, but got '${value}'`);
  }
  return [...new Set(schemes)];
}

/** MLflow's own message for a boolean variable it cannot read. */
function booleanOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (!['true', 'false', '1', '0'].includes(lower)) {
    throw new Error(`${PRIVATE_HOSTS_VARIABLE} value must be one of ['true', 'false', '1', '0'] (case-insensitive), but got ${value}`);
  }
  return lower === 'true' || lower === '1';
}
