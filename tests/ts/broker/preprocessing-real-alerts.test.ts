/**
 * The preprocessing check on real alerts: Fink-template preprocessings (tests/alerts/
 * preprocessing/) run by the stdlib-only runner on the flat dicts of real ZTF alerts. The
 * runner uses the host's python3 here; `aviary models check` runs it in the preprocessing's own
 * environment.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { finkAlertDict } from '../../../src/broker/fink-alert-dict.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { alertLabel } from '../../../src/cli/commands/models-check-command.js';
import { checkPreprocessing, type AlertToCheck } from '../../../src/runtime/preprocessing-check.js';
import { PythonPreprocessingRunner } from '../../../src/runtime/python-preprocessing-runner.js';
import { dataPath } from './shared-data.js';

const FIXTURES = resolve(import.meta.dirname, '../../alerts/preprocessing');
const runners: PythonPreprocessingRunner[] = [];
const start = async (dir: string) => {
  const runner = await PythonPreprocessingRunner.start({ python: 'python3', dir });
  runners.push(runner);
  return runner;
};
afterAll(() => Promise.all(runners.map((r) => r.close())));

async function alertsOf(path: string): Promise<Alert[]> {
  const out: Alert[] = [];
  for await (const item of readAlerts(openAlertSource(dataPath(path)))) if (!isDeadLetter(item)) out.push(item);
  return out;
}
const toCheck = (alerts: Alert[]): AlertToCheck[] => alerts.map((a) => ({ label: alertLabel(a), dict: finkAlertDict(a) }));

let enriched: Alert[], raw: Alert[];
beforeAll(async () => {
  [enriched, raw] = await Promise.all([alertsOf('ztf/fink-enriched-2026'), alertsOf('ztf/raw-2020')]);
});

describe('a Fink-template preprocessing on ztf/fink-enriched-2026', () => {
  it('gets non-constant features on the 31 alerts, within the time limit', async () => {
    const runner = await start(join(FIXTURES, 'fink-template'));
    expect(runner.featureNames).toEqual(['magpsf', 'sigmapsf', 'fid', 'days_since_first', 'mag_rate', 'amplitude_g', 'mean_g']);
    const rows: number[][] = [];
    const report = await checkPreprocessing({
      featureNames: runner.featureNames,
      alerts: toCheck(enriched),
      preprocess: (dicts) => runner.preprocess(dicts),
      predict: async (batch) => (rows.push(...batch.map((r) => [...r])), batch.length),
    });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ ok: true, alerts: 31, passed: 31, predicted: 31, failures: [], constantFeatures: [] });
    expect(report.meanMs).toBeLessThan(5);
    // The features are the alerts' values: magpsf and fid straight from the candidate.
    enriched.forEach((alert, i) => {
      expect(rows[i]![0]).toBeCloseTo(alert.magnitude!.value!, 10);
      expect(rows[i]![2]).toBe({ g: 1, r: 2 }[alert.band as 'g' | 'r']);
    });
  });
});

describe('a preprocessing that raises on missing fields', () => {
  it('fails, naming each alert it raises on (objectId/candid and the exception)', async () => {
    const runner = await start(join(FIXTURES, 'strict'));
    const report = await checkPreprocessing({ featureNames: runner.featureNames, alerts: toCheck(enriched), preprocess: (d) => runner.preprocess(d), predict: async (b) => b.length });
    expect(report.ok).toBe(false);
    const noRate = enriched.filter((a) => a.payload.mag_rate === null);
    expect(noRate.length).toBe(11);
    for (const alert of noRate) {
      const failure = report.failures.find((f) => f.label === `${alert.objectId}/${alert.alertId}`);
      expect(failure?.reason, alertLabel(alert)).toMatch(/^raises TypeError: float\(\) argument must be .*NoneType.* \(at preprocessing\.py:\d+ in pre_processing\)$/);
    }
    expect(report.errors[0]).toMatch(new RegExp(`^${report.failures.length} of 31 alerts raise or return bad features`));
    // What it printed went to stderr, not into the protocol.
    expect(runner.output).toContain('strict preprocessing of ZTF26');
  });

  it('names the raw alerts without the Fink columns by their KeyError', async () => {
    const runner = await start(join(FIXTURES, 'strict'));
    const report = await checkPreprocessing({ featureNames: runner.featureNames, alerts: toCheck(raw.slice(0, 3)), preprocess: (d) => runner.preprocess(d) });
    expect(report.failures).toEqual(raw.slice(0, 3).map((a) => ({ label: `${a.objectId}/${a.alertId}`, reason: expect.stringMatching(/^raises KeyError: 'mag_rate'/) })));
  });
});

describe('the runner', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-preprocessing-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('hands 64-bit ids to Python exactly, and brings non-floats back as descriptions', async () => {
    const folder = join(dir, 'exact');
    await mkdir(folder);
    await writeFile(
      join(folder, 'preprocessing.py'),
      'FEATURE_NAMES = ["candid_mod", "prv_pid_mod", "text"]\n' +
        'def pre_processing(alert):\n' +
        '    return [alert["candid"] % 1000003, alert["prv_candidates"][0]["pid"] % 1000003, "x" if alert["fid"] == 1 else 2.5]\n',
    );
    const runner = await start(folder);
    const outcomes = await runner.preprocess(enriched.map((a) => finkAlertDict(a)));
    enriched.forEach((alert, i) => {
      const prv = (alert.payload.prv_candidates as { pid: bigint }[])[0]!;
      expect(outcomes[i]!.features!.slice(0, 2)).toEqual([Number(alert.alertId % 1000003n), Number(prv.pid % 1000003n)]);
      expect(outcomes[i]!.features![2]).toBe(alert.band === 'g' ? "str 'x'" : 2.5);
    });
  });

  it('refuses a preprocessing.py without FEATURE_NAMES with a clear message', async () => {
    const folder = join(dir, 'broken');
    await mkdir(folder);
    await writeFile(join(folder, 'preprocessing.py'), 'def pre_processing(alert):\n    return [1.0]\n');
    await expect(start(folder)).rejects.toThrow(/cannot run: .*must define FEATURE_NAMES/);
  });
});
