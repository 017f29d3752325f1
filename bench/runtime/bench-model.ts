/**
 * The one model every runtime scores: make_model.py trains and converts it inside an environment
 * built from requirements.txt by the project's own builder, once per content (cached in the temp
 * folder, as the runtime tests cache theirs).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { EnvironmentBuilder, PythonEnvironment } from '../../src/runtime/environment-builder.js';
import type { Batch } from '../../src/runtime/model-runtime.js';

const run = promisify(execFile);
export const here = fileURLToPath(new URL('.', import.meta.url));

export interface BenchModel {
  readonly dir: string;
  readonly sklearnDir: string;
  readonly onnxDir: string;
  readonly featuresFile: string;
  readonly metaFile: string;
  readonly features: readonly string[];
  /** Column-major, `rows` values each. */
  readonly columns: readonly Float64Array[];
  readonly rows: number;
  /** What the sklearn model predicts for each row. */
  readonly labels: readonly number[];
  /** The model in a sentence (estimator, parameters, training rows). */
  readonly description: string;
  /** Where make_model.py ran. */
  readonly makerEnvironment: PythonEnvironment;
}

export async function prepareBenchModel(builder: EnvironmentBuilder, say: (line: string) => void): Promise<BenchModel> {
  const requirementsFile = join(here, 'requirements.txt');
  const script = join(here, 'make_model.py');
  const requirements = readFileSync(requirementsFile, 'utf8').split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
  // The Python the runtime tests use; the model records it, so its own environment asks for it too.
  const makerEnvironment = await builder.build({ python: '3.11', requirements }, (e) => say(`maker environment: ${e.phase}: ${e.message}`));
  const key = createHash('sha256').update(makerEnvironment.dir).update(readFileSync(requirementsFile)).update(readFileSync(script)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `aviary-bench-runtime-model-${key}`);
  if (!existsSync(join(dir, 'meta.json'))) {
    say(`training and converting the model into ${dir} (once)`);
    const scratch = await mkdtemp(`${dir}.tmp-`);
    try {
      await run(makerEnvironment.python, [script, join(scratch, 'model')], { maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
      await rename(join(scratch, 'model'), dir).catch(() => {}); // another run got there first
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const metaFile = join(dir, 'meta.json');
  const featuresFile = join(dir, 'features.f64');
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { features: string[]; rows: number; labels: number[]; model: string };
  const raw = await readFile(featuresFile);
  const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const columns = meta.features.map((_, i) => all.slice(i * meta.rows, (i + 1) * meta.rows));
  return {
    dir,
    sklearnDir: join(dir, 'sklearn'),
    onnxDir: join(dir, 'onnx'),
    featuresFile,
    metaFile,
    features: meta.features,
    columns,
    rows: meta.rows,
    labels: meta.labels,
    description: meta.model,
    makerEnvironment,
  };
}

/** The first `rows` rows, as the batch a caller of ModelRuntime.predict hands over. */
export function batchOf(model: BenchModel, rows: number): Batch {
  if (rows > model.rows) throw new Error(`the bench data has ${model.rows} rows, not ${rows}`);
  return { columns: model.features, data: model.columns.map((c) => c.slice(0, rows)), rows };
}
