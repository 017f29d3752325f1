/**
 * Time to science: from an alias moved in the registry (as a user moves it, through the REST
 * API) to the first alert stored with the new version's scores, on a live stream. `aviary broker
 * run` (a real process, broker-under-test.ts) reads simulated ZTF alerts that `aviary simulate
 * --to` publishes at a steady --rate into a local Kafka (src/broker/kafka/local-kafka.ts; a
 * folder of simulated files when Kafka cannot be had), with two modules following @champion
 * every second: snia (scikit-learn in its own environment, with its run's preprocessing step)
 * and realbogus (ONNX, in-process). Moves, in order:
 *   warm      snia to a version whose environment is built (--rounds of them);
 *   rollback  snia back to the version just replaced;
 *   onnx      realbogus to another ONNX version (--rounds);
 *   cold      snia to a version with other requirements (scikit-learn 1.7): its environment is
 *             built during the swap, from uv's cached wheels, in a cache of the run's own.
 * Each move's stages (swap-timeline.ts): noticed, environment builds, each worker's start
 * (interpreter, import mlflow, model load), then the first stored alert. At the end, every
 * stored alert must have been scored by exactly one version of each module.
 *
 *   npx tsx bench/time-to-science/time-to-science.ts [--rounds 3] [--rate 100] [--files [--file-alerts 150000]] [--smoke]
 *
 * Files are read as fast as the broker goes (~500 alerts/s here), not at a rate: there must be
 * enough of them to last until the last move is measured (--file-alerts; ~67 KB each).
 *
 * A full run writes its section of bench/time-to-science/results.md; --smoke (one round, no
 * results file) checks that every phase runs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { LocalKafka } from '../../src/broker/kafka/local-kafka.js';
import { AVIARY_BIN } from '../../src/cli/testing/run-cli-process.js';
import { startServer, type TestServer } from '../../tests/ts/runtime/training.js';
import ensureBundle from '../../tests/ts/global-setup.js';
import { describeMachine, load1, machineLine } from '../common/machine.js';
import { writeResultsSection } from '../common/results-section.js';
import { consoleTable, markdownTable } from '../common/tables.js';
import { freshEnvironmentCache, FOLLOW_REGISTRY, startBroker, startPublisher, writeConfig, type RunningBroker } from './broker-under-test.js';
import { REALBOGUS, SNIA, trainSwapModels } from './swap-models.js';
import { coldRows, measureSpareStarts, spareRows, type SpareStarts } from './spare-start.js';
import { summaryRows, swapRows } from './swap-report.js';
import { buildsSince, checkSeconds, firstScoredAt, logLinesSince, noticedAt, scoreCounts, workerReady, type SwapTimeline } from './swap-timeline.js';

const here = import.meta.dirname;
const repo = resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string' },
    rate: { type: 'string', default: '100' },
    'batch-size': { type: 'string', default: '200' },
    files: { type: 'boolean', default: false },
    'file-alerts': { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
const rounds = Number(args.rounds ?? (args.smoke ? 1 : 3));
const rate = Number(args.rate);
const batchSize = Number(args['batch-size']);
/** How long a move may take before the bench gives up on it. */
const MOVE_TIMEOUT_MS = 180_000;
/** Between moves: the replaced version closes, the machine quietens. */
const SETTLE_MS = 4000;
const say = (line: string) => console.error(line);

async function moveAlias(server: TestServer, name: string, version: string): Promise<number> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/registered-models/alias`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, alias: 'champion', version }),
  });
  if (!response.ok) throw new Error(`moving ${name}@champion to ${version} failed: ${response.status} ${await response.text()}`);
  return Date.now();
}

/** The broker's log without its progress lines, kept in test-output/ for a look afterwards. */
function keepLog(broker: RunningBroker): string {
  const file = join(repo, 'test-output', 'time-to-science-broker.log');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, broker.log().split('\n').filter((line) => !line.startsWith('alerts read ')).join('\n'));
  return file;
}

function brokerTail(broker: RunningBroker): string {
  return `${broker.log().split('\n').filter((line) => !line.startsWith('alerts read ')).slice(-25).join('\n')}\n(the whole log: ${keepLog(broker)})`;
}

async function waitForScore(alertsDb: string, module: string, version: string, broker: RunningBroker, since: number, files: boolean): Promise<number> {
  while (Date.now() - since < MOVE_TIMEOUT_MS) {
    const at = await Promise.race([sleep(100).then(() => 'poll' as const), broker.exited.then(() => 'exited' as const)]);
    if (at === 'exited') {
      const ranOut = files ? ' (alert files are read as fast as they go: if they ran out, give more with --file-alerts)' : '';
      throw new Error(`the broker exited while waiting for ${module} ${version}${ranOut}:\n${brokerTail(broker)}`);
    }
    const first = firstScoredAtSafe(alertsDb, module, version, since);
    if (first !== undefined) return first;
  }
  throw new Error(`no alert scored by ${module} ${version} within ${MOVE_TIMEOUT_MS / 1000} s:\n${brokerTail(broker)}`);
}

/** The store is created by the broker's first write: until then there is nothing to read. */
function firstScoredAtSafe(alertsDb: string, module: string, version: string, since: number): number | undefined {
  try {
    return firstScoredAt(alertsDb, module, version, since);
  } catch {
    return undefined;
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

async function measureMove(
  ctx: { server: TestServer; broker: RunningBroker; alertsDb: string; cacheDir: string; files: boolean },
  kind: SwapTimeline['kind'],
  module: string,
  version: string,
): Promise<SwapTimeline> {
  await sleep(SETTLE_MS);
  const movedAt = await moveAlias(ctx.server, module, version);
  const firstStoredAt = await waitForScore(ctx.alertsDb, module, version, ctx.broker, movedAt, ctx.files);
  await sleep(300); // the log lines of the last moments
  const lines = logLinesSince(ctx.broker.log(), movedAt - 1000);
  const name = `${module}/${version}`;
  const model = workerReady(lines, name);
  const preprocessing = workerReady(lines, `${name} preprocessing`);
  const timeline: SwapTimeline = {
    kind,
    module,
    version,
    movedAt,
    noticedAt: noticedAt(lines, module, version),
    builds: buildsSince(ctx.cacheDir, movedAt),
    ...(model ? { model } : {}),
    ...(preprocessing ? { preprocessing } : {}),
    ...optional('checkS', checkSeconds(lines, module, version)),
    firstStoredAt,
  };
  say(`  ${kind} ${name}: first alert stored ${((firstStoredAt - movedAt) / 1000).toFixed(2)} s after the move`);
  return timeline;
}

async function main(): Promise<void> {
  const started = Date.now();
  ensureBundle();
  const machine = describeMachine(repo);
  const loadBefore = load1();
  const server = await startServer();
  const work = mkdtempSync(join(tmpdir(), 'aviary-time-to-science-'));
  const cache = freshEnvironmentCache();
  let kafka: LocalKafka | undefined;
  let publisher: { stop(): Promise<void> } | undefined;
  let broker: RunningBroker | undefined;
  try {
    const models = await trainSwapModels(server, rounds, say);
    let source: string;
    if (!args.files) kafka = await LocalKafka.start({ partitions: 2 }).catch((err: Error) => (say(`no Kafka (${err.message}): reading simulated files`), undefined));
    if (kafka) {
      publisher = startPublisher(kafka.bootstrap, 'alerts', rate);
      source = `kafka://${kafka.bootstrap}/alerts?group=time-to-science&start=earliest`;
    } else {
      source = join(work, 'alerts');
      const n = Number(args['file-alerts'] ?? (args.smoke ? 60_000 : 150_000));
      say(`simulating ${n} alerts into ${source}`);
      execFileSync(process.execPath, [AVIARY_BIN, 'simulate', '--n', String(n), '--out', source, '--quiet', '--seed', '7'], { stdio: 'ignore' });
    }
    const alertsDb = join(work, 'alerts.db');
    const brokerArgs = ['--config', writeConfig(work, batchSize), '--tracking-uri', server.url, '--alert-store-uri', `sqlite:///${alertsDb}`, '--cache-dir', cache.dir, '--source', source];
    broker = startBroker(kafka ? [...brokerArgs, '--idle-timeout', '10s'] : brokerArgs);
    const ctx = { server, broker, alertsDb, cacheDir: cache.dir, files: !kafka };
    say('waiting for both modules to score their version 1');
    await waitForScore(alertsDb, SNIA, '1', broker, Date.now(), ctx.files);
    await waitForScore(alertsDb, REALBOGUS, '1', broker, Date.now(), ctx.files);
    const timelines: SwapTimeline[] = [];
    let previous = '1';
    for (const version of models.warm) {
      timelines.push(await measureMove(ctx, 'warm', SNIA, version));
      if (version !== models.warm.at(-1)) previous = version;
    }
    timelines.push(await measureMove(ctx, 'rollback', SNIA, previous));
    for (const version of models.onnx) timelines.push(await measureMove(ctx, 'onnx', REALBOGUS, version));
    timelines.push(await measureMove(ctx, 'cold', SNIA, models.cold));
    await publisher?.stop();
    publisher = undefined;
    const code = await broker.exited;
    keepLog(broker);
    if (code !== 0) throw new Error(`the broker exited ${code}:\n${brokerTail(broker)}`);
    broker = undefined;
    const counts = scoreCounts(alertsDb);
    say('a new version\'s worker started fresh and from a spare');
    const spareStarts = await measureSpareStarts(args.smoke ? 1 : rounds + 1);
    report(timelines, counts, spareStarts, { machine, loadBefore, minutes: (Date.now() - started) / 60_000, kafka: kafka !== undefined });
  } finally {
    broker?.stop();
    await broker?.exited;
    await publisher?.stop();
    await kafka?.stop();
    await server.close();
    rmSync(work, { recursive: true, force: true });
    cache.remove();
  }
}

function report(
  timelines: readonly SwapTimeline[],
  counts: ReturnType<typeof scoreCounts>,
  spareStarts: SpareStarts,
  run: { machine: ReturnType<typeof describeMachine>; loadBefore: number; minutes: number; kafka: boolean },
): void {
  const perModule = new Map<string, number>();
  for (const row of counts.byVersion) perModule.set(row.module, (perModule.get(row.module) ?? 0) + row.alerts);
  const exact = [...perModule.values()].every((n) => n === counts.alerts);
  const countLine = `${counts.alerts} alerts stored; scored by ${counts.byVersion.map((r) => `${r.module} ${r.version}: ${r.alerts}`).join(', ')}: ${exact ? 'each alert by exactly one version of each module' : 'COUNTS DO NOT ADD UP'}`;
  console.log(consoleTable(swapRows(timelines)));
  console.log();
  console.log(consoleTable(summaryRows(timelines)));
  console.log(countLine);
  console.log();
  console.log(consoleTable(spareRows(spareStarts)));
  console.log();
  console.log(consoleTable(coldRows(spareStarts)));
  if (!exact) process.exitCode = 1;
  if (args.smoke) return;
  const source = run.kafka ? `a local Kafka 4.4 fed by \`aviary simulate --to\` at ${rate} alerts/s` : 'a folder of simulated ZTF alert files';
  const section = [
    '# Time to science: alias moved -> first alert stored with the new version',
    '',
    `Taken ${new Date().toISOString()} with \`npx tsx bench/time-to-science/time-to-science.ts --rounds ${rounds} --rate ${rate}\` (${run.minutes.toFixed(1)} min). ${machineLine(run.machine)}. 1-minute load average ${run.loadBefore.toFixed(2)} at start, ${load1().toFixed(2)} at the end.`,
    '',
    `\`aviary broker run\` (the CLI bundle) on ${source}, batches of ${batchSize}, models from an Aviary tracking server over HTTP, \`follow_registry: ${FOLLOW_REGISTRY}\`. Each move is one REST call (set_registered_model_alias, as the mlflow client sends it); "total" runs from its answer to the \`scored_at\` of the first alert row scored by the new version. Stages from the broker's log (each worker's ready line: the interpreter's start with the sandbox's, \`import mlflow\`, the model's load), the environment cache's build logs, and the alert store. The cold version's environment (scikit-learn 1.7) is built in a cache of the run's own from uv's cached wheels.`,
    '',
    markdownTable(swapRows(timelines)),
    '',
    markdownTable(summaryRows(timelines)),
    '',
    countLine + '.',
    '',
    '## A new version\'s worker in an environment in use, fresh and from a spare',
    '',
    'The runtime alone (bench/time-to-science/spare-start.ts), in this process: the runtime tests\' scikit-learn models in their environment, one pool scoring, then the new version\'s pool started fresh and from the spare the first left (SpareWorkers, opt-in through LoadModelOptions.spares), each part as the worker reported it.',
    '',
    markdownTable(spareRows(spareStarts)),
    '',
    'The same pool in an environment just built (the runtime tests\' requirements, from uv\'s cached wheels, in a cache of its own), timed from the pool\'s start to ready: started fresh, its worker compiles everything it imports; with SpareWorkers, the bytecode of what the scoring model imported is compiled first over both cores (compile-ahead.ts).',
    '',
    markdownTable(coldRows(spareStarts)),
  ].join('\n');
  writeResultsSection(join(here, 'results.md'), '# Time to science', section);
}

main().catch((err: Error) => {
  console.error(`time-to-science: ${err.message}`);
  process.exit(1);
});
