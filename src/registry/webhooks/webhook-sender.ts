/**
 * One webhook delivery over HTTP, as MLflow sends it: the body is the envelope
 * `{"entity", "action", "timestamp", "data"}` written as Python writes JSON, signed when the
 * webhook has a secret; each attempt has a timeout; network errors, 429 and 5xx are retried a
 * bounded number of times with exponential backoff (Retry-After honoured, within the cap).
 * Every attempt of one delivery carries the same id, timestamp and signature (urllib3 resends
 * one prepared request too), so a receiver can drop repeats by X-MLflow-Delivery-Id.
 * Redirects are never followed: a signed delivery goes only to the URL a user configured.
 * Before each attempt the destination is checked against the policy with the addresses its
 * name resolves to, and the attempt connects to those addresses only; a refused destination
 * ends the delivery at once, unretried.
 */
import { randomUUID } from 'node:crypto';
import { pinnedPost } from './pinned-post.js';
import { toPythonJson } from './python-json.js';
import { DEFAULT_WEBHOOK_POLICY, type WebhookDestinationPolicy } from './webhook-destination-policy.js';
import { WebhookDestinationRefused, hostOf, resolveDestination, systemResolver, type HostResolver } from './webhook-destination.js';
import type { WebhookPayload } from './webhook-payload.js';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature.js';
import type { WebhookEvent, WebhookTarget } from './webhook-store.js';

export interface WebhookSenderOptions {
  /** Per attempt, reading the answer included. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** The wait before the first retry; doubled for each further one, plus up to 50% jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** MLflow's default (https to public addresses only) when absent. */
  policy?: WebhookDestinationPolicy;
  /** node:dns lookup of every address by default. */
  resolve?: HostResolver;
}

export interface DeliveryOutcome {
  readonly deliveryId: string;
  /** A 2xx answer. */
  readonly ok: boolean;
  readonly attempts: number;
  /** The last answer's status, when there was an answer. */
  readonly status?: number;
  /** The last answer's body (first 64 KiB), when asked for. */
  readonly body?: string;
  /**
   * Why there was no answer (refused destination, unreadable secret, network error, timeout, abort); it may name
   * the host and an address, never the URL's path, the secret or the signature.
   */
  readonly error?: string;
}

export interface SendOptions {
  maxAttempts?: number;
  keepBody?: boolean;
  /** Aborts the attempt under way and any retry still to come. */
  signal?: AbortSignal;
}

const MAX_BODY_KEPT = 64 * 1024;

export class WebhookSender {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly policy: WebhookDestinationPolicy;
  private readonly resolve: HostResolver;

  constructor(options: WebhookSenderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.policy = options.policy ?? DEFAULT_WEBHOOK_POLICY;
    this.resolve = options.resolve ?? systemResolver;
  }

  /** `occurredAt` (epoch ms) dates the envelope; it defaults to now, as MLflow dates it at sending. */
  async send(
    target: WebhookTarget,
    message: { event: WebhookEvent; payload: WebhookPayload; occurredAt?: number },
    options: SendOptions = {},
  ): Promise<DeliveryOutcome> {
    const deliveryId = randomUUID();
    // Sending unsigned would hand the receiver a delivery it cannot trust (or one it trusts wrongly).
    if (target.secretProblem) return { deliveryId, ok: false, attempts: 0, error: `not sent: ${target.secretProblem}` };
    const body = toPythonJson({
      entity: message.event.entity.toLowerCase(),
      action: message.event.action.toLowerCase(),
      timestamp: pythonIsoFormat(message.occurredAt ?? Date.now()),
      data: message.payload,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'aviary-webhooks',
      [DELIVERY_ID_HEADER]: deliveryId,
      [TIMESTAMP_HEADER]: timestamp,
    };
    if (target.secret) headers[SIGNATURE_HEADER] = signWebhook(target.secret, deliveryId, timestamp, body);

    const maxAttempts = Math.max(1, options.maxAttempts ?? this.maxAttempts);
    let last: Omit<DeliveryOutcome, 'deliveryId' | 'attempts'> = { ok: false };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let retryAfterMs: number | undefined;
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        const url = new URL(target.url);
        const addresses = await untilAborted(resolveDestination(url, this.policy, this.resolve), signal);
        const keepBody = options.keepBody ? MAX_BODY_KEPT : undefined;
        const res = await pinnedPost({ url, host: hostOf(url), addresses, headers, body, signal, keepBody });
        last = { ok: res.status >= 200 && res.status < 300, status: res.status, body: res.body };
        if (last.ok || !retryable(res.status)) return { deliveryId, attempts: attempt, ...last };
        retryAfterMs = parseRetryAfter(res.retryAfter);
      } catch (err) {
        const refused = err instanceof WebhookDestinationRefused;
        let error: string;
        if (refused) error = `refused: ${err.message}`;
        else if (options.signal?.aborted) error = 'aborted';
        else if (timeout.aborted) error = `no answer within ${this.timeoutMs} ms`;
        else error = describeFailure(err);
        last = { ok: false, error };
        if (refused || options.signal?.aborted) return { deliveryId, attempts: attempt, ...last };
      }
      if (attempt < maxAttempts) {
        const backoff = this.backoffMs * 2 ** (attempt - 1) * (1 + Math.random() / 2);
        if (!(await sleep(Math.min(Math.max(backoff, retryAfterMs ?? 0), this.maxBackoffMs), options.signal))) {
          return { deliveryId, attempts: attempt, ...last };
        }
      }
    }
    return { deliveryId, attempts: maxAttempts, ...last };
  }
}

function retryable(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Python's `datetime.now(timezone.utc).isoformat()`: microseconds, `+00:00`, no fraction when it is zero. */
export function pythonIsoFormat(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2025-01-02T03:04:05.678Z
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 19)}${ms === '000' ? '' : `.${ms}000`}+00:00`;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** DNS lookups cannot be cancelled; the attempt stops waiting for one when `signal` fires. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** Resolves false when aborted first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Node's network errors name their code (ECONNREFUSED...); one with several causes may have no message. */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err ? String(err.code) : undefined;
  const message = err.message || (err instanceof AggregateError ? err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ') : '');
  if (!message) return code ?? err.name;
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
