/** A sink that keeps what it is given, for tests and for callers that want the matches in hand. */
import type { EnrichedAlert } from '../enriched-alert.js';
import type { AlertSink } from './alert-sink.js';

export class MemoryAlertSink implements AlertSink {
  readonly alerts: EnrichedAlert[] = [];
  closed = false;

  constructor(readonly description = 'memory') {}

  get written(): number {
    return this.alerts.length;
  }

  async write(alerts: readonly EnrichedAlert[]): Promise<void> {
    if (this.closed) throw new Error(`${this.description} is closed: cannot write more alerts`);
    this.alerts.push(...alerts);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
