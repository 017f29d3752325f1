/**
 * The sink boundary: where a filter's matches go. A JSON-lines file or an Avro container file
 * per filter now; Kafka topics will be one more implementation.
 */
import type { EnrichedAlert } from '../enriched-alert.js';

export interface AlertSink {
  /** For logs and the summary: the file or topic. */
  readonly description: string;
  /** Alerts written so far. */
  readonly written: number;
  write(alerts: readonly EnrichedAlert[]): Promise<void>;
  /** Flushes and closes; the output is complete and readable after it resolves. */
  close(): Promise<void>;
}
