/**
 * The alert source boundary: an async iterable of raw alert records, each with where it came
 * from, and dead letters for what could not be read. Sources stream: a file is opened when
 * reached and closed before the next one, and only a bounded part of it (an Avro block, a
 * Parquet row group, one JSON value) is in memory at a time. A corrupt or truncated file yields
 * one dead letter naming the file and the position, then reading goes on with the next file.
 * Breaking out of a `for await` loop closes the open file.
 */

import type { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import type { StreamStatus } from './stream-status.js';

export type AlertFileFormat = 'avro' | 'parquet' | 'json';

/** Where a record (or a failure) sits in its file. */
export interface AlertOrigin {
  /** The file as found (absolute when it came from a folder or a glob). */
  readonly file: string;
  readonly format?: AlertFileFormat;
  /** The record's index in its file, from 0 (for a failure: the first record not read). */
  readonly index?: number;
  /** Byte offset in the file: the Avro block's start, the JSON value's start. */
  readonly byteOffset?: number;
  /** The Avro block index, or the Parquet row group index, from 0. */
  readonly block?: number;
  /** The 1-based line of a JSON value's start. */
  readonly line?: number;
  /** A Kafka message's place (`file` is then kafka://<servers>/<topic>); the offset as exact digits. */
  readonly kafka?: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/** One decoded record, as the file holds it: 64-bit integers are BigInt, bytes are Uint8Array. */
export interface RawAlertRecord {
  readonly kind: 'alert';
  readonly payload: Readonly<Record<string, unknown>>;
  readonly origin: AlertOrigin;
  /** The writer schema's full name (Avro), when there is one. */
  readonly schemaName?: string;
  /** The writer schema (Avro) as a JSON object, shared by every record of its file: not to be modified. */
  readonly writerSchema?: unknown;
}

/** What could not be read, and where. */
export interface DeadLetter {
  readonly kind: 'dead-letter';
  readonly origin: AlertOrigin;
  readonly reason: string;
}

export type AlertSourceItem = RawAlertRecord | DeadLetter;

export interface AlertSource extends AsyncIterable<AlertSourceItem> {
  /** For logs: what the source reads. */
  readonly description: string;
  /**
   * Called in read order once the items at these origins are stored and in every sink: a source
   * that can (Kafka) commits up to them, so that a restart resumes after what was delivered.
   */
  acknowledge?(origins: readonly AlertOrigin[]): Promise<void>;
  /**
   * Called once, before the first read, when the run exports metrics: the source adds its own
   * (counters it updates, or a collector read at each scrape: a Kafka source's lag and committed
   * offset per partition). Names start with `aviary_source_`; no label may carry a credential.
   */
  registerMetrics?(registry: MetricsRegistry): void;
  /**
   * Alerts arrive over time (a live stream): a batch then goes after `max_batch_wait` even if not
   * full. Files fill whole batches, so their batches (and a model's floating-point sums over
   * them) are the same run after run.
   */
  readonly live?: boolean;
  /** A stream's partitions, lag and latency, for the run's status; read every few seconds and at the end. */
  status?(): StreamStatus | undefined;
  /** Frees what the source holds once the run is over (a Kafka consumer leaves its group). */
  close?(): Promise<void>;
}

/** "file.avro (byte 1234, block 0, record 5)": the position of a record or a failure, for messages. */
export function describeOrigin(origin: AlertOrigin): string {
  const at: string[] = [];
  if (origin.kafka) at.push(`topic ${origin.kafka.topic}, partition ${origin.kafka.partition}, offset ${origin.kafka.offset}`);
  if (origin.line !== undefined) at.push(`line ${origin.line}`);
  if (origin.byteOffset !== undefined) at.push(`byte ${origin.byteOffset}`);
  if (origin.block !== undefined) at.push(`${origin.format === 'parquet' ? 'row group' : 'block'} ${origin.block}`);
  if (origin.index !== undefined) at.push(`record ${origin.index}`);
  return at.length > 0 ? `${origin.file} (${at.join(', ')})` : origin.file;
}

export function deadLetter(origin: AlertOrigin, reason: string): DeadLetter {
  return { kind: 'dead-letter', origin, reason };
}

/** The message of anything thrown. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
