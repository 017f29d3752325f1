/** bench/kafka/pipeline.ts's section of bench/kafka/results.md: how it was taken, the tables, what they leave out. */
import { markdownTable } from '../common/tables.js';

export const SECTION_HEADING = '# The broker on a live stream';

export interface ResultsInput {
  readonly command: string;
  readonly minutes: number;
  readonly machine: string;
  readonly loads: { readonly before: number; readonly measuring: number; readonly after: number; readonly waitedSeconds: number };
  readonly settings: {
    readonly alerts: number;
    readonly rounds: number;
    readonly batchSize: number;
    readonly partitions: number;
    readonly seed: number;
    readonly latencyRate: number;
    readonly trialSeconds: number;
    readonly sustainMinutes: number;
    readonly maxP99Seconds: number;
    readonly idleSeconds: number;
  };
  readonly filesAlerts: number;
  readonly filesMegabytes: number;
  readonly tables: { readonly filesVsKafka: string[][]; readonly oneVsTwo: string[][]; readonly streams: string[][]; readonly headline: string[][] };
  readonly unconfirmed?: boolean;
  /** Every run of files, one process and two stored the same alert ids. */
  readonly sameAlerts: boolean;
}

export function resultsSection(r: ResultsInput): string {
  const s = r.settings;
  const n = s.alerts.toLocaleString('en');
  return [
    `${SECTION_HEADING}: Kafka beside files, one process beside two, latency at a steady rate`,
    '',
    `Taken ${new Date().toISOString()} with \`${r.command}\` (${r.minutes.toFixed(1)} min). ${r.machine}. 1-minute load average ${r.loads.before.toFixed(2)} at start, ${r.loads.measuring.toFixed(2)} when measuring began${r.loads.waitedSeconds > 0 ? ` (after waiting ${Math.round(r.loads.waitedSeconds)} s for it to fall)` : ''}, ${r.loads.after.toFixed(2)} at the end.`,
    '',
    `\`aviary broker run\` as a real process (the CLI bundle) with one module, the runtime tests' scikit-learn classifier in ONNX scored in-process (no Python), fed \`magpsf, sigmapsf, drb, ndethist\`, and one filter writing JSON lines; batches of ${s.batchSize.toLocaleString('en')}, whole alerts with their cutouts stored in SQLite. Alerts: ${n} simulated ZTF alerts (\`aviary simulate --seed ${s.seed}\`, ${r.filesMegabytes.toFixed(0)} MB in Avro files of 1,000), published to Kafka 4.4 (one KRaft node on this machine, the same cores) one alert a message in an Avro container, keyed by objectId, as ZTF streams them. Alerts/s are counted from the alert store: alerts stored after the first batch, per second from the first batch stored to the last (setup and how a run ends are left out alike); CPU and peak RSS are the broker's process tree.`,
    '',
    `## The same ${n} alerts from files and from a topic of ${s.partitions} partitions`,
    '',
    `The topic was filled before the run; each Kafka run is a fresh consumer group from the earliest offset, ending on \`--max-alerts ${s.alerts}\`. Configurations interleaved, the order rotated per round. What a user does instead of a live stream is the files column: the night's alert files read afterwards.`,
    '',
    markdownTable(r.tables.filesVsKafka),
    '',
    r.sameAlerts ? `Every run stored the same ${n} alert ids.` : 'The runs did NOT all store the same alert ids: see the notes printed by the run.',
    '',
    '## One process beside two in one consumer group',
    '',
    `Fresh group each time, both processes started together with one data directory (one SQLite alert store, two writers, WAL with a busy timeout) and each its own filter output, each ending ${s.idleSeconds} s after its last message. On 2 cores the two processes compete for the same CPUs, with Kafka's JVM: a second process can only help where one leaves a core idle while it waits.`,
    '',
    markdownTable(r.tables.oneVsTwo),
    '',
    '## At a steady rate',
    '',
    `One broker reads a fresh topic of ${s.partitions} partitions while alerts are published to it at a set rate by Aviary's KafkaPublisher (what \`aviary replay --rate\` uses) from this benchmark's process: the first run at ${s.latencyRate} alerts/s (Rubin's average), then ${s.trialSeconds}-second trials at rising rates until one falls behind and one more halfway back, then the best over ${s.sustainMinutes} minutes (else the next lower that kept up, and the next). Falling behind: the lag (partitions' ends minus the group's committed offsets, summed over partitions, read every 2 s; the largest of one partition is shown too) grew by more than 5% of the rate, the p99 latency passed ${s.maxP99Seconds} s, or the publisher could not keep the rate. The ${n} messages are sent again in turn for longer runs: the store then replaces alerts it holds (same work per alert: the row, its cutouts and its score rewritten). Latency is from each message's Kafka timestamp (when it was published) to its alert stored and in the filter's output; a batch goes when full or once its first alert has waited \`max_batch_wait\` (default 500 ms), so below ${Math.round(s.batchSize / 0.5).toLocaleString('en')} alerts/s batches go every 500 ms, part full.`,
    '',
    markdownTable(r.tables.streams),
    '',
    '## In short',
    '',
    markdownTable(r.tables.headline),
    ...(r.unconfirmed ? ['', `No rate was confirmed over ${s.sustainMinutes} minutes.`] : []),
    '',
    "Left out: the plain Python script of bench/broker (plain_python_broker.py) runs that benchmark's three registered models, not this config, and no Python Kafka consumer was built; its comparison on files is bench/broker/results.md's. The publisher (about 0.1-0.2 ms of CPU a message) and Kafka's JVM run on the broker's 2 cores here; in production Kafka and the producers are elsewhere.",
    '',
  ].join('\n');
}
