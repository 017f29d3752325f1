/**
 * `aviary models check` end to end: a real model (the runtime tests' ONNX classifier, 4 inputs),
 * its preprocessing from a folder or from the registered version's source run, real alerts.
 * The preprocessing's environment is built (cached) in the default cache, as the CLI does.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary } from '../../../src/app/open-aviary.js';
import { silentLogger } from '../../../src/common/logger.js';
import { prepareTestModels } from '../../../src/runtime/testing/test-models.js';
import { dataPath } from './shared-data.js';

const REPO = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(REPO, 'tests/alerts/preprocessing');
const ENRICHED = dataPath('ztf/fink-enriched-2026');

/** Runs the command; never throws, so a failing check can be looked at. */
function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['--import', 'tsx', 'tests/ts/broker/models-check-entry.ts', 'check', ...args], { cwd: REPO, timeout: 280_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const FOUR_FEATURES = `import math

FEATURE_NAMES = ["magpsf", "sigmapsf", "fid", "days_since_first"]


def _f(value, default=0.0):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def pre_processing(alert):
    jd = _f(alert.get("jd"))
    return [_f(alert.get("magpsf")), _f(alert.get("sigmapsf")), _f(alert.get("fid")), max(0.0, jd - _f(alert.get("jd_first_real_det"), jd))]
`;

let work: string;
let model: string;
let fourFeatures: string;

beforeAll(async () => {
  const models = await prepareTestModels();
  model = join(models.dir, 'onnx-classifier');
  work = await mkdtemp(join(tmpdir(), 'aviary-models-check-'));
  fourFeatures = join(work, 'four-features');
  await mkdir(fourFeatures);
  await writeFile(join(fourFeatures, 'preprocessing.py'), FOUR_FEATURES);
  await writeFile(join(fourFeatures, 'requirements.txt'), '# standard library only\n');
}, 600_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('aviary models check', { timeout: 300_000 }, () => {
  it('passes a good preprocessing whose features the model accepts', async () => {
    const { code, stdout, stderr } = await check(model, '--preprocessing', fourFeatures, '--alerts', ENRICHED);
    expect(stderr).toContain('FEATURE_NAMES: magpsf, sigmapsf, fid, days_since_first');
    expect(stdout).toMatch(/^31 alerts, 4 features, [\d.]+ ms per alert on average \(at most 5 ms\)$/m);
    expect(stdout).toContain('the model scored 31 rows of features');
    expect(stdout.trim().split('\n').pop()).toBe('OK');
    expect(code).toBe(0);
  });

  it('fails, naming the alerts and the exception, on a preprocessing that raises on missing fields', async () => {
    const { code, stdout } = await check(model, '--preprocessing', join(FIXTURES, 'strict'), '--alerts', ENRICHED, '--no-model');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}ZTF26\w+\/\d{19}: raises TypeError: float\(\) argument must be .* \(at preprocessing\.py:\d+ in pre_processing\)$/m);
    expect(stdout).toMatch(/^error: \d+ of 31 alerts raise or return bad features/m);
    expect(stdout.trim().split('\n').pop()).toMatch(/^FAILED: 1 error$/);
  });

  it('fails when the model does not accept the features', async () => {
    const { code, stdout } = await check(model, '--preprocessing', join(FIXTURES, 'fink-template'), '--alerts', ENRICHED);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^error: the model does not accept the features: /m);
  });

  it("finds the preprocessing in the registered version's source run", async () => {
    const dataDir = join(work, 'data');
    const app = await openAviary(configForDataDir(dataDir), silentLogger);
    try {
      const exp = await app.tracking.createExperiment('ztf-flat', undefined, []);
      const run = await app.tracking.createRun({ experimentId: exp, tags: [] });
      const runId = run.info.run_id;
      const put = async (path: string, body: Buffer) => app.artifacts.write(`${exp}/${runId}/artifacts/${path}`, Readable.from([body]));
      for (const name of await readdir(model)) await put(`model/${name}`, await readFile(join(model, name)));
      for (const name of await readdir(fourFeatures)) await put(`preprocessing/${name}`, await readFile(join(fourFeatures, name)));
      await app.registry.createRegisteredModel('ztf-flat', { tags: [] });
      await app.registry.createModelVersion({ name: 'ztf-flat', source: `runs:/${runId}/model`, runId, tags: [] });
      await app.registry.setAlias('ztf-flat', 'champion', '1');
    } finally {
      await app.close();
    }
    const { code, stdout, stderr } = await check('models:/ztf-flat@champion', '--data-dir', dataDir, '--alerts', ENRICHED, '--limit', '10');
    expect(stderr).toMatch(/preprocessing from run \w+/);
    expect(stdout).toContain('the model scored 10 rows of features');
    expect(stdout.trim().split('\n').pop()).toBe('OK');
    expect(code).toBe(0);
  });

  it('refuses a preprocessing without its requirements.txt, as the broker does', async () => {
    const bare = join(work, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, 'preprocessing.py'), FOUR_FEATURES);
    const { code, stderr } = await check(model, '--preprocessing', bare, '--alerts', ENRICHED);
    expect(code).toBe(1);
    expect(stderr).toMatch(/aviary: .*bare holds preprocessing.py but no requirements.txt/);
  });

  it('says clearly when the source run holds no preprocessing', async () => {
    const { code, stderr } = await check(model, '--alerts', ENRICHED);
    expect(code).toBe(1);
    expect(stderr).toMatch(/aviary: no preprocessing\/preprocessing.py in .*onnx-classifier or beside it/);
  });
});
