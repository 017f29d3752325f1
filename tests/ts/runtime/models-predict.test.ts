/**
 * `aviary models predict <folder> --input <file> [--output <file>]`, the real command (run with
 * tsx), on the scikit-learn classifier of src/runtime/testing (make_models.py): every input
 * format gives the labels the model gave in Python; long inputs report progress on stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { python, REPO } from './training.js';

const SLOW = 600_000;
let models: TestModels;
let work: string;
let rows: Record<string, number>[];

function aviary(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO, timeout: SLOW, maxBuffer: 1 << 26 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-predict-'));
  const { features, columns } = models.expected;
  rows = columns[0]!.map((_, r) => Object.fromEntries(features.map((name, c) => [name, columns[c]![r]!])));
  await writeFile(join(work, 'records.json'), JSON.stringify(rows));
  await writeFile(join(work, 'split.json'), JSON.stringify({ dataframe_split: { columns: features, data: rows.map((row) => features.map((f) => row[f])) } }));
  await writeFile(join(work, 'rows.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n'));
  await writeFile(join(work, 'rows.csv'), [features.join(','), ...rows.map((row) => features.map((f) => row[f]).join(','))].join('\n'));
  await python(models.environment.python, `import pandas as pd; pd.read_json(${JSON.stringify(join(work, 'records.json'))}, dtype=False).to_parquet(${JSON.stringify(join(work, 'rows.parquet'))})`);
  // Long input: 25 copies of the 1000 rows, scored in chunks.
  await writeFile(join(work, 'long.json'), JSON.stringify({ dataframe_records: Array.from({ length: 25 }, () => rows).flat() }));
}, SLOW);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const classifier = () => join(models.dir, 'sklearn-classifier');

describe('aviary models predict', () => {
  it.concurrent.each(['records.json', 'split.json', 'rows.jsonl', 'rows.csv', 'rows.parquet'])(
    'scores %s and prints {"predictions": ...}',
    async (input) => {
      const result = await aviary('models', 'predict', classifier(), '--input', join(work, input));
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ predictions: models.expected.labels });
      expect(result.stderr).toContain('1000 rows scored');
    },
    SLOW,
  );

  it('scores a long input in chunks with progress on stderr, and writes CSV', { timeout: SLOW }, async () => {
    const output = join(work, 'out.csv');
    const result = await aviary('models', 'predict', classifier(), '--input', join(work, 'long.json'), '--output', output, '--workers', '2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/scored 10000\/25000 rows \(40%\)/);
    expect(result.stderr).toMatch(/scored 25000\/25000 rows \(100%\)/);
    const lines = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('prediction');
    expect(lines.slice(1).map(Number)).toEqual(Array.from({ length: 25 }, () => models.expected.labels).flat());
  });

  it('refuses an input it cannot read, naming the problem', { timeout: SLOW }, async () => {
    await writeFile(join(work, 'bad.json'), '{"dataframe_split": {"data": [[1]], "dtype": "x"}}');
    const result = await aviary('models', 'predict', classifier(), '--input', join(work, 'bad.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Dataframe split format must have 'data' field");
    expect(result.stderr).not.toContain('fetching'); // refused before the model was loaded
    const missing = await aviary('models', 'predict', classifier(), '--input', join(work, 'nothing.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
