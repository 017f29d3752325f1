/**
 * `aviary replay <files...> --to kafka://host:port/topic`: real alert files pushed to a Kafka
 * topic as the surveys' streams carry them (ZTF: one Avro container a message; Rubin: Confluent
 * wire format), at a given rate, for demos and load tests. `--repeat` sends them again (the
 * same alert ids: a broker stores each once).
 */
import { Command } from 'commander';
import { fileAlerts, type Skipped } from '../../broker/publish/file-alerts.js';
import { checkAlertPaths } from '../../broker/sources/check-alert-paths.js';
import { addPublishOptions, publishAlerts, type PublishFlags } from '../publish-options.js';
import { runCommand } from '../run-command.js';

interface ReplayOptions extends PublishFlags {
  to: string;
  repeat: string;
}

export function replayCommand(): Command {
  const command = new Command('replay')
    .description('Publish alert files (Avro, Parquet, JSON) to a Kafka topic as the surveys stream them, at a given rate')
    .argument('<paths...>', 'alert files, folders or globs')
    .option('--repeat <n>', 'send the alerts this many times over', '1');
  return addPublishOptions(command, true).action((paths: string[], opts: ReplayOptions) => runCommand(() => replay(paths, opts)));
}

async function replay(paths: string[], opts: ReplayOptions): Promise<void> {
  const repeat = Number(opts.repeat);
  if (!Number.isSafeInteger(repeat) || repeat < 1) throw new Error(`--repeat ${opts.repeat}: expected a whole number >= 1`);
  await checkAlertPaths(paths);
  const skipped: Skipped = { count: 0 };
  const sent = await publishAlerts(fileAlerts(paths, repeat, skipped), opts);
  if (skipped.count > 0) process.stderr.write(`skipped ${skipped.count} records that are not readable alerts (first: ${skipped.first})\n`);
  process.stdout.write(`sent ${sent.sent} alerts to ${opts.to} in ${sent.seconds.toFixed(1)} s (${sent.alertsPerSecond.toFixed(1)} alerts/s)\n`);
  if (sent.sent === 0) throw new Error(`no alert sent: ${paths.join(' ')} hold${paths.length === 1 ? 's' : ''} no readable alert`);
}
