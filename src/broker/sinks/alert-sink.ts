/**
 * The sink boundary: where a filter's matches go: a JSON-lines file, Avro container files, or a
 * Kafka topic (sinks/kafka/). A write resolves once the alerts are durably out (a file written,
 * Kafka's replicas acknowledging): the pipeline commits its source's offsets only after.
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
