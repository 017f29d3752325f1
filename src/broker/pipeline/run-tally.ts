/** What a broker run has done so far: counts, stage times and latencies, for progress, status and the summary. */
import { Histogram } from '../../common/metrics/histogram.js';
import type { StageTimes } from './broker-run.js';
import { DeadLetterDigest } from './dead-letter-digest.js';
import { LatencyHistogram } from './latency-histogram.js';

type MutableStageTimes = { -readonly [K in keyof StageTimes]: StageTimes[K] };

export class RunTally {
  readonly startedAt = new Date();
  private readonly started = performance.now();
  /** When alerts began to flow (modules loaded): rates count from here, not from the start. */
  private flowing?: number;
  alertsRead = 0;
  alertsStored = 0;
  alertsInserted = 0;
  sourceDeadLetters = 0;
  /** Why alerts were dead-lettered, grouped, for the summary. */
  readonly deadLetters = new DeadLetterDigest();
  readonly matched = new Map<string, number>();
  readonly stages: MutableStageTimes = { decodeMs: 0, preprocessingMs: 0, modelMs: 0, storeMs: 0, filtersMs: 0 };
  readonly latency = new LatencyHistogram();
  /** The same latencies in seconds, in fixed buckets: what the metrics endpoint exports. */
  readonly latencySeconds = new Histogram();

  get elapsedMs(): number {
    return performance.now() - this.started;
  }

  markFlowing(): void {
    this.flowing ??= performance.now();
  }

  /** Loading the modules and opening the sinks, before the first alert was read. */
  get setupMs(): number {
    return (this.flowing ?? performance.now()) - this.started;
  }

  get alertsPerSecond(): number {
    const seconds = this.flowing === undefined ? 0 : (performance.now() - this.flowing) / 1000;
    return seconds > 0 ? this.alertsStored / seconds : 0;
  }

  /** An alert's time from read to stored. */
  recordLatency(ms: number): void {
    this.latency.record(ms);
    this.latencySeconds.observe(ms / 1000);
  }

  latencyMs(): { p50: number; p99: number } {
    return { p50: round(this.latency.percentile(0.5)), p99: round(this.latency.percentile(0.99)) };
  }

  progress(): { alertsRead: number; alertsStored: number; elapsedMs: number; alertsPerSecond: number } {
    return { alertsRead: this.alertsRead, alertsStored: this.alertsStored, elapsedMs: Math.round(this.elapsedMs), alertsPerSecond: round(this.alertsPerSecond) };
  }

  stageTimes(): StageTimes {
    return Object.fromEntries(Object.entries(this.stages).map(([k, v]) => [k, round(v)])) as unknown as StageTimes;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
