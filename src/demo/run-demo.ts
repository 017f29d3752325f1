/**
 * `aviary demo`, from a fresh data directory to a browsable one: serve, train and register
 * three science modules with the real mlflow client, write the broker config, replay alerts
 * through it, and hand back the summary with the server still running.
 */
import { join, resolve } from 'node:path';
import type { BrokerSummary } from '../broker/pipeline/broker-run.js';
import type { Logger } from '../common/logger.js';
import { makeFolders } from '../common/make-folders.js';
import { defaultCacheRoot } from '../runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../runtime/environments/uv-environment-builder.js';
import { championModels, type Champion } from './champion-models.js';
import { writeDemoBrokerConfig } from './demo-broker-config.js';
import { demoPythonDir } from './demo-files.js';
import { REPLAY_SEED, TRAINING_SEED, type DemoOptions } from './demo-options.js';
import type { DemoProgress } from './demo-progress.js';
import { LIVE_TOPIC, startLiveStream } from './live-stream.js';
import { replayAlerts, type Replay } from './replay-alerts.js';
import { replaySource } from './replay-alerts-source.js';
import { SCIENCE_MODULES } from './science-modules.js';
import { startDemoServer, type DemoServer } from './start-demo-server.js';
import { trainScienceModules } from './train-science-modules.js';
import { buildTrainingEnvironments } from './training-environments.js';
import { writeTrainingSet } from './write-training-set.js';

export interface DemoContext {
  readonly version: string;
  readonly progress: DemoProgress;
  readonly logger: Logger;
  /** Aborting stops the replay early; what was read is still stored. */
  readonly signal?: AbortSignal;
}

export interface DemoRun {
  readonly url: string;
  readonly dataDir: string;
  readonly brokerConfig: string;
  /** The replay's paths, for the command that repeats it. */
  readonly alerts: readonly string[];
  readonly champions: readonly Champion[];
  /** False when the registry already held the champions and training was skipped. */
  readonly trained: boolean;
  readonly summary: BrokerSummary;
  readonly server: DemoServer;
}

export async function runDemo(options: DemoOptions, context: DemoContext): Promise<DemoRun> {
  const { progress } = context;
  const dataDir = resolve(options.dataDir);
  await makeFolders(dataDir);
  progress.step(`Starting the Aviary server on ${options.host}:${options.port}`);
  const server = await startDemoServer(dataDir, options.host, options.port, context.version, context.logger, options.browserDefences);
  progress.detail(`Aviary ${context.version} listening on ${server.url} (data: ${dataDir})`);
  try {
    const builder = new UvEnvironmentBuilder({ cacheRoot: options.cacheDir ? resolve(options.cacheDir) : defaultCacheRoot(), useUv: process.env.AVIARY_NO_UV !== '1' });
    const existing = options.retrain ? undefined : await championModels(server.aviary);
    const champions = existing ?? (await train(options, dataDir, server.url, builder, progress, server));
    if (existing) reportReused(existing, progress);

    progress.step('Writing the broker config');
    const brokerConfig = await writeDemoBrokerConfig(dataDir);
    progress.detail(`${brokerConfig}: modules ${SCIENCE_MODULES.map((m) => `${m.name}@champion`).join(', ')}; filters early_snia, variables`);

    const replay = { aviary: server.aviary, configFile: brokerConfig, builder, logger: context.logger, progress, ...(context.signal ? { signal: context.signal } : {}) };
    if (options.live) {
      const summary = await streamLive(options, options.live.ratePerSecond, replay, server.url);
      progress.step('Done');
      return { url: server.url, dataDir, brokerConfig, alerts: [], champions, trained: !existing, summary, server };
    }
    progress.step('Replaying alerts through the broker');
    const source = await replaySource({ ...options, seed: REPLAY_SEED }, dataDir, progress);
    progress.detail(`replaying ${source.description}`);
    const summary = await replayAlerts({ ...replay, source });
    progress.step('Done');
    return { url: server.url, dataDir, brokerConfig, alerts: source.paths, champions, trained: !existing, summary, server };
  } catch (err) {
    await server.close().catch(() => undefined);
    throw err;
  }
}

/** `--live`: the alerts come from a local Kafka, published at a steady rate while the broker reads them. */
async function streamLive(options: DemoOptions, ratePerSecond: number, replay: Omit<Replay, 'source'>, url: string): Promise<BrokerSummary> {
  const { progress } = replay;
  progress.step(`Starting a local Kafka and streaming ${options.count} simulated ZTF alerts at ${ratePerSecond} alerts/s`);
  const live = await startLiveStream({ count: options.count, ratePerSecond, seed: REPLAY_SEED, logger: replay.logger, ...(replay.signal ? { signal: replay.signal } : {}) });
  try {
    progress.detail(`Kafka at ${live.kafka.bootstrap}, topic ${LIVE_TOPIC}; watch the broker page: ${url}/broker`);
    const source = { paths: [], description: `kafka://${live.kafka.bootstrap}/${LIVE_TOPIC}`, expected: options.count };
    const summary = await replayAlerts({ ...replay, source, stream: live.source });
    const sent = await live.published;
    progress.detail(`published ${sent.sent} alerts in ${sent.seconds.toFixed(1)} s`);
    return summary;
  } finally {
    await live.stop();
  }
}

/** Steps 2 and 3 when the registry lacks a champion (or --retrain): training data, environments, training. */
async function train(options: DemoOptions, dataDir: string, url: string, builder: UvEnvironmentBuilder, progress: DemoProgress, server: DemoServer): Promise<Champion[]> {
  const workDir = join(dataDir, 'training');
  progress.step(`Simulating ${options.trainingCount} labelled training alerts into ${workDir}`);
  const set = await writeTrainingSet(workDir, options.trainingCount, TRAINING_SEED, progress);
  progress.detail(`training set ${set.file}: ${Object.entries(set.classes).map(([c, n]) => `${n} ${c}`).join(', ')}`);

  progress.step('Training and registering three science modules with the mlflow client');
  const pythonDir = demoPythonDir();
  const environments = await buildTrainingEnvironments(pythonDir, builder, progress);
  const trained = await trainScienceModules({ pythonDir, trainingSet: set.file, workDir, trackingUri: url, environments, progress });
  for (const t of trained) progress.detail(`${`${t.name}@champion`.padEnd(20)} version ${t.version}, scikit-learn ${t.sklearn}, held-out accuracy ${t.accuracy.toFixed(3)} (${t.test} alerts)`);
  return (await championModels(server.aviary)) ?? trained.map((t) => ({ name: t.name, version: t.version, accuracy: t.accuracy }));
}

function reportReused(champions: readonly Champion[], progress: DemoProgress): void {
  progress.step('Training data: skipped, the registry already holds the three @champion models (--retrain trains again)');
  progress.step('Science modules already registered');
  for (const c of champions) {
    const accuracy = c.accuracy === undefined ? '' : `, held-out accuracy ${c.accuracy.toFixed(3)}`;
    progress.detail(`${`${c.name}@champion`.padEnd(20)} version ${c.version}${accuracy}`);
  }
}
