/**
 * The broker on a live stream, measured: `aviary broker run` as a real process (the CLI bundle),
 * one ONNX module in-process (no Python) and one filter, on simulated ZTF alerts, with a real
 * Kafka 4.4 on this machine (src/broker/kafka/local-kafka.ts). In one run, side by side:
 *
 * 1. files beside Kafka: the same --alerts (default 20,000: `aviary simulate --seed 42`'s) read
 *    from their Avro files and from a topic of 6 partitions they were published to beforehand;
 * 2. one process beside two in one consumer group on that topic (a fresh group each time; the two
 *    share one data directory, so one SQLite alert store with two writers); on 2 cores the two
 *    compete for the same CPUs, and Kafka's JVM for them too;
 * 3. the latency from each message's Kafka timestamp to its alert stored while alerts are
 *    published at --latency-rate (300/s: Rubin's average) for --latency-minutes;
 * 4. the highest rate sustained: 1-minute trials at rising rates (fractions of the rate measured
 *    in 1., or --rates) until one falls behind (lag growing by over 5% of the rate, or p99 over
 *    --max-p99 seconds, or the publisher short of the rate), one more halfway back, then the best
 *    confirmed over --sustain-minutes (else the next lower that kept up, and the next).
 *
 * Rounds of 1 and 2 are interleaved, medians printed. Alerts/s are counted from the alert store:
 * alerts stored after the first batch, per second from the first batch stored to the last, so
 * setup (Node, the model, a group join) and how a run ends (--max-alerts, an idle timeout) are
 * left out the same way for every source. CPU and peak RSS are the broker's process tree.
 *
 *   npx tsx bench/kafka/pipeline.ts [--alerts 20000] [--rounds 3] [--latency-minutes 3]
 *       [--sustain-minutes 5] [--trial-seconds 60] [--rates 400,500] [--no-search] [--smoke]
 *
 * A full run waits (up to --max-wait minutes) for the load average to fall to 2, then writes its
 * section of bench/kafka/results.md. --smoke: a check that every phase runs, not a measurement:
 * 200 alerts in batches of 50, seconds-long streams, the report to test-output/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { OutgoingAlert } from '../../src/broker/kafka/alert-message-encoder.js';
import { LocalKafka } from '../../src/broker/kafka/local-kafka.js';
import { prepareTestModels } from '../../src/runtime/testing/test-models.js';
import ensureBundle from '../../tests/ts/global-setup.js';
import { treeStats } from '../broker/process-tree.js';
import { simulatedAlerts } from '../broker/simulated.js';
import { describeMachine, load1, machineLine, waitForQuiet } from '../common/machine.js';
import { writeResultsSection } from '../common/results-section.js';
import { consoleTable } from '../common/tables.js';
import { startBroker, storedSpan, writeBrokerConfig, type BrokerProcess } from './pipeline-broker.js';
import { filesVsKafkaTable, headlineTable, int, median, oneVsTwoTable, streamTable, type ConfigRun, type StreamRun } from './pipeline-report.js';
import { resultsSection, SECTION_HEADING } from './pipeline-results.js';
import { createTopic, deleteTopic, lagSlope, LagSampler, publish, simulatedMessages } from './pipeline-stream.js';

const here = import.meta.dirname;
const repo = resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    alerts: { type: 'string' },
    rounds: { type: 'string' },
    'batch-size': { type: 'string' },
    'latency-rate': { type: 'string', default: '300' },
    'latency-minutes': { type: 'string' },
    'trial-seconds': { type: 'string' },
    'sustain-minutes': { type: 'string' },
    'max-p99': { type: 'string', default: '10' },
    rates: { type: 'string' },
    'no-search': { type: 'boolean', default: false },
    'no-wait': { type: 'boolean', default: false },
    'max-wait': { type: 'string', default: '10' },
    smoke: { type: 'boolean', default: false },
  },
});
const smoke = args.smoke;
const settings = {
  alerts: Number(args.alerts ?? (smoke ? 200 : 20_000)),
  rounds: Number(args.rounds ?? (smoke ? 1 : 3)),
  batchSize: Number(args['batch-size'] ?? (smoke ? 50 : 1000)),
  partitions: 6,
  /** The same seed as bench/broker's simulated set, whose cached files are reused. */
  seed: 42,
  latencyRate: Number(args['latency-rate']),
  latencySeconds: smoke ? 3 : Number(args['latency-minutes'] ?? 3) * 60,
  trialSeconds: smoke ? 3 : Number(args['trial-seconds'] ?? 60),
  sustainMinutes: smoke ? 0.05 : Number(args['sustain-minutes'] ?? 5),
  maxP99Seconds: Number(args['max-p99']),
  /** Trial rates as fractions of the rate a preloaded topic was read at (phase 1). */
  fractions: smoke ? [0.3] : [0.5, 0.65, 0.8, 0.95, 1.1],
  /** Two brokers in one group end on this (neither knows its share in advance). */
  idleSeconds: smoke ? 2 : 5,
  /** A safety net only: a stream run ends on --max-alerts. */
  safetyIdleSeconds: 30,
  lagEveryMs: smoke ? 500 : 2000,
  /** The broker's process tree: peak RSS is seen at this resolution. */
  sampleEveryMs: smoke ? 100 : 500,
};
const say = (line: string) => console.error(line);

interface Context {
  readonly kafka: LocalKafka;
  readonly scratch: string;
  readonly modelDir: string;
  readonly messages: readonly OutgoingAlert[];
}

/** CPU seconds of a process tree so far (Kafka's JVM). */
function cpuSecondsOf(pid: number): number {
  let ticks = 0;
  for (const s of treeStats(pid).values()) ticks += s.ticks;
  return ticks / 100;
}

/**
 * A fresh data directory for one configuration; `run` gets the arguments of its i-th process:
 * the shared data directory, and a config of its own (two brokers writing one filter output
 * would rename each other's file).
 */
async function configRun(ctx: Context, name: string, fromKafka: boolean, run: (common: (i: number) => string[]) => Promise<BrokerProcess[]>): Promise<ConfigRun> {
  const dir = join(ctx.scratch, name);
  try {
    const common = (i: number) => {
      mkdirSync(join(dir, `process-${i}`), { recursive: true });
      return ['--config', writeBrokerConfig(join(dir, `process-${i}`), ctx.modelDir, settings.batchSize), '--data-dir', join(dir, 'data')];
    };
    const kafkaBefore = cpuSecondsOf(ctx.kafka.pid!);
    const processes = await run(common);
    const span = storedSpan(join(dir, 'data', 'alerts.db'));
    if (span.alerts !== settings.alerts) say(`  note: ${name}: ${span.alerts} alerts in the store, not ${settings.alerts}`);
    return { processes, span, ...(fromKafka ? { kafkaCpuSeconds: cpuSecondsOf(ctx.kafka.pid!) - kafkaBefore } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sideBySide(ctx: Context, filesDir: string): Promise<{ files: ConfigRun[]; one: ConfigRun[]; two: ConfigRun[] }> {
  const topic = 'night';
  const source = (group: string) => `kafka://${ctx.kafka.bootstrap}/${topic}?group=${group}`;
  await createTopic(ctx.kafka.bootstrap, topic, settings.partitions);
  const preload = await publish(ctx.kafka.bootstrap, topic, ctx.messages, settings.alerts);
  say(`published ${int(preload.sent)} alerts to ${topic} (${settings.partitions} partitions) in ${preload.seconds.toFixed(1)} s`);
  const out = { files: [] as ConfigRun[], one: [] as ConfigRun[], two: [] as ConfigRun[] };
  const plan: [keyof typeof out, (r: number) => Promise<ConfigRun>][] = [
    ['files', (r) => configRun(ctx, `files-${r}`, false, async (common) => [await startBroker([...common(0), '--source', filesDir], settings.sampleEveryMs).done])],
    ['one', (r) => configRun(ctx, `one-${r}`, true, async (common) => [await startBroker([...common(0), '--source', source(`one-${r}`), '--max-alerts', String(settings.alerts), '--idle-timeout', String(settings.safetyIdleSeconds)], settings.sampleEveryMs).done])],
    [
      'two',
      (r) =>
        configRun(ctx, `two-${r}`, true, (common) => {
          const both = [0, 1].map((i) => startBroker([...common(i), '--source', source(`two-${r}`), '--idle-timeout', String(settings.idleSeconds)], settings.sampleEveryMs));
          return Promise.all(both.map((b) => b.done));
        }),
    ],
  ];
  for (let round = 0; round < settings.rounds; round++) {
    // Rotated per round: no configuration always runs first (a cold page cache) or last.
    for (const [name, run] of [...plan.slice(round % plan.length), ...plan.slice(0, round % plan.length)]) {
      const result = await run(round);
      out[name].push(result);
      say(`  round ${round + 1}, ${name}: ${int(result.span.alertsPerSecond)} alerts/s (load average ${load1().toFixed(2)})`);
    }
  }
  await deleteTopic(ctx.kafka.bootstrap, topic);
  return out;
}

/** Every run stored the same alert ids (the files and the messages are one simulation). */
function sameAlerts(runs: readonly ConfigRun[]): boolean {
  return runs.every((r) => r.span.alerts === settings.alerts && r.span.idsDigest === runs[0]!.span.idsDigest);
}

/** A broker reading a fresh topic while `rate` alerts/s are published to it for `seconds`. */
async function streamAtRate(ctx: Context, label: string, rate: number, seconds: number): Promise<StreamRun> {
  const name = `stream-${label.replace(/\W+/g, '-')}`;
  const { bootstrap } = ctx.kafka;
  const total = Math.max(1, Math.round(rate * seconds));
  await createTopic(bootstrap, name, settings.partitions);
  const dir = join(ctx.scratch, name);
  mkdirSync(dir, { recursive: true });
  try {
    const config = writeBrokerConfig(dir, ctx.modelDir, settings.batchSize);
    // --max-alerts: the last batch is stored as soon as it is read, not after an idle timeout.
    const broker = startBroker(['--config', config, '--data-dir', join(dir, 'data'), '--source', `kafka://${bootstrap}/${name}?group=${name}`, '--max-alerts', String(total), '--idle-timeout', String(settings.safetyIdleSeconds)], settings.sampleEveryMs);
    await Promise.race([broker.joined, broker.done]);
    const lag = new LagSampler(bootstrap, name, name, settings.partitions);
    lag.start(settings.lagEveryMs);
    const kafkaBefore = cpuSecondsOf(ctx.kafka.pid!);
    const cpuBefore = process.cpuUsage();
    const published = await publish(bootstrap, name, ctx.messages, total, rate);
    const lagAtPublishEnd = await lag.sample();
    const process_ = await broker.done;
    const kafkaCpuSeconds = cpuSecondsOf(ctx.kafka.pid!) - kafkaBefore;
    const cpu = process.cpuUsage(cpuBefore);
    await lag.stop();
    const span = storedSpan(join(dir, 'data', 'alerts.db'));
    // The first seconds fill the pipeline (batches in flight): the trend is read after them.
    const slope = lagSlope(lag.samples, published.startedAt + Math.min(10_000, (seconds * 1000) / 4), published.endedAt);
    const p99 = (process_.summary.stream?.latencyMs?.p99 ?? Infinity) / 1000;
    const why = [
      ...(published.alertsPerSecond < 0.95 * rate ? [`published at ${int(published.alertsPerSecond)}/s only`] : []),
      ...(slope > 0.05 * rate ? [`lag grew ${int(slope)}/s`] : []),
      ...(p99 > settings.maxP99Seconds ? [`p99 ${p99.toFixed(1)} s`] : []),
    ];
    return {
      label,
      targetRate: rate,
      published,
      broker: process_,
      lag: lag.samples,
      lagAtPublishEnd,
      lagSlope: slope,
      drainSeconds: (span.last - published.endedAt) / 1000,
      kafkaCpuSeconds,
      benchCpuSeconds: (cpu.user + cpu.system) / 1e6,
      loadAfter: load1(),
      ...(why.length > 0 ? { shortfall: why.join(', ') } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await deleteTopic(bootstrap, name).catch(() => {});
  }
}

function describeStream(r: StreamRun): string {
  const l = r.broker.summary.stream?.latencyMs;
  return `${int(r.published.alertsPerSecond)} alerts/s published, p50 ${((l?.p50 ?? NaN) / 1000).toFixed(2)} s, p99 ${((l?.p99 ?? NaN) / 1000).toFixed(2)} s, lag trend ${r.lagSlope.toFixed(0)}/s: ${r.shortfall === undefined ? 'kept up' : `fell behind (${r.shortfall})`}`;
}

/**
 * Rising trial rates until one falls behind, then one halfway between it and the last that kept
 * up; the best confirmed over the full duration, else the next lower that kept up, and the next.
 */
async function highestSustained(ctx: Context, capacity: number): Promise<{ trials: StreamRun[]; confirms: StreamRun[] }> {
  const step = (rate: number) => Math.max(25, Math.round(rate / 25) * 25);
  const rates = args.rates ? args.rates.split(',').map(Number) : [...new Set(settings.fractions.map((f) => step(capacity * f)))];
  const trials: StreamRun[] = [];
  const trial = async (rate: number) => {
    say(`highest sustained rate: trial at ${rate} alerts/s for ${settings.trialSeconds} s (load average ${load1().toFixed(2)})...`);
    const run = await streamAtRate(ctx, `trial ${rate}/s`, rate, settings.trialSeconds);
    say(`  ${describeStream(run)}`);
    trials.push(run);
    return run.shortfall === undefined;
  };
  let lastKept: number | undefined;
  for (const rate of rates) {
    if (!(await trial(rate))) {
      const between = lastKept === undefined ? undefined : step((lastKept + rate) / 2);
      if (between !== undefined && between !== lastKept && between !== rate) await trial(between);
      break;
    }
    lastKept = rate;
  }
  const passed = trials.filter((t) => t.shortfall === undefined).map((t) => t.targetRate).sort((a, b) => a - b);
  const confirms: StreamRun[] = [];
  // At most three: each is minutes long.
  for (const rate of passed.reverse().slice(0, 3)) {
    say(`confirming ${rate} alerts/s for ${settings.sustainMinutes} min (load average ${load1().toFixed(2)})...`);
    const run = await streamAtRate(ctx, `${rate}/s for ${settings.sustainMinutes} min`, rate, settings.sustainMinutes * 60);
    say(`  ${describeStream(run)}`);
    confirms.push(run);
    if (run.shortfall === undefined) break;
  }
  return { trials, confirms };
}

async function main(): Promise<void> {
  const began = performance.now();
  const loadBefore = load1();
  // The broker runs as the CLI bundle: rebuilt when a source is newer, except under the tests,
  // whose global setup did it (a rebuild there would race the other tests starting it).
  if (!process.env.VITEST) ensureBundle();
  const files = await simulatedAlerts(settings.alerts, say);
  say(`files: ${int(files.alerts)} simulated ZTF alerts (seed ${settings.seed}), ${(files.bytes / 1e6).toFixed(0)} MB in ${files.files.length} files${files.cached ? ' (cached)' : ''}`);
  say('the same alerts as Kafka messages, simulated again into memory...');
  const messages = simulatedMessages(settings.alerts, settings.seed);
  const models = await prepareTestModels();
  const kafka = await LocalKafka.start({ partitions: settings.partitions });
  const scratch = mkdtempSync(join(tmpdir(), 'aviary-bench-pipeline-'));
  const ctx: Context = { kafka, scratch, modelDir: join(models.dir, 'onnx-classifier'), messages };
  let waited = 0;
  try {
    if (!smoke && !args['no-wait']) waited = await waitForQuiet(2, Number(args['max-wait']), say);
    const loadMeasuring = load1();
    say(`files beside Kafka, one process beside two: ${settings.rounds} round(s) of ${int(settings.alerts)} alerts (load average ${loadMeasuring.toFixed(2)})...`);
    const side = await sideBySide(ctx, files.dir);
    say(`latency: ${settings.latencyRate} alerts/s for ${settings.latencySeconds} s (load average ${load1().toFixed(2)})...`);
    const latency = await streamAtRate(ctx, `${settings.latencyRate}/s for ${settings.latencySeconds / 60} min`, settings.latencyRate, settings.latencySeconds);
    say(`  ${describeStream(latency)}`);
    const capacity = median(side.one.map((r) => r.span.alertsPerSecond));
    const search = args['no-search'] ? { trials: [], confirms: [] } : await highestSustained(ctx, capacity);
    const loadAfter = load1();

    const sustained = search.confirms.find((r) => r.shortfall === undefined);
    const headline = headlineTable({ ...side, partitions: settings.partitions, latency, ...(sustained ? { sustained } : {}), sustainMinutes: settings.sustainMinutes });
    const tables = {
      filesVsKafka: filesVsKafkaTable(side.files, side.one, settings.partitions),
      oneVsTwo: oneVsTwoTable(side.one, side.two),
      streams: streamTable([latency, ...search.trials, ...search.confirms]),
      headline,
    };
    console.log(`${int(settings.alerts)} simulated ZTF alerts, one ONNX module, batches of ${settings.batchSize}${smoke ? ' (smoke run: not a measurement)' : ''}\n`);
    const same = sameAlerts([...side.files, ...side.one, ...side.two]);
    console.log(`${consoleTable(tables.filesVsKafka)}\n`);
    console.log(same ? `every run stored the same ${int(settings.alerts)} alert ids\n` : 'the runs did NOT all store the same alert ids\n');
    if (!same) process.exitCode = 1;
    console.log(`${consoleTable(tables.oneVsTwo)}\n`);
    console.log(`${consoleTable(tables.streams)}\n`);
    console.log(`${consoleTable(headline)}\n`);
    const machine = describeMachine(repo);
    const loads = { before: loadBefore, measuring: loadMeasuring, after: loadAfter, waitedSeconds: waited };
    console.log(`${machineLine(machine)}; 1-minute load average ${loadBefore.toFixed(2)} at start, ${loadMeasuring.toFixed(2)} when measuring began, ${loadAfter.toFixed(2)} at the end`);
    const section = resultsSection({
      command: `npx tsx bench/kafka/pipeline.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}`,
      minutes: (performance.now() - began) / 60_000,
      machine: machineLine(machine),
      loads,
      settings,
      filesAlerts: files.alerts,
      filesMegabytes: files.bytes / 1e6,
      tables,
      sameAlerts: same,
      ...(sustained ? {} : { unconfirmed: true }),
    });
    // A smoke run's numbers say nothing about speed: its report goes where test output goes.
    const out = smoke ? join(repo, 'test-output', 'bench-kafka-pipeline-smoke.md') : join(here, 'results.md');
    mkdirSync(dirname(out), { recursive: true });
    if (smoke) rmSync(out, { force: true });
    writeResultsSection(out, SECTION_HEADING, section);
    console.log(`${smoke ? `smoke run (${((performance.now() - began) / 1000).toFixed(1)} s), not a measurement; ` : ''}written to ${out}`);
  } finally {
    await kafka.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
