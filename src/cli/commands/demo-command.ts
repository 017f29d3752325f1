/**
 * `aviary demo`: on embedded defaults, serve, train and register three science modules with the
 * real mlflow client, replay alerts through them, print the summary, and keep serving so the
 * results can be browsed (until Ctrl-C; `--exit` stops after the summary).
 */
import { Command, InvalidArgumentError } from 'commander';
import pkg from '../../../package.json' with { type: 'json' };
import { formatSummary } from '../../broker/pipeline/format-summary.js';
import { consoleLogger } from '../../common/logger.js';
import { demoHints } from '../../demo/demo-hints.js';
import { demoLogger } from '../../demo/demo-logger.js';
import { demoDefaults, type DemoOptions } from '../../demo/demo-options.js';
import { stderrProgress } from '../../demo/demo-progress.js';
import { runDemo } from '../../demo/run-demo.js';
import { addBrowserDefenceOptions, browserDefencesFromFlags, type BrowserDefenceFlags } from '../browser-defence-options.js';
import { EXIT_INTERRUPTED, runCommand } from '../run-command.js';
import { openSandbox } from '../runtime-options.js';

interface DemoFlags extends BrowserDefenceFlags {
  dataDir: string;
  host: string;
  port: number;
  alerts?: string[];
  simulated?: boolean;
  n: number;
  trainingAlerts: number;
  retrain?: boolean;
  live?: boolean;
  rate: number;
  exit?: boolean;
  cacheDir?: string;
  requireSandbox?: boolean;
}

const wholeNumber = (min: number, max: number, what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${what}`);
  return n;
};

export function demoCommand(): Command {
  const command = new Command('demo')
    .description('train three science modules with the mlflow client, replay alerts through them, and serve the results')
    .option('--data-dir <dir>', 'where the database, artifacts, alerts and broker.yaml go', demoDefaults.dataDir)
    .option('--host <host>', 'address to listen on', demoDefaults.host)
    .option('--port <port>', 'port to listen on (0 picks a free one)', wholeNumber(0, 65535, 'a port number from 0 to 65535'), demoDefaults.port)
    .option('--alerts <paths...>', 'alerts to replay: files, folders or globs (default: ../shared/data/ztf when it exists, else simulated)')
    .option('--simulated', 'replay simulated alerts even when real ones are at hand')
    .option('--n <count>', 'how many simulated alerts to replay', wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a whole number of at least 1'), demoDefaults.count)
    .option('--training-alerts <count>', 'how many labelled alerts to simulate for training', wholeNumber(100, Number.MAX_SAFE_INTEGER, 'a whole number of at least 100'), demoDefaults.trainingCount)
    .option('--retrain', 'train and register the modules again even if the registry holds them')
    .option('--live', 'stream --n simulated alerts through a local Kafka (needs Java 17+) at --rate while the broker reads them, instead of replaying files')
    .option('--rate <alerts-per-second>', 'with --live: how fast the alerts are published', wholeNumber(1, 100_000, 'a whole number of alerts per second from 1 to 100000'), demoDefaults.liveRate)
    .option('--exit', 'stop the server after the summary instead of serving until Ctrl-C')
    .option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})')
    .option('--require-sandbox', 'refuse to start unless every layer of the model sandbox is on');
  return addBrowserDefenceOptions(command).action((flags: DemoFlags) => runCommand(() => demo(flags)));
}

async function demo(flags: DemoFlags): Promise<void> {
  // The layers are reported (or refused) before anything starts; the modules' pools apply the same ones.
  openSandbox(flags, consoleLogger('demo'));
  if (flags.live && (flags.alerts || flags.simulated)) throw new Error('--live streams simulated alerts through Kafka; --alerts and --simulated replay files: choose one');
  const options: DemoOptions = {
    dataDir: flags.dataDir,
    host: flags.host,
    port: flags.port,
    ...(flags.alerts ? { alerts: flags.alerts } : {}),
    simulated: flags.simulated ?? false,
    count: flags.n,
    trainingCount: flags.trainingAlerts,
    retrain: flags.retrain ?? false,
    ...(flags.live ? { live: { ratePerSecond: flags.rate } } : {}),
    ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
    browserDefences: browserDefencesFromFlags(flags, flags.host),
  };
  // The demo has no authentication (SECURITY.md says why): fine on loopback, not elsewhere.
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(flags.host)) {
    process.stderr.write(
      `aviary demo: warning: serving on ${flags.host} without authentication: anyone who can reach it may change the models the broker runs; ` +
        'for a shared server use `aviary server --auth` (SECURITY.md)\n',
    );
  }
  // The first Ctrl-C ends the replay early (what was read is stored); later ones are handled below.
  const stopping = new AbortController();
  const interrupt = () => stopping.abort();
  process.once('SIGINT', interrupt);
  const progress = stderrProgress();
  const run = await runDemo(options, { version: pkg.version, progress, logger: demoLogger(progress), signal: stopping.signal }).finally(() =>
    process.off('SIGINT', interrupt),
  );
  process.stdout.write(`\n${formatSummary(run.summary, `aviary alerts dead-letters --data-dir ${run.dataDir}`)}\n`);
  if (flags.exit || stopping.signal.aborted) {
    await run.server.close();
    if (stopping.signal.aborted) process.exitCode = EXIT_INTERRUPTED;
    return;
  }
  process.stdout.write(`${demoHints(run.url, run.dataDir, run.brokerConfig)}\n\nPress Ctrl-C to stop the server.\n`);
  const signal = await new Promise<NodeJS.Signals>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('aviary demo: shutting down\n');
  await run.server.close();
  // Ctrl-C exits 130 as an interrupted program does; SIGTERM (a service manager's stop) exits 0.
  if (signal === 'SIGINT') process.exitCode = EXIT_INTERRUPTED;
}
