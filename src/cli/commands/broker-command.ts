/**
 * `aviary broker run --config broker.yaml --source <files, folders or globs...>`: runs the
 * broker's pipeline over alert files into the data dir's alert store (`<data dir>/alerts.db`).
 * The config, the sources and every filter output are checked before any model loads. Setup
 * steps and a progress line go to stderr, the summary to stdout (`--json`: as JSON). Ctrl-C
 * stops reading and finishes the batches under way (exit 130); during loading it stops at once;
 * a second Ctrl-C exits at once.
 */
import { Command } from 'commander';
import { openAviary } from '../../app/open-aviary.js';
import { consoleLogger } from '../../common/logger.js';
import { loadBrokerConfig } from '../../broker/config/load-broker-config.js';
import type { BrokerProgress } from '../../broker/pipeline/broker-run.js';
import { formatSummary, progressLine } from '../../broker/pipeline/format-summary.js';
import { runBroker } from '../../broker/pipeline/run-broker.js';
import { checkAlertPaths } from '../../broker/sources/check-alert-paths.js';
import { openAlertSource } from '../../broker/sources/open-alert-source.js';
import { toExactJson } from '../../common/exact-json.js';
import { loadOptionsFrom, type RuntimeOptions } from '../runtime-options.js';
import { EXIT_INTERRUPTED, runCommand } from '../run-command.js';
import { addStoreOptions, configFromOptions, type StoreOptions } from '../store-options.js';

interface BrokerRunCliOptions extends StoreOptions, Pick<RuntimeOptions, 'cacheDir' | 'requireSandbox'> {
  config: string;
  source: string[];
  alertStoreUri?: string;
  json?: boolean;
}

export function brokerCommand(): Command {
  const broker = new Command('broker').description('Run science modules and filters over alert streams');
  const run = addStoreOptions(new Command('run'))
    .description('Score alert files with the modules of a broker config, store them, and write each filter\'s matches')
    .requiredOption('--config <file>', 'the broker config (YAML): modules, filters, batch_size, follow_registry')
    .requiredOption('--source <paths...>', 'alert files, folders or globs (Avro, Parquet, JSON)')
    .option('--alert-store-uri <uri>', 'alert store URI (default: sqlite:///<data dir>/alerts.db)')
    .option('--json', 'print the summary as JSON (a failure as {"error": ...})')
    .option('--require-sandbox', 'refuse to start unless every layer of the model sandbox is on')
    .option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})')
    .action((opts: BrokerRunCliOptions) => runCommand(() => brokerRun(opts), { json: opts.json === true }));
  broker.addCommand(run);
  return broker;
}

async function brokerRun(opts: BrokerRunCliOptions): Promise<void> {
  const config = await loadBrokerConfig(opts.config);
  await checkAlertPaths(opts.source);
  const logger = consoleLogger('broker');
  const storeConfig = configFromOptions(opts);
  const aviary = await openAviary(opts.alertStoreUri ? { ...storeConfig, alertStoreUri: opts.alertStoreUri } : storeConfig, logger);
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\nstopping: finishing the batches under way (Ctrl-C again to exit at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = progressReporter();
  try {
    const { builder, sandbox } = loadOptionsFrom({ workers: 1, batchSize: config.batchSize, timeout: 60, cacheDir: opts.cacheDir, requireSandbox: opts.requireSandbox }, aviary, logger);
    const summary = await runBroker({
      config,
      source: openAlertSource(opts.source),
      store: aviary.alerts,
      aviary,
      builder,
      ...(sandbox ? { sandbox } : {}),
      logger,
      progress: (line) => process.stderr.write(`${line}\n`),
      onProgress: bar.update,
      signal: stop.signal,
    });
    bar.done();
    const deadLettersAt = `aviary alerts dead-letters${opts.dataDir === './aviary-data' ? '' : ` --data-dir ${opts.dataDir}`}${opts.alertStoreUri ? ` --alert-store-uri ${opts.alertStoreUri}` : ''}`;
    process.stdout.write(opts.json ? `${toExactJson(summary)}\n` : formatSummary(summary, deadLettersAt));
    // Stopped early: what was read is stored, but the input was not all read.
    if (stop.signal.aborted) process.exitCode = EXIT_INTERRUPTED;
  } finally {
    bar.done();
    process.off('SIGINT', onSigint);
    await aviary.close();
  }
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
