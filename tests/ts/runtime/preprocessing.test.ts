/**
 * The Fink AI convention: a model registered by the real mlflow client from a run that also holds
 * preprocessing/preprocessing.py and preprocessing/requirements.txt scores raw ZTF alerts (the
 * 51 of ../shared/data/parquet/ztf-raw-2019, 64-bit candids as bigint) through a preprocessing
 * step in its own environment; one bad alert is reported by itself. The same model without the
 * step takes its input columns directly.
 */
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { defaultCacheRoot } from '../../../src/runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../../src/runtime/environments/uv-environment-builder.js';
import { fetchModel } from '../../../src/runtime/model-source.js';
import { PreprocessedModel, type AlertScores } from '../../../src/runtime/preprocessing/preprocessed-model.js';
import { toPythonJson } from '../../../src/runtime/python-json.js';
import { FIXTURES, python, REPO, startServer, train, trainingPython, type TestServer } from './training.js';

const SLOW = 600_000;
const ALERTS = resolve(REPO, '../shared/data/parquet/ztf-raw-2019/alerts.parquet');
const FEATURES = ['magpsf', 'sigmapsf', 'candid_mod', 'ndet'];
type Alert = { objectId: string; candid: bigint; candidate: { magpsf: number; sigmapsf: number } | null; prv_candidates: { magpsf: number | null }[] | null } & Record<string, unknown>;

let server: TestServer;
let work: string;
let alerts: Alert[];
let withStep: PreprocessedModel;
let scores: AlertScores;
/** What loading the model with its step said, in order. */
const progress: string[] = [];
const builder = new UvEnvironmentBuilder({ cacheRoot: defaultCacheRoot() });

/** What preprocessing.py computes, computed here (the candid with BigInt arithmetic). */
function expectedFeatures(alert: Alert): number[] {
  const history = (alert.prv_candidates ?? []).filter((p) => p.magpsf !== null).length;
  return [alert.candidate!.magpsf, alert.candidate!.sigmapsf, Number(alert.candid % 1000003n), history + 1];
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-preprocessing-test-'));
  server = await startServer();
  const file = await asyncBufferFromFile(ALERTS);
  alerts = (await parquetReadObjects({ file, compressors, columns: ['objectId', 'candid', 'candidate', 'prv_candidates'] })) as Alert[];
  const trainer = await trainingPython('sklearn-1.7.txt');
  await train(trainer, server, 'fink', 'logistic', ['--features', FEATURES.join(','), '--preprocessing', join(FIXTURES, 'fink-preprocessing')]);
  withStep = await PreprocessedModel.load('models:/fink@champion', { aviary: server.aviary, builder, logger: silentLogger, progress: (line) => progress.push(line) });
  const input = [
    { ...alerts[0]!, stamp: Buffer.from([0x1f, 0x8b, 0x08]) }, // bytes stay bytes
    { ...alerts[1]!, candidate: null }, // pre_processing raises TypeError on this one only
    toPythonJson(alerts[2]), // an alert given as its JSON text
    ...alerts.slice(3),
  ];
  scores = await withStep.scoreAlerts(input);
}, SLOW);

afterAll(async () => {
  await withStep?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a model with a preprocessing step (Fink AI convention)', () => {
  it('checks that the alerts really carry 64-bit candids above 2^53', () => {
    expect(alerts).toHaveLength(51);
    expect(alerts.every((a) => typeof a.candid === 'bigint' && a.candid > 2n ** 53n)).toBe(true);
  });

  it('runs the step in its own environment: its requirements, without MLflow', async () => {
    const step = withStep.preprocessing!;
    expect(step.featureNames).toEqual(FEATURES);
    expect(step.environment.hash).not.toBe(withStep.model.environment!.hash);
    const probe = 'import importlib.util, numpy; print(numpy.__version__, importlib.util.find_spec("mlflow") is None)';
    expect((await python(step.environment.python, probe)).trim()).toBe('2.3.4 True');
  }, 60_000);

  it('starts the step beside the model, and says how long each took', () => {
    const stepFrom = progress.findIndex((line) => line.startsWith('fink/1: preprocessing step from run '));
    const modelReady = progress.findIndex((line) => /^fink\/1: 1 worker ready in [\d.]+ s: interpreter [\d.]+ s, import mlflow [\d.]+ s, model loaded in [\d.]+ s$/.test(line));
    expect(stepFrom, progress.join('\n')).toBeGreaterThanOrEqual(0);
    expect(modelReady, progress.join('\n')).toBeGreaterThanOrEqual(0);
    // The step began before the model's worker was ready: not after the model had loaded.
    expect(stepFrom).toBeLessThan(modelReady);
    expect(progress).toContainEqual(expect.stringMatching(/^fink\/1: preprocessing step ready in [\d.]+ s$/));
    expect(progress).toContainEqual(expect.stringMatching(/^fink\/1: environment (built in [\d.]+ s \(.+\)|\S+ found built \([\d.]+ s\))$/));
  });

  it('computes each alert\'s features exactly (64-bit integers included)', () => {
    expect(scores.featureNames).toEqual(FEATURES);
    expect(scores.alerts).toHaveLength(51);
    scores.alerts.forEach((scored, i) => {
      expect(scored.index).toBe(i);
      if (i !== 1) expect(scored.features, `alert ${i}`).toEqual(expectedFeatures(alerts[i]!));
    });
  });

  it('reports the alert pre_processing failed on, and scores every other one', () => {
    const failed = scores.alerts[1]!;
    expect(failed.error).toMatchObject({ stage: 'preprocessing', type: 'TypeError' });
    expect(failed.error!.message).toContain("'NoneType' object is not subscriptable");
    expect(failed.error!.traceback).toContain('preprocessing.py');
    expect(failed.predictions).toBeUndefined();
    const others = scores.alerts.filter((a) => a.index !== 1);
    expect(others.every((a) => a.error === undefined && a.predictions !== undefined)).toBe(true);
  });

  it('feeds the features to the model: the predictions are the model\'s for those columns', async () => {
    const good = scores.alerts.filter((a) => a.index !== 1);
    const batch = { columns: FEATURES, data: FEATURES.map((_, c) => Float64Array.from(good, (a) => a.features![c]!)), rows: good.length };
    const direct = await withStep.model.runtime.predict(batch);
    good.forEach((scored, r) => {
      expect(scored.predictions).toEqual(Object.fromEntries(direct.names.map((name, c) => [name, direct.data[c]![r]])));
    });
  }, 60_000);

  it('without the step, takes records of the model\'s input columns', { timeout: SLOW }, async () => {
    const folder = join(work, 'fink-model');
    await fetchModel('models:/fink@champion', server.aviary, { into: folder });
    const plain = await PreprocessedModel.load(folder, { builder });
    try {
      expect(plain.preprocessing).toBeUndefined();
      const good = scores.alerts.filter((a) => a.index !== 1).slice(0, 10);
      const records = good.map((a) => Object.fromEntries(FEATURES.map((name, c) => [name, a.features![c]])));
      const direct = await plain.scoreAlerts([...records, 'not a record']);
      expect(direct.featureNames).toEqual([]);
      good.forEach((scored, r) => expect(direct.alerts[r]!.predictions).toEqual(scored.predictions));
      expect(direct.alerts[10]!.error).toMatchObject({ stage: 'input' });
    } finally {
      await plain.close();
    }
  });
});
