import { describe, expect, it } from 'vitest';
import { checkPreprocessing, type AlertToCheck, type PreprocessingOutcome, type PreprocessingCheckOptions, type SkippedAlert } from './preprocessing-check.js';

const NAMES = ['a', 'b', 'c'];
const alerts = (n: number): AlertToCheck[] => Array.from({ length: n }, (_, i) => ({ label: `ZTF${i}/${1000n + BigInt(i)}`, dict: { i } }));
/** A preprocessing answering `outcome(i)` for alert i. */
const preprocessing = (outcome: (i: number) => PreprocessingOutcome) => async (dicts: readonly Readonly<Record<string, unknown>>[]) => dicts.map((d) => outcome(d.i as number));
const varied = (i: number): PreprocessingOutcome => ({ features: [i, i * 2, 10 - i], ms: 0.2 });

const check = (options: Partial<PreprocessingCheckOptions> & Pick<PreprocessingCheckOptions, 'preprocess'>) =>
  checkPreprocessing({ featureNames: NAMES, alerts: alerts(5), predict: async (rows) => rows.length, ...options });

describe('checkPreprocessing', () => {
  it('passes features that vary, in time, accepted by the model', async () => {
    const seen: number[][] = [];
    const report = await check({ preprocess: preprocessing(varied), predict: async (rows) => (seen.push(...rows.map((r) => [...r])), rows.length) });
    expect(report).toMatchObject({ ok: true, alerts: 5, passed: 5, predicted: 5, errors: [], warnings: [], failures: [], constantFeatures: [] });
    expect(report.meanMs).toBeCloseTo(0.2);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => [i, i * 2, 10 - i]));
  });

  it('names every alert that raises or returns bad features', async () => {
    const report = await check({
      preprocess: preprocessing((i) =>
        [
          { error: "raises KeyError: 'magpsf' (at preprocessing.py:3 in pre_processing)", ms: 0.1 },
          { features: [1, 2], ms: 0.1 },
          { features: [1, 'str nan', 3], ms: 0.1 },
          { features: [1, NaN, 3], ms: 0.1 },
          varied(i),
        ][i]!,
      ),
    });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      { label: 'ZTF0/1000', reason: "raises KeyError: 'magpsf' (at preprocessing.py:3 in pre_processing)" },
      { label: 'ZTF1/1001', reason: 'returns 2 values; FEATURE_NAMES has 3' },
      { label: 'ZTF2/1002', reason: 'feature 1 (b) is not a float: str nan' },
      { label: 'ZTF3/1003', reason: 'feature 1 (b) is NaN, not a finite float' },
    ]);
    expect(report.errors[0]).toMatch(/^4 of 5 alerts raise or return bad features/);
    expect(report.passed).toBe(1);
    expect(report.predicted).toBe(1);
  });

  it('fails a preprocessing slower than the limit on average', async () => {
    const report = await check({ preprocess: preprocessing((i) => ({ ...varied(i), ms: i === 0 ? 30 : 1 })) });
    expect(report.meanMs).toBeCloseTo(6.8);
    expect(report.errors).toEqual([expect.stringMatching(/6\.80 ms per alert on average, more than the 5 ms allowed/)]);
    expect((await check({ preprocess: preprocessing((i) => ({ ...varied(i), ms: 6 })), maxMeanMs: 10 })).ok).toBe(true);
  });

  it('fails when every feature is constant, warns for one constant feature', async () => {
    const constant = await check({ preprocess: preprocessing(() => ({ features: [0, 0, 1], ms: 0.1 })) });
    expect(constant.ok).toBe(false);
    expect(constant.errors).toEqual([expect.stringMatching(/every feature is constant across the 5 alerts/)]);
    const one = await check({ preprocess: preprocessing((i) => ({ features: [i, 7, i], ms: 0.1 })) });
    expect(one.ok).toBe(true);
    expect(one.constantFeatures).toEqual([{ name: 'b', value: 7 }]);
    expect(one.warnings).toEqual(['feature "b" is 7 on all 5 alerts: usually a wrong field name']);
  });

  it('fails when the model refuses the features, or answers another number of rows', async () => {
    const refused = await check({ preprocess: preprocessing(varied), predict: async () => Promise.reject(new Error('Model is missing inputs')) });
    expect(refused.errors).toEqual(['the model does not accept the features: Model is missing inputs']);
    const short = await check({ preprocess: preprocessing(varied), predict: async (rows) => rows.length - 1 });
    expect(short.errors).toEqual(['the model does not accept the features: the model answered 4 rows for 5']);
  });

  it('runs the preprocessing a chunk at a time', async () => {
    const chunks: number[] = [];
    const inner = preprocessing(varied);
    const report = await check({ chunkSize: 2, preprocess: async (dicts) => (chunks.push(dicts.length), inner(dicts)) });
    expect(chunks).toEqual([2, 2, 1]);
    expect(report.ok).toBe(true);
  });

  it('fails with no alert, and warns when the model is not checked', async () => {
    const empty = await check({ alerts: [], preprocess: preprocessing(varied) });
    expect(empty.errors).toEqual(['no alert to check the preprocessing on']);
    const noModel = await check({ preprocess: preprocessing(varied), predict: undefined });
    expect(noModel.ok).toBe(true);
    expect(noModel.warnings).toEqual(['the model was not asked to score the features']);
  });

  it('counts skipped alerts by reason and fails on them unless allowed', async () => {
    const skips: SkippedAlert[] = [
      { skipped: 'truncated: block 15 declares 49754 bytes', at: 'a.avro, byte 807730, block 15' },
      { skipped: 'not an alert: no candid', at: 'b.jsonl, line 2' },
      { skipped: 'truncated: block 3 declares 1200 bytes', at: 'c.avro, byte 90, block 3' },
    ];
    const mixed = [...alerts(2), skips[0]!, ...alerts(5).slice(2), skips[1]!, skips[2]!];
    const failed = await check({ alerts: mixed, preprocess: preprocessing(varied) });
    expect(failed).toMatchObject({ ok: false, alerts: 5, passed: 5, skipped: 3 });
    expect(failed.skippedGroups).toEqual([
      { count: 2, reason: 'truncated: block 15 declares 49754 bytes', firstAt: 'a.avro, byte 807730, block 15' },
      { count: 1, reason: 'not an alert: no candid', firstAt: 'b.jsonl, line 2' },
    ]);
    expect(failed.errors).toEqual([expect.stringMatching(/^3 of 8 alerts were skipped .*--allow-skipped/)]);
    const allowed = await check({ alerts: mixed, preprocess: preprocessing(varied), allowSkipped: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.warnings).toEqual([expect.stringMatching(/^3 of 8 alerts were skipped/)]);
  });

  it("gives the alert dicts' fields and the first features when every feature is constant", async () => {
    const dicts: AlertToCheck[] = Array.from({ length: 7 }, (_, i) => ({ label: `ZTF${i}/${i}`, dict: i === 6 ? { i, late: true } : { i, magpsf: 18 + i } }));
    const report = await check({ alerts: dicts, preprocess: preprocessing(() => ({ features: [0, 0, 1], ms: 0.1 })) });
    expect(report.allConstant).toBe(true);
    expect(report.fields).toEqual(['i', 'magpsf', 'late']);
    expect(report.sample).toEqual([0, 1, 2, 3, 4].map((i) => ({ label: `ZTF${i}/${i}`, features: [0, 0, 1] })));
    const varying = await check({ alerts: dicts, preprocess: preprocessing(varied) });
    expect(varying.allConstant).toBe(false);
  });
});
