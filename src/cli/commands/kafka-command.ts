/**
 * `aviary kafka start`: a local, single-node Apache Kafka (KRaft, no ZooKeeper) in the
 * foreground, for trying the live stream on a laptop: `aviary simulate --to`, `aviary broker
 * run --source kafka://`. Java 17+ runs it; its jars are fetched once from Maven Central by
 * scripts/kafka-setup.sh (Maven needed the first time). Its data lives in a temporary folder,
 * removed when it stops (Ctrl-C or SIGTERM: exit 0). Not for production: one node, no security.
 */
import { Command, InvalidArgumentError } from 'commander';
import { LocalKafka } from '../../broker/kafka/local-kafka.js';
import { runCommand } from '../run-command.js';

interface KafkaStartFlags {
  port: number;
  partitions: number;
}

const whole = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  return n;
};

export function kafkaCommand(): Command {
  const kafka = new Command('kafka').description('A local Apache Kafka for trying live streams');
  kafka.addCommand(
    new Command('start')
      .description('run a single-node Kafka in the foreground until Ctrl-C (needs Java 17+; its data is temporary)')
      .option('--port <port>', 'the port clients connect to', whole(1, 65535), 9092)
      .option('--partitions <n>', 'partitions of topics created on first use', whole(1, 1000), 6)
      .action((flags: KafkaStartFlags) => runCommand(() => start(flags))),
  );
  return kafka;
}

async function start(flags: KafkaStartFlags): Promise<void> {
  process.stderr.write(`starting Kafka on 127.0.0.1:${flags.port} (the first start fetches it from Maven Central)\n`);
  const kafka = await LocalKafka.start({ port: flags.port, partitions: flags.partitions });
  process.stdout.write(`Kafka ready at ${kafka.bootstrap} (topics get ${flags.partitions} partitions); try:\n`);
  process.stdout.write(`  aviary simulate --n 20000 --rate 300/s --to kafka://${kafka.bootstrap}/ztf-live\n`);
  process.stdout.write(`  aviary broker run --config broker.yaml --source kafka://${kafka.bootstrap}/ztf-live?group=night\n`);
  process.stdout.write('Ctrl-C stops it and removes its data.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('stopping Kafka\n');
  await kafka.stop();
}
