/** bench/runtime/results.md: when, where, how, the three tables and the targets. */
import type { BenchModel } from './bench-model.js';
import type { Machine } from './machine.js';
import type { PredictSettings } from './predict-phase.js';
import { reading } from './reading.js';
import { breakdownTable, mainTable, markdownTable, ms, startupTable, targetsOf, verdict, type Cells, type Results } from './report.js';

export interface MarkdownInput {
  readonly command: string;
  readonly minutes: number;
  readonly machine: Machine;
  readonly load: { before: number; measuring: number; after: number; waitedSeconds: number };
  readonly versions: Record<string, string>;
  /** The model sandbox's report line: (b) runs inside it, as users get it. */
  readonly sandbox: string;
  readonly model: BenchModel;
  readonly settings: { predict: PredictSettings; readyStarts: number };
  readonly results: Results;
  readonly cells: Cells;
}

export function resultsMarkdown(m: MarkdownInput): string {
  const { machine: env, load, results: r, settings: s } = m;
  const v = m.versions;
  const agreement = [...r.predict.agreement]
    .map(([n, a]) => `batch ${n}: worker ${(a.worker * 100).toFixed(1)}%, ONNX ${(a.onnx * 100).toFixed(1)}%`)
    .join('; ');
  const imports = r.interpreter.byPackage
    .slice(0, 8)
    .map(([name, t]) => `${name} ${ms(t)}`)
    .join(', ');
  const importTotal = r.interpreter.byPackage.reduce((a, [, t]) => a + t, 0);
  const wait = load.waitedSeconds >= 1 ? `, after waiting ${Math.round(load.waitedSeconds)} s for it to settle` : '';
  return [
    '# Runtime benchmark: one model, plain Python vs the Aviary worker vs ONNX in-process',
    '',
    `Taken ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`${m.command}\` (${m.minutes.toFixed(1)} min).`,
    '',
    `- Machine: ${env.cores} cores (${env.cpu}), ${env.memoryGiB.toFixed(1)} GiB memory, shared with other work: 1-minute load average ${load.before.toFixed(2)} at start, ${load.measuring.toFixed(2)} when measuring began${wait}, ${load.after.toFixed(2)} at the end`,
    `- Versions: Node ${env.node}, onnxruntime-node ${env.onnxruntimeNode}; in the model's environment Python ${v.python}, MLflow ${v.mlflow}, scikit-learn ${v['scikit-learn']}, numpy ${v.numpy}, pandas ${v.pandas}; uv ${env.uv}; Aviary ${env.aviary}`,
    `- Model: ${m.model.description}; saved with \`mlflow.sklearn.save_model\` (pyfunc predict gives labels) and converted with skl2onnx (float32 input, zipmap off, \`mlflow.onnx.save_model\`). Batches are the first 1, 100 or 1,000 of ${m.model.rows} fixed rows of 20 float64 features`,
    "- (a) baseline.py in the model's own environment (the worker's Python), with the worker's variables (one OpenMP/BLAS thread): `mlflow.pyfunc.load_model`, then `predict` on a DataFrame built once from a 2-D array; (a') the estimator's own `predict` on the same DataFrame. (b) `loadModel(folder)` → `runtime.predict(batch)` with Float64Array columns, from the TypeScript side, 1 worker. (c) `loadModel` of the ONNX folder → `OnnxModelRuntime` (onnxruntime-node, default session options: its own thread pool; the graph also computes probabilities); (c') the same file through `OnnxModelRuntime.load` with `intraOpNumThreads: 1`, for context",
    `- Timing: per batch size, each system warmed up (${s.predict.warmup.seconds} s, at least ${s.predict.warmup.min} calls), then ${s.predict.rounds} round(s) of ${s.predict.round.seconds} s each (raw sklearn and ONNX on one thread: half that), systems interleaved in an order rotated per round; one call at a time. p99 is nearest-rank (with fewer than 100 samples, the slowest); rows/s is rows over the mean latency; CPU per call is user + system time over the timed calls: (a) the baseline process, (b) the worker's process tree (the sandbox's bwrap and the Python under it) plus the host's event-loop thread (ONNX Runtime's pool threads, still spinning after a (c) round, left out), (c) the whole host process with ONNX Runtime's threads; other processes' times come from /proc in 1/100 s ticks, summed over hundreds of calls; b/a and c/a are ratios to the (a) pyfunc column (for rows/s, of mean latencies)`,
    `- (b) and the breakdown's second worker run in the model sandbox, as every user's workers do (AVIARY_SANDBOX=off to compare without): ${m.sandbox}; (a) is plain Python, unconfined`,
    `- Same answers as sklearn (labels): ${agreement}`,
    '',
    markdownTable(mainTable(m.cells, r.predict)),
    '',
    '## Reading',
    '',
    ...reading(m.cells, r),
    '',
    '## Where the worker spends more than plain Python',
    '',
    "A second worker (`WorkerProcess`, no pool) called in triples with the pool's and with one pyfunc predict of the baseline, in an order rotated per triple, so that b - a and the pool's own cost are also differences taken call by call; the worker's `predict_ms` from its Result frames; each step of the worker's PREDICT handling timed apart by running `aviary_worker.py`'s own functions (imported) in the baseline process on the payload the host sends, in one loop with pyfunc and sklearn on the baseline's DataFrame; the host's `encodeTable`/`decodeTable` timed alone. \"The rest\" is what none of these account for: pipe writes and reads, two process wake-ups, frame decoding and the promise hops. \"The worker's own costs\" add the parts that are timed directly (decode, DataFrame, output_columns, and everything outside the worker's clock): an estimate of b - a that the machine's noise swings less than a difference of two whole calls.",
    '',
    markdownTable(breakdownTable(m.cells, r.breakdown)),
    '',
    '## Startup',
    '',
    `${s.readyStarts} start(s) from a cached environment (loadModel on the folder, then close; the first before the predict phase, alone). The worker imports \`mlflow.pyfunc\` before it starts its \`load_ms\` clock; \`load_ms\` includes the imports the flavor's loader makes (scikit-learn, scipy, skops). \`-X importtime\` self time of \`import mlflow, mlflow.pyfunc\`, by top-level package (${ms(importTotal)} ms in all, inflated by the tracing): ${imports}.`,
    '',
    markdownTable([['', 'median', 'each / detail'], ...startupTable(r)]),
    '',
    '## Targets',
    '',
    targetsOf(m.cells, r)
      .map((t) => `- ${t.met && !t.borderline ? 'met' : `**${verdict(t)}**`}: ${t.target} (${t.actual})`)
      .join('\n'),
    '',
  ].join('\n');
}
