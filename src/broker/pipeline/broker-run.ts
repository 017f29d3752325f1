/**
 * What a broker run is given and what it answers: the public face of the pipeline, used by
 * `aviary broker run`, `aviary demo`, the tests and bench/broker.
 */
import type { Logger } from '../../common/logger.js';
import type { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import type { EnvironmentBuilder } from '../../runtime/environment-builder.js';
import type { ModelStore } from '../../runtime/model-source.js';
import type { Sandbox } from '../../runtime/sandbox/sandbox.js';
import type { RunArtifactStore } from '../../runtime/preprocessing/preprocessing-source.js';
import type { RegistryEvents } from '../../registry/registry-events.js';
import type { BrokerConfig, FilterConfig } from '../config/broker-config.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import type { AlertSource } from '../sources/alert-source.js';
import type { StreamStatus } from '../sources/stream-status.js';
import type { AlertStore, ModuleStatus } from '../store/alert-store.js';
import type { DeadLetterGroup } from './dead-letter-digest.js';

export interface BrokerRunOptions {
  readonly config: BrokerConfig;
  readonly source: AlertSource;
  readonly store: AlertStore;
  /** Resolves models:/ URIs and fetches artifacts and preprocessing folders. */
  readonly aviary?: ModelStore & RunArtifactStore & { readonly registry: { readonly events?: RegistryEvents } };
  readonly builder: EnvironmentBuilder;
  /** How the modules' Python workers are confined (default: each pool's Sandbox.fromEnv()). */
  readonly sandbox?: Sandbox;
  readonly logger?: Logger;
  /** Setup steps (fetching, building environments), one line each. */
  readonly progress?: (message: string) => void;
  /** Called about every 250 ms while alerts flow, and once at the end. */
  readonly onProgress?: (progress: BrokerProgress) => void;
  /** Stops reading; alerts already read are finished and stored. */
  readonly signal?: AbortSignal;
  /** Where each filter's matches go (default: its output file, by its format). */
  readonly openSink?: (filter: FilterConfig) => Promise<AlertSink>;
  /** Most batches between read and stored at once (default 3): bounds memory whatever the input. */
  readonly maxBatchesInFlight?: number;
  /** Where the run exports its metrics (broker-metrics.ts), and the source its own; one run per registry. */
  readonly metrics?: MetricsRegistry;
}

export interface BrokerProgress {
  readonly alertsRead: number;
  readonly alertsStored: number;
  readonly elapsedMs: number;
  readonly alertsPerSecond: number;
}

export interface StageTimes {
  /** Milliseconds summed over batches (stages overlap across batches, so they can add up to more than the wall time). */
  readonly decodeMs: number;
  readonly preprocessingMs: number;
  readonly modelMs: number;
  readonly storeMs: number;
  readonly filtersMs: number;
}

export interface BrokerSummary {
  readonly runId: string;
  readonly alertsRead: number;
  readonly alertsStored: number;
  /** Of those stored, how many were new (a replay stores 0 new). */
  readonly alertsInserted: number;
  readonly sourceDeadLetters: number;
  /** Why alerts were dead-lettered (source and modules), grouped by reason; each dead letter is also in the store. */
  readonly deadLetterReasons: readonly DeadLetterGroup[];
  readonly modules: readonly ModuleStatus[];
  readonly filters: readonly { readonly name: string; readonly matched: number; readonly output: string }[];
  /** From an alert read to its row stored. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly elapsedMs: number;
  /** Of elapsedMs, loading the modules (environments, workers) before the first alert was read. */
  readonly setupMs: number;
  /** Alerts stored per second from the first alert read (setup left out). */
  readonly alertsPerSecond: number;
  readonly stages: StageTimes;
  /** A stream source's partitions at the end (committed offset, lag, alerts/s) and its Kafka-timestamp latency. */
  readonly stream?: StreamStatus;
}
