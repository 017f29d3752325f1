/** Replays alerts (files, or a live Kafka stream) through the demo's broker config into the data directory's alert store. */
import type { Aviary } from '../app/open-aviary.js';
import { loadBrokerConfig } from '../broker/config/load-broker-config.js';
import type { BrokerSummary } from '../broker/pipeline/broker-run.js';
import { runBroker } from '../broker/pipeline/run-broker.js';
import type { AlertSource } from '../broker/sources/alert-source.js';
import { openAlertSource } from '../broker/sources/open-alert-source.js';
import type { Logger } from '../common/logger.js';
import type { EnvironmentBuilder } from '../runtime/environment-builder.js';
import type { DemoProgress } from './demo-progress.js';
import type { ReplaySource } from './replay-alerts-source.js';

export interface Replay {
  readonly aviary: Aviary;
  readonly configFile: string;
  readonly source: ReplaySource;
  /** Read instead of the source's files (the live demo's Kafka stream). */
  readonly stream?: AlertSource;
  readonly builder: EnvironmentBuilder;
  readonly logger: Logger;
  readonly progress: DemoProgress;
  readonly signal?: AbortSignal;
}

export async function replayAlerts(replay: Replay): Promise<BrokerSummary> {
  const config = await loadBrokerConfig(replay.configFile);
  const line = replay.progress.replay(replay.source.expected);
  try {
    return await runBroker({
      config,
      source: replay.stream ?? openAlertSource(replay.source.paths),
      store: replay.aviary.alerts,
      aviary: replay.aviary,
      builder: replay.builder,
      logger: replay.logger,
      progress: (message) => replay.progress.detail(message),
      onProgress: (p) => line.update(p),
      ...(replay.signal ? { signal: replay.signal } : {}),
    });
  } finally {
    line.end();
  }
}
