/**
 * Test support: the Python environment of requirements.txt (scripts/python-env.sh, cached)
 * and the models make_models.py saves into it, built once per content and shared by every
 * test file (they run in parallel, so the folder is built aside and renamed into place).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PythonEnvironment } from '../environment-builder.js';
import type { Batch } from '../model-runtime.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');

export interface Expected {
  readonly features: string[];
  /** Column-major features, 1000 rows. */
  readonly columns: number[][];
  readonly labels: number[];
  readonly proba: [number, number][];
}

export interface TestModels {
  readonly dir: string;
  readonly environment: PythonEnvironment;
  readonly expected: Expected;
  /** model.predict in a plain Python loop, ms per call. */
  readonly timings: { rows_1_ms: number; rows_1000_ms: number };
}

export async function prepareTestModels(): Promise<TestModels> {
  const requirements = join(here, 'requirements.txt');
  const script = join(here, 'make_models.py');
  const { stdout } = await run('bash', [join(root, 'scripts/python-env.sh'), requirements], { maxBuffer: 1 << 24 });
  const envDir = stdout.trim();
  const environment = { python: join(envDir, 'bin/python'), dir: envDir, hash: envDir.split('-').pop()! };
  const key = createHash('sha256').update(envDir).update(readFileSync(requirements)).update(readFileSync(script)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `aviary-runtime-models-${key}`);
  if (!existsSync(join(dir, 'timings.json'))) {
    const scratch = await mkdtemp(`${dir}.tmp-`);
    await run(environment.python, [script, join(scratch, 'models')], { maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    await rename(join(scratch, 'models'), dir).catch(() => {}); // another test file got there first
    await rm(scratch, { recursive: true, force: true });
  }
  const expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as Expected;
  const timings = JSON.parse(await readFile(join(dir, 'timings.json'), 'utf8')) as TestModels['timings'];
  return { dir, environment, expected, timings };
}

/** The first `rows` rows of the expected features, as a batch. */
export function featureBatch(expected: Expected, rows: number, start = 0): Batch {
  return {
    columns: expected.features,
    data: expected.columns.map((values) => Float64Array.from(values.slice(start, start + rows))),
    rows,
  };
}
