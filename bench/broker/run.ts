/**
 * The broker on real ZTF alerts, replicated to --alerts (default 100,000, unique candids), and
 * on simulated ones: Avro decoding alone side by side with Python's fastavro on the same files
 * in the same run, then the broker end to end (runBroker, SQLite alert store, three science
 * modules) with its time per stage and its latency, in turn with plain_python_broker.py (what a
 * user would write instead: same alerts, same preprocessing and models, every alert's scores
 * compared; versus-plain-python.ts), and the same alerts with no module (the pipeline's own
 * ceiling). Ends with the targets, met or missed.
 *
 *   npm run bench:broker -- [--alerts N] [--quick | --smoke] [--runs 3] [--simulated N] [--batch-size 1000]
 *                               [--no-end-to-end] [--no-wait] [--max-wait 10] [--clean]
 *
 * --quick: 5,000 alerts (unless --alerts), 2,000 simulated, no waiting, results.md untouched.
 * --smoke: proves every phase still runs, not how fast: 200 real and 100 simulated alerts in
 * batches of 50, one round, no warm-up run; tables printed, the report written to
 * test-output/bench-broker-smoke.md.
 * A full run first waits, up to --max-wait minutes, for the 1-minute load average to fall to 2
 * or below, and writes bench/broker/results.md. Replicated and simulated alerts are cached
 * under the system's temporary folder; --clean removes them and exits.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { describeMachine, load1, machineLine, packageVersion, waitForQuiet } from '../common/machine.js';
import { writeResultsSection } from '../common/results-section.js';
import { decodePhase, type DecodeSet } from './decode.js';
import { endToEndRun, setUpModules, type EndToEndRun, type ModuleSetup } from './end-to-end.js';
import { cachedSets, replicatedAlerts } from './replicate.js';
import { consoleTable, endToEndTable, decodeTable, int, targets, verdict, whereTimeGoes, type DecodeSection } from './report.js';
import { resultsMarkdown } from './results-markdown.js';
import { SIMULATED_PREFIX, simulatedAlerts } from './simulated.js';
import { parityHolds, parityLine, processTable, versusRound, versusTable, type Round } from './versus-plain-python.js';

const here = import.meta.dirname;
const repo = resolve(here, '../..');
const DATA = resolve(repo, '../shared/data');
const INPUTS = [join(DATA, 'ztf/raw-2020'), join(DATA, 'ztf/fink-topics-2023')];

const { values: args } = parseArgs({
  options: {
    alerts: { type: 'string' },
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    runs: { type: 'string' },
    simulated: { type: 'string' },
    'batch-size': { type: 'string' },
    'no-end-to-end': { type: 'boolean', default: false },
    'no-wait': { type: 'boolean', default: false },
    'max-wait': { type: 'string', default: '10' },
    clean: { type: 'boolean', default: false },
  },
});
const smoke = args.smoke;
const quick = args.quick || smoke;
const alertCount = Number(args.alerts ?? (smoke ? 200 : quick ? 5000 : 100_000));
const simulatedCount = Number(args.simulated ?? (smoke ? 100 : quick ? 2000 : 20_000));
const runs = Number(args.runs ?? (smoke ? 1 : 3));
// Several batches even on the smoke's few alerts, so that batching and backpressure run too.
const batchSize = Number(args['batch-size'] ?? (smoke ? 50 : 1000));
const say = (line: string) => console.log(line);

function clean(): void {
  const sets = [...cachedSets(), ...readdirSync(tmpdir()).filter((n) => n.startsWith(SIMULATED_PREFIX)).map((n) => join(tmpdir(), n))];
  for (const dir of sets) {
    rmSync(dir, { recursive: true, force: true });
    say(`removed ${dir}`);
  }
  if (sets.length === 0) say('nothing cached');
}

/** The bench's Python environment: fastavro, and what plain_python_broker.py scores with. */
function benchPython(): string {
  const env = execFileSync('bash', [join(repo, 'scripts/python-env.sh'), join(here, 'requirements.txt')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return join(env, 'bin/python');
}

async function main(): Promise<void> {
  const began = performance.now();
  const loadBefore = load1();
  const python = benchPython();
  const real = await replicatedAlerts({ inputs: INPUTS, alerts: alertCount, perFile: 1000, perBlock: 100 }, say);
  say(
    `real ZTF alerts: ${int(real.alerts)} (${real.originals} distinct alerts of ${INPUTS.map((d) => d.slice(DATA.length + 1)).join(' and ')}, ${real.duplicates} duplicates left out, ` +
      `copied up to ${real.copies} times with new candids), ${(real.bytes / 1e6).toFixed(0)} MB in ${real.files.length} files${real.cached ? ' (cached)' : ''}`,
  );
  const simMissing = simulatedCount > 0 ? undefined : '--simulated 0';
  const simulated = simMissing ? undefined : await simulatedAlerts(simulatedCount, say);
  if (simulated) say(`simulated ZTF alerts: ${int(simulated.alerts)}, ${(simulated.bytes / 1e6).toFixed(0)} MB in ${simulated.files.length} files${simulated.cached ? ' (cached)' : ''}`);
  else say(`simulated alerts: skipped (${simMissing})`);

  const waited = quick || args['no-wait'] ? 0 : await waitForQuiet(2, Number(args['max-wait']), say);
  const loadMeasuring = load1();
  const scratch = mkdtempSync(join(tmpdir(), 'aviary-bench-broker-'));
  let setup: ModuleSetup | undefined;
  try {
    say(`\nAvro decoding, ${runs} round(s) (load average ${loadMeasuring.toFixed(2)})`);
    const realSet: DecodeSet = { paths: [real.dir], files: real.files, alerts: real.alerts, bytes: real.bytes };
    const decodeReal: DecodeSection = { label: `real (${int(real.alerts)})`, set: realSet, result: await decodePhase(realSet, python, runs, scratch, say) };
    let decodeSim: DecodeSection | undefined;
    if (simulated) {
      const simSet: DecodeSet = { paths: [simulated.dir], files: simulated.files, alerts: simulated.alerts, bytes: simulated.bytes };
      decodeSim = { label: `simulated (${int(simulated.alerts)})`, set: simSet, result: await decodePhase(simSet, python, runs, scratch, say) };
    }

    const e2eMissing = args['no-end-to-end'] ? '--no-end-to-end' : undefined;
    const e2e: EndToEndRun[] = [];
    const rounds: Round[] = [];
    if (e2eMissing) {
      say(`\nend to end: skipped (${e2eMissing})`);
    } else {
      setup = await setUpModules(INPUTS, say);
      if (smoke) {
        say('end to end: no warm-up run (--smoke): the first run builds or finds the environments');
      } else {
        say('end to end: a first run on one file, so that every environment is built and every model loaded once before timing...');
        await endToEndRun('warm-up', real.files[0]!, undefined, setup, scratch, batchSize, say, true);
      }
      say(`end to end: Aviary (3 modules) and the plain Python script in turn on the ${int(real.alerts)} real alerts, ${runs} round(s)...`);
      for (let round = 0; round < runs; round++) {
        say(`  round ${round + 1} (load average ${load1().toFixed(2)})`);
        const r = await versusRound(round, python, real.dir, real.alerts, setup, scratch, batchSize, say);
        say(`  parity: ${parityLine(r.parity)}`);
        rounds.push(r);
      }
      // The Aviary run of median speed stands for 'real, 3 modules' in the end-to-end table.
      const byRate = [...rounds].sort((a, b) => a.aviaryRun.summary.alertsPerSecond - b.aviaryRun.summary.alertsPerSecond);
      const middle = byRate[(byRate.length - 1) >> 1]!.aviaryRun;
      say(`  Aviary: ${int(middle.summary.alertsPerSecond)} alerts/s; ${whereTimeGoes(middle)}`);
      e2e.push(middle);
      const plan: [string, string, number, ModuleSetup | undefined][] = [['real, no module', real.dir, real.alerts, undefined]];
      if (simulated) plan.push(['simulated, 3 modules', simulated.dir, simulated.alerts, setup], ['simulated, no module', simulated.dir, simulated.alerts, undefined]);
      for (const [label, dir, count, withModules] of plan) {
        say(`end to end: ${label}, ${int(count)} alerts (load average ${load1().toFixed(2)})...`);
        const result = await endToEndRun(label, dir, count, withModules, scratch, batchSize, say);
        say(`  ${int(result.summary.alertsPerSecond)} alerts/s; ${whereTimeGoes(result)}`);
        e2e.push(result);
      }
    }
    const loadAfter = load1();

    const sections = [decodeReal, ...(decodeSim ? [decodeSim] : [])];
    const modulesRun = e2e.find((r) => r.label === 'real, 3 modules');
    const ceilingRun = e2e.find((r) => r.label === 'real, no module');
    const goals = targets(decodeReal, modulesRun, ceilingRun, e2eMissing);
    console.log('');
    for (const s of sections) console.log(`${consoleTable(decodeTable(s))}\n`);
    if (e2e.length > 0) console.log(`${consoleTable(endToEndTable(e2e))}\n`);
    if (rounds.length > 0) {
      console.log(`Aviary beside a plain Python script (bench/broker/plain_python_broker.py), same alerts, same models:\n${consoleTable(versusTable(rounds))}`);
      for (const [i, r] of rounds.entries()) console.log(`score parity, round ${i + 1}: ${parityLine(r.parity)}`);
      console.log(`\n${consoleTable(processTable(rounds))}`);
      if (rounds.some((r) => !parityHolds(r.parity, real.alerts))) {
        console.log('score parity FAILED: Aviary and the plain script disagree');
        process.exitCode = 1;
      }
      console.log('');
    }
    if (!smoke) for (const t of goals) console.log(`${verdict(t)}: ${t.target}: ${t.actual}`);
    const machine = describeMachine(repo);
    console.log(`\n${machineLine(machine)}; 1-minute load average ${loadBefore.toFixed(2)} at start, ${loadMeasuring.toFixed(2)} when measuring began, ${loadAfter.toFixed(2)} at the end`);

    if (quick && !smoke) {
      say('--quick: bench/broker/results.md left as it was');
      return;
    }
    const markdown = resultsMarkdown({
      command: `node${process.execArgv.filter((a) => a.startsWith('--max-semi')).map((a) => ` ${a}`).join('')} --import tsx bench/broker/run.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}`,
      minutes: (performance.now() - began) / 60_000,
      machine,
      onnxruntimeNode: packageVersion(repo, 'node_modules/onnxruntime-node/package.json'),
      load: { before: loadBefore, measuring: loadMeasuring, after: loadAfter, waitedSeconds: waited },
      real,
      simulated,
      simulatedMissing: simMissing,
      sections,
      e2e,
      e2eMissing,
      rounds,
      goals,
      batchSize,
      runs,
    });
    // A smoke run's numbers say nothing about speed: its report goes where test output goes.
    const out = smoke ? join(repo, 'test-output', 'bench-broker-smoke.md') : join(here, 'results.md');
    mkdirSync(dirname(out), { recursive: true });
    // results.md also holds store-write.ts's section: only this bench's own is rewritten.
    if (smoke) writeFileSync(out, markdown);
    else writeResultsSection(out, '# Broker benchmark', markdown);
    say(`${smoke ? `smoke run (${((performance.now() - began) / 1000).toFixed(1)} s), not a measurement; ` : ''}written to ${out}`);
  } finally {
    await setup?.server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (args.clean) clean();
else await main();
