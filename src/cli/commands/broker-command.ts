/**
 * `aviary broker run --config broker.yaml --source <files, folders or globs... | kafka://...>`:
 * runs the broker's pipeline over alert files, or a Kafka stream read in a consumer group, into
 * the data dir's alert store (`<data dir>/alerts.db`). A stream runs until stopped (Ctrl-C or
 * SIGTERM: the batches under way are finished and committed, exit 0), `--max-alerts` or
 * `--idle-timeout`.
 * The config, the sources and every filter output are checked before any model loads. Setup
 * steps and a progress line go to stderr, the summary to stdout (`--json`: as JSON). Ctrl-C
 * stops reading and finishes the batches under way (exit 130); during loading it stops at once;
 * a second Ctrl-C exits at once.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { openAviary } from '../../app/open-aviary.js';
import { redactUri } from '../../store/sql/database-uri.js';
import type { AlertStore } from '../../broker/store/alert-store.js';
import { LazyAlertStore } from '../../broker/store/lazy-alert-store.js';
import { consoleLogger } from '../../common/logger.js';
import type { BrokerConfig } from '../../broker/config/broker-config.js';
import { parseDuration } from '../../broker/config/parse-duration.js';
import { clientOptions } from '../../broker/kafka/kafka-connection.js';
import { loadBrokerConfig } from '../../broker/config/load-broker-config.js';
import type { BrokerProgress } from '../../broker/pipeline/broker-run.js';
import { formatSummary, progressLine } from '../../broker/pipeline/format-summary.js';
import { runBroker } from '../../broker/pipeline/run-broker.js';
import type { AlertSource } from '../../broker/sources/alert-source.js';
import { checkAlertPaths } from '../../broker/sources/check-alert-paths.js';
import { KafkaAlertSource } from '../../broker/sources/kafka/kafka-alert-source.js';
import { isKafkaUri, parseKafkaUri } from '../../broker/sources/kafka/kafka-uri.js';
import { schemaLookup } from '../../broker/sources/kafka/schema-lookup.js';
import { openAlertSource } from '../../broker/sources/open-alert-source.js';
import type { Logger } from '../../common/logger.js';
import { toExactJson } from '../../common/exact-json.js';
import { addMetricsOptions, openMetricsFromFlags, type MetricsFlags, type OpenMetrics } from '../metrics-options.js';
import { loadOptionsFrom, type RuntimeOptions } from '../runtime-options.js';
import { EXIT_INTERRUPTED, runCommand } from '../run-command.js';
import { openRemoteModelStore } from '../../runtime/remote-model-store/remote-model-store.js';
import { addStoreOptions, alertStoreOption, configFromOptions } from '../store-options.js';
import { addTrackingUriOption, trackingServerOf, type OpenedModelStore, type TrackingUriOptions } from '../tracking-uri-options.js';

interface BrokerRunCliOptions extends TrackingUriOptions, MetricsFlags, Pick<RuntimeOptions, 'cacheDir' | 'requireSandbox'> {
  config: string;
  source?: string[];
  alertStoreUri?: string;
  json?: boolean;
  idleTimeout?: string;
  maxAlerts?: string;
  schemaRegistry?: string;
}

export function brokerCommand(): Command {
  const broker = new Command('broker').description('Run science modules and filters over alert streams');
  // The data dir holds the run's alerts even when models come from a tracking server.
  const run = addMetricsOptions(addTrackingUriOption(addStoreOptions(new Command('run')), ['backendStoreUri']))
    .description('Score alert files with the modules of a broker config, store them, and write each filter\'s matches')
    .requiredOption('--config <file>', 'the broker config (YAML): modules, filters, batch_size, follow_registry')
    .option('--source <paths...>', "alert files, folders or globs (Avro, Parquet, JSON), or one Kafka stream: kafka://host:port/topic[,topic]?group=<id>&start=earliest|latest (default: the config's source: block)")
    .option('--idle-timeout <time>', 'a Kafka stream: stop when no message has come for this long (30s, 2m, or seconds)')
    .option('--max-alerts <n>', 'a Kafka stream: stop after this many alerts (at the end of a message)')
    .option('--schema-registry <url-or-folder>', 'a Kafka stream in Confluent wire format: its schema registry, or a folder of schemas named <id>.avsc')
    .addOption(alertStoreOption())
    .option('--json', 'print the summary as JSON (a failure as {"error": ...})')
    .option('--require-sandbox', 'refuse to start unless every layer of the model sandbox is on')
    .option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})')
    .action((opts: BrokerRunCliOptions) => runCommand(() => brokerRun(opts), { json: opts.json === true }));
  broker.addCommand(run);
  return broker;
}

async function brokerRun(opts: BrokerRunCliOptions): Promise<void> {
  const config = await loadBrokerConfig(opts.config);
  const logger = consoleLogger('broker');
  const stop = new AbortController();
  const paths = opts.source ?? [];
  if (paths.length === 0 && !config.source) throw new Error(`--source: name alert files or a Kafka stream (kafka://host:port/topic), or give ${opts.config} a source: block`);
  const stream = paths.length === 0 || paths.some(isKafkaUri);
  const source = stream ? kafkaSource(opts, config, stop.signal, logger) : openAlertSource(paths);
  if (!stream) {
    // Options for a stream would be ignored without a word over files.
    const streamOnly = [opts.idleTimeout !== undefined && '--idle-timeout', opts.maxAlerts !== undefined && '--max-alerts', opts.schemaRegistry !== undefined && '--schema-registry'].filter(Boolean);
    if (streamOnly.length > 0) throw new Error(`${streamOnly.join(', ')}: for a Kafka stream, but --source names files (${paths.join(' ')})`);
    await checkAlertPaths(paths);
  }
  const stores = await openStores(opts, logger);
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(`\nstopping: finishing the batches under way${stream ? ' and committing them' : ''} (Ctrl-C again to exit at once)\n`);
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  // A stream has no end of its own: SIGTERM (a service manager) stops it as Ctrl-C does.
  if (stream) process.on('SIGTERM', onSigint);
  const bar = progressReporter();
  let metrics: OpenMetrics | undefined;
  try {
    metrics = await openMetricsFromFlags(opts);
    const { builder, sandbox } = loadOptionsFrom({ workers: 1, batchSize: config.batchSize, timeout: 60, cacheDir: opts.cacheDir, requireSandbox: opts.requireSandbox }, stores.models, logger);
    const summary = await runBroker({
      config,
      source,
      store: stores.alerts,
      aviary: stores.models,
      builder,
      ...(sandbox ? { sandbox } : {}),
      logger,
      progress: (line) => process.stderr.write(`${line}\n`),
      onProgress: bar.update,
      signal: stop.signal,
      ...(metrics ? { metrics: metrics.registry } : {}),
    });
    bar.done();
    const deadLettersAt = `aviary alerts dead-letters${opts.dataDir === './aviary-data' ? '' : ` --data-dir ${opts.dataDir}`}${opts.alertStoreUri ? ` --alert-store-uri '${redactUri(opts.alertStoreUri)}'` : ''}`;
    process.stdout.write(opts.json ? `${toExactJson(summary)}\n` : formatSummary(summary, deadLettersAt));
    // Files stopped early: what was read is stored, but the input was not all read. A stream
    // has no end: stopping it is how it ends.
    if (stop.signal.aborted && !stream) process.exitCode = EXIT_INTERRUPTED;
  } finally {
    bar.done();
    await metrics?.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await stores.close();
  }
}

/** Where models come from (the data dir's registry, or a tracking server's), and the alert store the run writes. */
async function openStores(opts: BrokerRunCliOptions, logger: Logger): Promise<{ models: OpenedModelStore; alerts: AlertStore; close(): Promise<void> }> {
  const storeConfig = configFromOptions(opts);
  const server = trackingServerOf(opts);
  if (!server) {
    const aviary = await openAviary(storeConfig, logger);
    return { models: aviary, alerts: aviary.alerts, close: () => aviary.close() };
  }
  const models = openRemoteModelStore(server);
  logger.info(`models from the tracking server ${models.server}`);
  const alerts = new LazyAlertStore(storeConfig.alertStoreUri!);
  return {
    models,
    alerts,
    close: async () => {
      await models.close();
      await alerts.close();
    },
  };
}

/** The one Kafka stream of --source (else the config's source: block), with its stop conditions; what is wrong with them, as one line. */
function kafkaSource(opts: BrokerRunCliOptions, config: BrokerConfig, signal: AbortSignal, logger: Logger): AlertSource {
  const paths = opts.source ?? [];
  if (paths.length > 1) throw new Error(`--source: a Kafka stream is read alone, not with other sources (${paths.join(' ')})`);
  const fromConfig = paths.length === 0 ? config.source : undefined;
  const address = fromConfig ?? parseKafkaUri(paths[0]!);
  // A missing password variable or CA file is said now, before minutes of loading models.
  clientOptions(address);
  const registry = opts.schemaRegistry ?? fromConfig?.schemaRegistry;
  const schemaText = fromConfig?.schemaFile ? readSchemaFile(fromConfig.schemaFile, config.file) : undefined;
  const idleTimeoutMs = opts.idleTimeout === undefined ? undefined : duration(opts.idleTimeout, '--idle-timeout');
  const maxAlerts = opts.maxAlerts === undefined ? undefined : Math.floor(positive(opts.maxAlerts, '--max-alerts', 'alerts'));
  return new KafkaAlertSource(address, {
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    ...(maxAlerts !== undefined ? { maxAlerts } : {}),
    formats: { ...(registry ? { schemas: schemaLookup(registry) } : {}), ...(schemaText !== undefined ? { schemaText } : {}) },
    signal,
    logger,
  });
}

function readSchemaFile(file: string, configFile: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    JSON.parse(text);
    return text;
  } catch (err) {
    throw new Error(`${configFile}: source.schema ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not an Avro schema (JSON): ${(err as Error).message}`}`);
  }
}

function duration(text: string, option: string): number {
  const ms = parseDuration(/^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text);
  if (ms === undefined || ms <= 0) throw new Error(`${option} ${text}: expected a duration above 0 such as 30s, 2m or a number of seconds`);
  return ms;
}

function positive(text: string, option: string, unit: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${option} ${text}: a positive number of ${unit}`);
  return value;
}

/** On a terminal, one line rewritten in place; elsewhere (a log file), a line every 5 s. */
function progressReporter(): { update: (p: BrokerProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    update: (p) => {
      if (tty) {
        process.stderr.write(`\r${progressLine(p)}\x1b[K`);
        drawn = true;
      } else if (p.elapsedMs - lastLine >= 5000) {
        lastLine = p.elapsedMs;
        process.stderr.write(`${progressLine(p)}\n`);
      }
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
