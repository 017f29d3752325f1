/**
 * What `aviary replay` and `aviary simulate --to` share: where the alerts go (`--to
 * kafka://host:port/topic`), in which format, at which rate and for how long; and the
 * publishing itself, with a progress line every 5 s and Ctrl-C ending it cleanly (what was sent
 * stays sent).
 */
import { Command, Option } from 'commander';
import { parseDuration } from '../broker/config/parse-duration.js';
import { AlertMessageEncoder, PUBLISH_FORMATS, type OutgoingAlert, type PublishFormat } from '../broker/kafka/alert-message-encoder.js';
import { KafkaPublisher, type PublishProgress } from '../broker/publish/kafka-publisher.js';
import { parseKafkaSinkUri } from '../broker/sinks/kafka/kafka-sink-address.js';

export interface PublishFlags {
  to?: string;
  format: PublishFormat;
  schemaRegistry?: string;
  rate?: string;
  duration?: string;
}

export function addPublishOptions(command: Command, toRequired: boolean): Command {
  const to = '--to <kafka-uri>';
  const toHelp = 'the Kafka topic to publish to: kafka://host:port/topic';
  return (toRequired ? command.requiredOption(to, toHelp) : command.option(to, `${toHelp} (instead of files)`))
    .addOption(new Option('--format <format>', 'how each alert goes out: auto is the survey\'s own (ZTF: one Avro container a message; Rubin: Confluent wire format; Parquet or JSON input: JSON)').choices([...PUBLISH_FORMATS]).default('auto'))
    .option('--schema-registry <url-or-folder>', 'Confluent wire format: the schema registry to register schemas in, or a folder to write <id>.avsc into (what `broker run --schema-registry` reads)')
    .option('--rate <alerts-per-second>', 'publish at this rate, e.g. 300 or 300/s or 18000/m (default: as fast as Kafka takes them)')
    .option('--duration <time>', 'stop after this long, e.g. 30s, 10m');
}

/** The flags checked, as one line naming the option when one is wrong. */
export function publishSettings(flags: PublishFlags): { ratePerSecond?: number; durationMs?: number } {
  const ratePerSecond = flags.rate === undefined ? undefined : parseRate(flags.rate);
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  if (durationMs === undefined && flags.duration !== undefined) throw new Error(`--duration ${flags.duration}: expected a duration such as 30s, 10m or 1h`);
  if (durationMs === 0) throw new Error('--duration 0: expected a duration above 0');
  return { ...(ratePerSecond !== undefined ? { ratePerSecond } : {}), ...(durationMs !== undefined ? { durationMs } : {}) };
}

function parseRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|min|h))?\s*$/.exec(text);
  const per = { s: 1, m: 60, min: 60, h: 3600 }[(match?.[2] ?? 's') as 's'];
  const rate = match ? Number(match[1]) / per : NaN;
  if (!match || !(rate > 0)) throw new Error(`--rate ${text}: expected alerts per second above 0, such as 300 or 300/s (or 18000/m)`);
  return rate;
}

/** Publishes `alerts` to `--to`; returns what was sent. */
export async function publishAlerts(alerts: AsyncIterable<OutgoingAlert>, flags: PublishFlags & { to: string }): Promise<PublishProgress> {
  const address = parseKafkaSinkUri(flags.to);
  const settings = publishSettings(flags);
  const encoder = new AlertMessageEncoder(flags.format, address.topic, flags.schemaRegistry);
  const publisher = await KafkaPublisher.open(address);
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: what was sent stays sent (Ctrl-C again to exit at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const rate = settings.ratePerSecond === undefined ? 'as fast as Kafka takes them' : `${settings.ratePerSecond} alerts/s`;
    process.stderr.write(`publishing to ${flags.to}, ${rate}${settings.durationMs !== undefined ? ` for ${settings.durationMs / 1000} s` : ''}\n`);
    return await publisher.publish(alerts, encoder, {
      ...settings,
      signal: stop.signal,
      onProgress: (p) => process.stderr.write(`sent ${p.sent} alerts, ${p.alertsPerSecond.toFixed(1)} alerts/s, ${p.seconds.toFixed(1)}s\n`),
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await publisher.close();
  }
}
