/**
 * The preprocessing step's worker mode (aviary_preprocessing.py) with the host's python3: the
 * worker side is standard library only, so no environment needs building here. The builder is a
 * stand-in that records the spec it was asked for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentBuilder, EnvironmentSpec } from '../environment-builder.js';
import { PreprocessingStep } from './preprocessing-step.js';

const [executable, prefix] = execFileSync('python3', ['-c', 'import sys; print(sys.executable); print(sys.prefix)'], { encoding: 'utf8' }).trim().split('\n');
const specs: EnvironmentSpec[] = [];
const builder: EnvironmentBuilder = {
  build: async (spec) => {
    specs.push(spec);
    return { hash: 'host', python: executable!, dir: prefix! };
  },
};

const MODULE = `
FEATURE_NAMES = ["big_mod", "half", "nan", "stamp_len"]

def pre_processing(alert):
    print("printing must not break the protocol")
    if alert.get("explode"):
        raise KeyError("explode")
    return [alert["big"] % 1000003, alert["x"] / 2, alert.get("nan"), len(alert.get("stamp", b""))]
`;

let dir: string;
let step: PreprocessingStep;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aviary-step-'));
  await writeFile(join(dir, 'preprocessing.py'), MODULE);
  await writeFile(join(dir, 'requirements.txt'), '# nothing else\n-r more.txt\n');
  await writeFile(join(dir, 'more.txt'), 'six==1.16.0\n');
  step = await PreprocessingStep.start({ name: 'step', dir, python: '3.11.7', builder, batchSize: 2 });
}, 60_000);

afterAll(async () => {
  await step?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('PreprocessingStep', () => {
  it('builds its environment from its own requirements only and reads FEATURE_NAMES', () => {
    expect(specs).toEqual([{ python: '3.11.7', requirements: ['six==1.16.0'] }]);
    expect(step.featureNames).toEqual(['big_mod', 'half', 'nan', 'stamp_len']);
  });

  it('computes features exactly, one error per failing alert, across batch slices', async () => {
    const big = 2n ** 62n + 12345n;
    const features = await step.featurize([
      { big, x: 3, nan: Number.NaN, stamp: Buffer.from([1, 2, 3]) },
      { big, x: 1, explode: true },
      `{"big": ${big}, "x": 5}`,
      'not json',
      { big: 7n, x: 0 },
    ]);
    expect(features.featureNames).toEqual(step.featureNames);
    expect(Array.from(features.columns[0]!)).toEqual([Number(big % 1000003n), Number.NaN, Number(big % 1000003n), Number.NaN, 7]);
    expect(Array.from(features.columns[1]!)).toEqual([1.5, Number.NaN, 2.5, Number.NaN, 0]);
    expect(Array.from(features.columns[3]!)).toEqual([3, Number.NaN, 0, Number.NaN, 0]);
    expect(features.errors.map((e) => e?.type ?? null)).toEqual([null, 'KeyError', null, 'JSONDecodeError', null]);
    expect(features.errors[1]!.traceback).toContain('preprocessing.py');
  });

  it('refuses a module without FEATURE_NAMES, with its reason', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'aviary-step-bad-'));
    try {
      await writeFile(join(bad, 'preprocessing.py'), 'def pre_processing(alert):\n    return []\n');
      await writeFile(join(bad, 'requirements.txt'), '');
      await expect(PreprocessingStep.start({ name: 'bad', dir: bad, python: '3.11.7', builder })).rejects.toThrow('must define FEATURE_NAMES');
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
