/** The tables bench/kafka/pipeline.ts prints and writes: files beside Kafka, one process beside two, runs at a steady rate, the headline. */
import type { BrokerProcess, StoredSpan } from './pipeline-broker.js';
import type { LagSample, Published } from './pipeline-stream.js';

/** One configuration's run: one broker process or two sharing a group and a store. */
export interface ConfigRun {
  readonly processes: readonly BrokerProcess[];
  readonly span: StoredSpan;
  /** CPU seconds of Kafka's JVM over the run (Kafka runs elsewhere in production). */
  readonly kafkaCpuSeconds?: number;
}

/** A broker reading while alerts are published at a steady rate. */
export interface StreamRun {
  readonly label: string;
  readonly targetRate: number;
  readonly published: Published;
  readonly broker: BrokerProcess;
  readonly lag: readonly LagSample[];
  readonly lagAtPublishEnd: number;
  readonly lagSlope: number;
  /** From the last message published to the last alert stored, s. */
  readonly drainSeconds: number;
  readonly kafkaCpuSeconds: number;
  /** This process: the publisher and the samplers. */
  readonly benchCpuSeconds: number;
  /** The 1-minute load average as it ended: the machine is shared. */
  readonly loadAfter: number;
  /** Why it did not keep up; undefined when it did. */
  readonly shortfall?: string;
}

export const int = (n: number) => Math.round(n).toLocaleString('en');
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const startedAt = (r: ConfigRun) => Math.min(...r.processes.map((p) => p.spawnedAt));
export const measures = {
  rate: (r: ConfigRun) => r.span.alertsPerSecond,
  summaryRate: (r: ConfigRun) => sum(r.processes.map((p) => p.summary.alertsPerSecond)),
  toFirst: (r: ConfigRun) => (r.span.first - startedAt(r)) / 1000,
  toLast: (r: ConfigRun) => (r.span.last - startedAt(r)) / 1000,
  cpuMs: (r: ConfigRun) => (sum(r.processes.map((p) => p.usage.cpuSeconds)) * 1000) / r.span.alerts,
  rssMB: (r: ConfigRun) => sum(r.processes.map((p) => p.usage.peakRssBytes)) / 2 ** 20,
  p50: (r: ConfigRun) => Math.max(...r.processes.map((p) => p.summary.latencyMs.p50)),
  p99: (r: ConfigRun) => Math.max(...r.processes.map((p) => p.summary.latencyMs.p99)),
  kafkaCpuMs: (r: ConfigRun) => ((r.kafkaCpuSeconds ?? NaN) * 1000) / r.span.alerts,
  stored: (r: ConfigRun) => sum(r.processes.map((p) => p.summary.alertsStored)),
  joins: (r: ConfigRun) => sum(r.processes.map((p) => p.joins)),
};

type Measure = (r: ConfigRun) => number;

/** Label, then each configuration's median, then the ratio of the last to the first. */
function comparison(head: string[], configs: readonly (readonly ConfigRun[])[], rows: [string, Measure, (n: number) => string, boolean][]): string[][] {
  const cells = [head];
  for (const [label, measure, format, withRatio] of rows) {
    const values = configs.map((runs) => median(runs.map(measure)));
    cells.push([label, ...values.map((v) => (Number.isNaN(v) ? '-' : format(v))), withRatio ? ratio(values[values.length - 1]!, values[0]!) : '']);
  }
  return cells;
}

export function filesVsKafkaTable(files: readonly ConfigRun[], kafka: readonly ConfigRun[], partitions: number): string[][] {
  const rows: [string, Measure, (n: number) => string, boolean][] = [
    ['alerts/s, first to last batch stored', measures.rate, int, true],
    ["alerts/s, the summary's (from the first alert asked for; Kafka: the group join in it)", measures.summaryRate, int, true],
    ['start to first alert stored, s (Node, model, Kafka: group join)', measures.toFirst, f1, true],
    ['start to last alert stored, s', measures.toLast, f1, true],
    ["CPU per alert, ms (the broker's process tree)", measures.cpuMs, f2, true],
    ['peak RSS, MB', measures.rssMB, int, true],
    ['latency read -> stored p50, ms', measures.p50, int, true],
    ['latency read -> stored p99, ms', measures.p99, int, true],
    ["Kafka's JVM: CPU per alert served, ms", measures.kafkaCpuMs, f2, false],
  ];
  return comparison([`median of ${files.length} round(s)`, 'files', `Kafka, ${partitions} partitions`, 'Kafka / files'], [files, kafka], rows);
}

export function oneVsTwoTable(one: readonly ConfigRun[], two: readonly ConfigRun[]): string[][] {
  const rows: [string, Measure, (n: number) => string, boolean][] = [
    ['alerts/s, first to last batch stored (either process)', measures.rate, int, true],
    ['start to last alert stored, s', measures.toLast, f1, true],
    ['CPU per alert, ms (every process tree)', measures.cpuMs, f2, true],
    ["peak RSS, MB (each process's peak, summed)", measures.rssMB, int, true],
    ['alerts stored (summaries; above the count: read again after a rebalance)', measures.stored, int, true],
    ['group joins (more than one a process: rebalances)', measures.joins, int, false],
    ["Kafka's JVM: CPU per alert served, ms", measures.kafkaCpuMs, f2, false],
  ];
  return comparison([`median of ${one.length} round(s)`, 'one process', 'two processes', 'two / one'], [one, two], rows);
}

const lagSum = (r: StreamRun) => sum((r.broker.summary.stream?.partitions ?? []).map((p) => p.lag ?? 0));
const cores = (cpuSeconds: number, r: StreamRun) => f2(cpuSeconds / Math.max(0.001, (r.broker.exitedAt - r.broker.spawnedAt) / 1000));

export function streamTable(runs: readonly StreamRun[]): string[][] {
  const cells = [['run', ...runs.map((r) => r.label)]];
  const row = (label: string, value: (r: StreamRun) => string) => cells.push([label, ...runs.map(value)]);
  row('rate asked, alerts/s', (r) => int(r.targetRate));
  row('published, alerts/s (over s)', (r) => `${int(r.published.alertsPerSecond)} (${f1(r.published.seconds)})`);
  row('alerts', (r) => int(r.published.sent));
  row('latency Kafka timestamp -> stored p50, s', (r) => f2((r.broker.summary.stream?.latencyMs?.p50 ?? NaN) / 1000));
  row('latency Kafka timestamp -> stored p99, s', (r) => f2((r.broker.summary.stream?.latencyMs?.p99 ?? NaN) / 1000));
  row('lag: largest seen / when publishing ended / at exit', (r) => `${int(Math.max(0, ...r.lag.map((s) => s.lag)))} / ${int(r.lagAtPublishEnd)} / ${int(lagSum(r))}`);
  row(`largest lag of one partition`, (r) => int(Math.max(0, ...r.lag.map((s) => s.largestPartitionLag))));
  row('lag trend while publishing, alerts/s', (r) => f1(r.lagSlope));
  row('last alert stored after the last published, s', (r) => f1(Math.max(0, r.drainSeconds)));
  row('alerts stored (above the alerts: read again after a rebalance) / group joins', (r) => `${int(r.broker.summary.alertsStored)} / ${r.broker.joins}`);
  row("CPU, cores: broker's tree / Kafka's JVM / publisher", (r) => `${cores(r.broker.usage.cpuSeconds, r)} / ${cores(r.kafkaCpuSeconds, r)} / ${cores(r.benchCpuSeconds, r)}`);
  row('peak RSS of the broker, MB', (r) => int(r.broker.usage.peakRssBytes / 2 ** 20));
  row('1-minute load average at the end', (r) => f2(r.loadAfter));
  row('kept up', (r) => (r.shortfall === undefined ? 'yes' : `no: ${r.shortfall}`));
  return cells;
}

export interface Headline {
  readonly files: readonly ConfigRun[];
  readonly one: readonly ConfigRun[];
  readonly two: readonly ConfigRun[];
  readonly partitions: number;
  readonly latency: StreamRun;
  readonly sustained?: StreamRun;
  readonly sustainMinutes: number;
}

export function headlineTable(h: Headline): string[][] {
  const rate = (runs: readonly ConfigRun[]) => median(runs.map(measures.rate));
  const lat = (r: StreamRun) => `${f2((r.broker.summary.stream?.latencyMs?.p50 ?? NaN) / 1000)} s / ${f2((r.broker.summary.stream?.latencyMs?.p99 ?? NaN) / 1000)} s`;
  return [
    ['one ONNX module, simulated ZTF alerts', 'measured'],
    ['alerts/s from files', int(rate(h.files))],
    [`alerts/s from Kafka (${h.partitions} partitions), one process`, `${int(rate(h.one))} (${ratio(rate(h.one), rate(h.files))} files)`],
    ['alerts/s from Kafka, two processes in one group', `${int(rate(h.two))} (${ratio(rate(h.two), rate(h.one))} one)`],
    [`latency Kafka -> stored at ${int(h.latency.targetRate)} alerts/s, p50 / p99`, lat(h.latency)],
    [
      `highest rate sustained ${h.sustainMinutes} min, p50 / p99`,
      h.sustained ? `${int(h.sustained.published.alertsPerSecond)} alerts/s, ${lat(h.sustained)}` : 'none confirmed',
    ],
  ];
}
