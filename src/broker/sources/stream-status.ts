/**
 * How a stream source is doing, for the run's status (the summary, `/api/aviary/broker/runs`,
 * the UI's broker page): per partition read by this process, what is committed, how far behind
 * the end of the partition it is (the lag), and how fast it goes; and the latency that Rubin's
 * 60 s budget is about: from the message's Kafka timestamp (when the survey's stream wrote it)
 * to the alert stored and in every output.
 */
export interface StreamPartitionStatus {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read after a restart (Kafka's committed offset), as text: offsets are 64-bit. */
  readonly committedOffset: string | null;
  /** The partition's end (its high watermark) when last asked. */
  readonly endOffset: string | null;
  /** Messages not yet committed: endOffset - committedOffset. */
  readonly lag: number | null;
  /** Alerts of this partition done since the run began: stored, or dead-lettered. */
  readonly alertsStored: number;
  /** Over the last few seconds. */
  readonly alertsPerSecond: number;
}

export interface StreamStatus {
  readonly partitions: readonly StreamPartitionStatus[];
  /** From the message's Kafka timestamp to stored, over the run's alerts. */
  readonly latencyMs?: { readonly p50: number; readonly p99: number; readonly count: number };
}
