/**
 * One scikit-learn model, scored on the same machine in the same run by (a) a plain Python
 * process calling pyfunc predict in a loop in the model's own environment (the shared-environment
 * baseline; raw sklearn predict beside it), (b) Aviary's isolated worker through loadModel and
 * (c) its ONNX conversion in-process; then what (b) spends beyond (a), the time from a cached
 * environment to a ready worker, and a cold environment build.
 *
 *   npx tsx bench/runtime/run.ts [--quick | --smoke] [--no-wait] [--max-wait 10] [--no-cold] [--cold-wheels]
 *
 * Before measuring it waits, up to --max-wait minutes, for the 1-minute load average to fall
 * to 3 or below (--no-wait skips that). --no-cold skips the cold build; --cold-wheels makes it
 * colder: uv and every wheel fetched again into the fresh folder. Prints the tables and writes
 * them to bench/runtime/results.md.
 *
 * --smoke proves the bench still runs, not how fast: every phase on a few calls (the cold build
 * without its two starts, which repeat the ready phase's code), no waiting, no targets; it prints
 * the tables and writes its report to test-output/bench-runtime-smoke.md, never results.md.
 * (b) runs in the model sandbox as users get it (AVIARY_SANDBOX=off turns it off, for
 * comparison); the output says which.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UvEnvironmentBuilder } from '../../src/runtime/environments/uv-environment-builder.js';
import { loadModel } from '../../src/runtime/load-model.js';
import { readMlModel } from '../../src/runtime/model-format/read-ml-model.js';
import { readModelEnvironment } from '../../src/runtime/model-format/read-model-environment.js';
import { OnnxModelRuntime } from '../../src/runtime/onnx/onnx-runtime.js';
import { Sandbox } from '../../src/runtime/sandbox/sandbox.js';
import type { WorkerPool } from '../../src/runtime/worker/worker-pool.js';
import { BaselineProcess } from './baseline-process.js';
import { here, prepareBenchModel } from './bench-model.js';
import { breakdownPhase, startDirectWorker } from './breakdown.js';
import { hostCpuMs, hostMainThreadCpuMs, processCpuMs, processTreeCpuMs } from './cpu-time.js';
import { describeMachine, load1, waitForQuiet } from './machine.js';
import { predictPhase, type CpuClocks, type PredictSettings } from './predict-phase.js';
import { breakdownTable, consoleTable, latencies, mainTable, startupTable, targetsOf, verdict, type Results } from './report.js';
import { reading } from './reading.js';
import { resultsMarkdown } from './results-markdown.js';
import { coldBuild, environmentLookup, hasBytecode, interpreterCosts, readyStarts, timedLoad } from './startup.js';

const repo = resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    'no-wait': { type: 'boolean', default: false },
    'max-wait': { type: 'string', default: '10' },
    'no-cold': { type: 'boolean', default: false },
    'cold-wheels': { type: 'boolean', default: false },
  },
});
const batchSizes = [1, 100, 1000];
const smoke = {
  predict: { batchSizes, warmup: { seconds: 0, min: 1, max: 1 }, round: { seconds: 0, min: 2, max: 2 }, rounds: 1 } satisfies PredictSettings,
  breakdown: { batchSizes, budget: { seconds: 0, min: 2, max: 2 }, codecIterations: 2, idlePings: 3 },
  readyStarts: 1,
  interpreterRuns: 0,
  coldStarts: false,
};
const quick = {
  predict: { batchSizes, warmup: { seconds: 0.3, min: 3, max: 50 }, round: { seconds: 0.2, min: 1, max: 1000 }, rounds: 6 } satisfies PredictSettings,
  breakdown: { batchSizes, budget: { seconds: 0.8, min: 5, max: 500 }, codecIterations: 50, idlePings: 100 },
  readyStarts: 1,
  interpreterRuns: 0,
  coldStarts: false,
};
const full = {
  predict: { batchSizes, warmup: { seconds: 1, min: 5, max: 200 }, round: { seconds: 0.25, min: 1, max: 1000 }, rounds: 30 } satisfies PredictSettings,
  breakdown: { batchSizes, budget: { seconds: 2.5, min: 10, max: 2000 }, codecIterations: 300, idlePings: 100 },
  readyStarts: 2,
  interpreterRuns: 1,
  coldStarts: true,
};
const settings = args.smoke ? smoke : args.quick ? quick : full;
const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const began = performance.now();
  const builder = new UvEnvironmentBuilder();
  const model = await prepareBenchModel(builder, say);
  say(`model: ${model.description}`);
  const spec = (await readModelEnvironment(await readMlModel(model.sklearnDir)))!.spec;
  const environment = await builder.build(spec, (e) => say(`model environment: ${e.phase}: ${e.message}`));
  const sandbox = Sandbox.fromEnv().report();
  say(`(b) Aviary worker: ${sandbox}`);
  const loadBefore = load1();
  const waited = args['no-wait'] || args.smoke ? 0 : await waitForQuiet(3, Number(args['max-wait']), say);
  const measuring = load1();
  say(`measuring (load average ${measuring.toFixed(2)}); settings ${JSON.stringify(settings)}`);

  say('ready from a cached environment: loadModel...');
  const first = await timedLoad(model.sklearnDir, builder);
  const worker = first.loaded;
  const onnx = await loadModel(model.onnxDir, { builder });
  const onnx1 = await OnnxModelRuntime.load({
    name: 'onnx, 1 thread',
    modelDir: model.onnxDir,
    dataFile: onnx.model.onnx!.data,
    sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  });
  say('starting the baseline process and a WorkerProcess for the breakdown...');
  const [baseline, direct] = await Promise.all([BaselineProcess.start(environment, model), startDirectWorker(model, environment)]);
  try {
    const runtimes = { worker: worker.runtime, onnx: onnx.runtime, onnx1 };
    const workerPid = () => (worker.runtime as WorkerPool).workers()[0]!.pid!;
    const baselineCpu = () => processCpuMs(baseline.pid);
    // (a) its Python process alone (the host only waits); (b) the worker and the host's event loop
    // thread; (c) the whole host, ONNX Runtime's threads included.
    const cpu: CpuClocks = {
      pyfunc: baselineCpu,
      sklearn: baselineCpu,
      worker: () => processTreeCpuMs(workerPid()) + hostMainThreadCpuMs(),
      onnx: hostCpuMs,
      onnx1: hostCpuMs,
    };
    const predict = await predictPhase(model, runtimes, baseline, cpu, settings.predict, say);
    say('taking the worker apart...');
    const breakdown = await breakdownPhase(model, worker.runtime, direct, baseline, settings.breakdown);
    await Promise.all([worker.close(), onnx.close(), onnx1.close(), direct.stop(2000), baseline.close()]);
    say('startup...');
    const starts = [first.start, ...(await readyStarts(model.sklearnDir, builder, settings.readyStarts - 1))];
    const ready = {
      starts,
      lookup: await environmentLookup(model.sklearnDir, builder),
      bytecode: hasBytecode(environment),
      dontWriteBytecode: Boolean(process.env.PYTHONDONTWRITEBYTECODE),
    };
    const interpreter = await interpreterCosts(environment, settings.interpreterRuns);
    const coldOptions = { freshTools: args['cold-wheels'], starts: settings.coldStarts };
    say(args['no-cold'] ? 'no cold build (--no-cold)' : `cold environment build (${coldOptions.freshTools ? 'fresh uv and wheel cache' : "uv's wheel cache shared"})...`);
    const cold = args['no-cold'] ? undefined : await coldBuild(model.sklearnDir, coldOptions);
    const loadAfter = load1();

    const results: Results = { predict, breakdown, ready, interpreter, cold, baselineLoadMs: baseline.loadMs };
    const cells = latencies(predict);
    const tables = `${consoleTable(mainTable(cells, predict))}\n\n${consoleTable(breakdownTable(cells, breakdown))}\n\n${consoleTable(startupTable(results))}`;
    const markdown = resultsMarkdown({
      command: `npx tsx bench/runtime/run.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}`,
      minutes: (performance.now() - began) / 60_000,
      machine: describeMachine(repo),
      load: { before: loadBefore, measuring, after: loadAfter, waitedSeconds: waited },
      versions: baseline.versions,
      sandbox,
      model,
      settings,
      results,
      cells,
    });
    if (args.smoke) {
      // A few calls each: the numbers prove every phase ran, nothing about speed, so no targets.
      const out = join(repo, 'test-output', 'bench-runtime-smoke.md');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, markdown);
      console.log(`\nsmoke run (${((performance.now() - began) / 1000).toFixed(1)} s), not a measurement; (b) ${sandbox}\n\n${tables}\n`);
      console.log(`${reading(cells, results).join('\n')}\n\nwritten to ${out}`);
      return;
    }
    writeFileSync(join(here, 'results.md'), markdown);
    console.log(`\n${tables}\n`);
    console.log(`${reading(cells, results).join('\n')}\n`);
    for (const t of targetsOf(cells, results)) console.log(`${verdict(t).toUpperCase()}: ${t.target}: ${t.actual}`);
    console.log(`\nwritten to ${join(here, 'results.md')}`);
  } finally {
    await Promise.all([worker.close(), onnx.close(), onnx1.close(), direct.stop(0), baseline.close()]);
  }
}

await main();
