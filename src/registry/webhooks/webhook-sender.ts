/**
 * One webhook delivery over HTTP, as MLflow sends it: the body is the envelope
 * `{"entity", "action", "timestamp", "data"}` written as Python writes JSON, signed when the
 * webhook has a secret; each attempt has a timeout; network errors, 429 and 5xx are retried a
 * bounded number of times with exponential backoff (Retry-After honoured, within the cap).
 * Every attempt of one delivery carries the same id, timestamp and signature (urllib3 resends
 * one prepared request too), so a receiver can drop repeats by X-MLflow-Delivery-Id.
 * Redirects are never followed: a signed delivery goes only to the URL a user configured.
 */
import { randomUUID } from 'node:crypto';
import { toPythonJson } from './python-json.js';
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
  fetch?: typeof fetch;
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
  /** Why there was no answer (network error, timeout, abort); never holds the secret or signature. */
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
  private readonly fetch: typeof fetch;

  constructor(options: WebhookSenderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.fetch = options.fetch ?? fetch;
  }

  /** `occurredAt` (epoch ms) dates the envelope; it defaults to now, as MLflow dates it at sending. */
  async send(
    target: WebhookTarget,
    message: { event: WebhookEvent; payload: WebhookPayload; occurredAt?: number },
    options: SendOptions = {},
  ): Promise<DeliveryOutcome> {
    const deliveryId = randomUUID();
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
      try {
        const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs);
        const res = await this.fetch(target.url, { method: 'POST', headers, body, redirect: 'manual', signal });
        const text = options.keepBody ? await readPrefix(res, MAX_BODY_KEPT) : (await res.body?.cancel(), undefined);
        last = { ok: res.status >= 200 && res.status < 300, status: res.status, body: text };
        if (last.ok || !retryable(res.status)) return { deliveryId, attempts: attempt, ...last };
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        last = { ok: false, error: describeFailure(err, this.timeoutMs) };
        if (options.signal?.aborted) return { deliveryId, attempts: attempt, ...last };
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

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function readPrefix(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
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

function describeFailure(err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (err.name === 'AbortError') return 'aborted';
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = cause && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return cause ? `${err.message}: ${code && !cause.message.includes(code) ? `${code} ` : ''}${cause.message}` : err.message;
}
