/**
 * Forwards the registry's events to webhooks: each event becomes MLflow's webhook event, and
 * every ACTIVE webhook subscribed to it gets its own signed delivery. The listener only starts
 * work, so the change that caused the event never waits on a receiver. At most `concurrency`
 * deliveries run at once; past `maxQueued` waiting, new ones are dropped with a warning rather
 * than growing without bound. Failures are logged by webhook id, name and the URL's origin
 * only: paths and queries often hold tokens, and the secret and signature are never logged.
 */
import type { Logger } from '../../common/logger.js';
import type { RegistryEvent, RegistryEvents } from '../registry-events.js';
import { webhookMessageOf, type WebhookMessage } from './webhook-payload.js';
import type { WebhookSender } from './webhook-sender.js';
import type { WebhookStore, WebhookTarget } from './webhook-store.js';

export interface WebhookDispatcherOptions {
  concurrency?: number;
  maxQueued?: number;
  /** How long `close()` waits for deliveries under way before aborting them. */
  closeTimeoutMs?: number;
}

export class WebhookDispatcher {
  private readonly work = new Set<Promise<void>>();
  private readonly waiting: ((gotSlot: boolean) => void)[] = [];
  private readonly shutdown = new AbortController();
  private running = 0;
  private closed = false;
  private unsubscribe?: () => void;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly closeTimeoutMs: number;

  constructor(
    private readonly store: WebhookStore,
    private readonly sender: WebhookSender,
    private readonly log: Logger,
    options: WebhookDispatcherOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 10;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  }

  /** Follows `events` until `close()`. */
  attach(events: RegistryEvents): this {
    this.unsubscribe?.();
    this.unsubscribe = events.subscribe((e) => this.dispatch(e));
    return this;
  }

  dispatch(event: RegistryEvent): void {
    if (this.closed) return;
    const message = webhookMessageOf(event);
    if (!message) return;
    const job = this.fanOut(event, message).catch((err: unknown) => {
      this.log.error(`webhooks: could not dispatch ${event.type}: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.work.add(job);
    void job.finally(() => this.work.delete(job));
  }

  /** Stops taking events, then waits for queued and running deliveries up to the bound; the rest are aborted. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    const settled = Promise.allSettled([...this.work]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs, false)));
    const finished = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    if (finished) return;
    this.log.warn(`webhooks: aborting ${this.running + this.waiting.length} delivery(ies) still under way at shutdown`);
    this.shutdown.abort();
    this.waiting.splice(0).forEach((wake) => wake(false));
    await settled;
  }

  private async fanOut(event: RegistryEvent, message: WebhookMessage): Promise<void> {
    const targets = await this.store.activeTargets(message.event);
    if (targets.length === 0) return;
    const payload = message.payload;
    const name = `${message.event.entity}.${message.event.action}`.toLowerCase();
    await Promise.all(
      targets.map((target) =>
        this.limited(name, target, async () => {
          const outcome = await this.sender.send(
            target,
            { event: message.event, payload, occurredAt: event.timestamp },
            { signal: this.shutdown.signal },
          );
          if (outcome.ok) return;
          const why = outcome.error ?? `answer ${outcome.status}`;
          this.log.warn(
            `webhooks: delivery ${outcome.deliveryId} of ${name} to webhook ${target.name} (${target.webhookId}) at ${originOf(target.url)} ` +
              `failed after ${outcome.attempts} attempt(s): ${why}`,
          );
        }),
      ),
    );
  }

  /** A slot is handed from a finished task straight to the next waiting one, so `running` never overshoots. */
  private async limited(name: string, target: WebhookTarget, task: () => Promise<void>): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
    } else {
      if (this.waiting.length >= this.maxQueued) {
        this.log.warn(`webhooks: queue full, dropped ${name} for webhook ${target.name} (${target.webhookId})`);
        return;
      }
      const gotSlot = await new Promise<boolean>((resolve) => this.waiting.push(resolve));
      if (!gotSlot) return;
    }
    try {
      await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(true);
      else this.running--;
    }
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
