/**
 * Tells the outside how the run goes: BrokerRunStatus saved to the store at start, every
 * `saveEveryMs` and at the end (for the UI), and onProgress about every 250 ms (for the CLI).
 * Saves never overlap; a failed periodic save is logged and retried at the next tick. Each save
 * is a heartbeat (`updatedAt`, with the process id and host): readers tell a run whose process
 * died from a live one by it (store/live-run-status.ts).
 */
import { hostname } from 'node:os';
import type { Logger } from '../../common/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { StreamStatus } from '../sources/stream-status.js';
import type { AlertStore, BrokerRunStatus, ModuleStatus } from '../store/alert-store.js';
import type { BrokerProgress } from './broker-run.js';
import type { RunTally } from './run-tally.js';

export interface StatusReporterOptions {
  readonly runId: string;
  readonly config: BrokerConfig;
  readonly store: AlertStore;
  readonly tally: RunTally;
  readonly modules: () => readonly ModuleStatus[];
  /** A stream source's partitions, lag and latency. */
  readonly stream?: () => StreamStatus | undefined;
  readonly logger: Logger;
  readonly onProgress?: (progress: BrokerProgress) => void;
  readonly saveEveryMs?: number;
  readonly progressEveryMs?: number;
}

export class StatusReporter {
  private readonly timers: NodeJS.Timeout[] = [];
  private saving?: Promise<void>;
  private readonly host = hostname();

  constructor(private readonly options: StatusReporterOptions) {}

  async start(): Promise<void> {
    await this.options.store.saveRunStatus(this.status('running'));
    const every = (ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.saveEveryMs ?? 2000, () => void this.save());
    if (this.options.onProgress) every(this.options.progressEveryMs ?? 250, () => this.options.onProgress!(this.options.tally.progress()));
  }

  /** The last save; `error` when the run failed. */
  async finish(error?: string): Promise<void> {
    this.timers.forEach(clearInterval);
    await this.saving;
    this.options.onProgress?.(this.options.tally.progress());
    await this.options.store.saveRunStatus({ ...this.status(error === undefined ? 'finished' : 'failed'), finishedAt: new Date().toISOString(), ...(error !== undefined ? { error } : {}) });
  }

  status(state: BrokerRunStatus['state']): BrokerRunStatus {
    const { tally, config } = this.options;
    return {
      runId: this.options.runId,
      state,
      startedAt: tally.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      pid: process.pid,
      host: this.host,
      config: config.file,
      alertsRead: tally.alertsRead,
      alertsStored: tally.alertsStored,
      alertsPerSecond: tally.progress().alertsPerSecond,
      sourceDeadLetters: tally.sourceDeadLetters,
      modules: this.options.modules(),
      filters: config.filters.map((f) => ({ name: f.name, expression: f.expression, matched: tally.matched.get(f.name) ?? 0, output: f.output })),
      ...(tally.latency.count > 0 ? { latencyMs: tally.latencyMs() } : {}),
      ...this.streamStatus(),
    };
  }

  private streamStatus(): { stream?: StreamStatus } {
    const stream = this.options.stream?.();
    return stream ? { stream } : {};
  }

  private async save(): Promise<void> {
    if (this.saving) return;
    this.saving = this.options.store
      .saveRunStatus(this.status('running'))
      .catch((err: Error) => this.options.logger.warn(`could not save the broker run's status: ${err.message}`))
      .finally(() => (this.saving = undefined));
    await this.saving;
  }
}
