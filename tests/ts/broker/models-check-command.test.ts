/**
 * `aviary models check` end to end: a real model (the runtime tests' ONNX classifier, 4 inputs),
 * its preprocessing from a folder or from the registered version's source run, real alerts.
 * The preprocessing's environment is built (cached) in the default cache, as the CLI does.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
const ENRICHED_FILE = join(ENRICHED, 'part-3-305711.avro');
/** The alerts README.md counts in it. */
const ENRICHED_ALERTS = 31;

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

/** Reads fields the alerts do not have: every feature comes out constant. */
const WRONG_FIELDS = `FEATURE_NAMES = ["mag", "magerr"]


def pre_processing(alert):
    return [float(alert.get("mag") or 0.0), float(alert.get("magerr") or -1.0)]
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
    expect(stdout).toMatch(/^31 alerts checked, 0 skipped, 4 features, [\d.]+ ms per alert on average \(at most 5 ms\)$/m);
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

  it('fails on alerts it had to skip, grouped by reason, unless --allow-skipped', async () => {
    // Two copies of a real file cut in half, beside the whole file: each copy's rest is one dead letter.
    const dir = join(work, 'truncated');
    await mkdir(dir);
    const whole = await readFile(ENRICHED_FILE);
    const half = whole.subarray(0, Math.floor((await stat(ENRICHED_FILE)).size / 2));
    await writeFile(join(dir, 'a-half.avro'), half);
    await writeFile(join(dir, 'b-half.avro'), half);
    const args = [model, '--preprocessing', fourFeatures, '--alerts', dir, ENRICHED, '--no-model'];

    const failed = await check(...args);
    expect(failed.code).toBe(1);
    const group = /^ {2}2 x (truncated: .+) \(first: (.+), byte \d+, block \d+, record (\d+)\)$/m.exec(failed.stdout);
    expect(group?.[2]).toBe(join(dir, 'a-half.avro'));
    const readBeforeTheCut = Number(group![3]);
    expect(readBeforeTheCut).toBeGreaterThan(0);
    expect(failed.stdout).toMatch(new RegExp(`^${ENRICHED_ALERTS + 2 * readBeforeTheCut} alerts checked, 2 skipped, 4 features, `, 'm'));
    expect(failed.stdout).toMatch(new RegExp(`^error: 2 of ${ENRICHED_ALERTS + 2 * readBeforeTheCut + 2} alerts were skipped .*--allow-skipped`, 'm'));
    expect(failed.stdout.trim().split('\n').pop()).toBe('FAILED: 1 error');
    expect(failed.stderr.trim().split('\n').pop()).toMatch(/^aviary: \S+onnx-classifier: the check failed: 2 of \d+ alerts were skipped [^\n]*$/);

    const allowed = await check(...args, '--allow-skipped');
    expect(allowed.stdout).toContain(group![0]);
    expect(allowed.stdout).toMatch(/^warning: 2 of \d+ alerts were skipped/m);
    expect(allowed.stdout.trim().split('\n').pop()).toBe('OK');
    expect(allowed.code).toBe(0);
  });

  it("shows the alert's fields and the first features when every feature is constant", async () => {
    const wrong = join(work, 'wrong-fields');
    await mkdir(wrong);
    await writeFile(join(wrong, 'preprocessing.py'), WRONG_FIELDS);
    await writeFile(join(wrong, 'requirements.txt'), '');
    const { code, stdout } = await check(model, '--preprocessing', wrong, '--alerts', ENRICHED, '--no-model');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^error: every feature is constant across the 31 alerts/m);
    const fields = /^the alert dict's fields \((\d+)\): (.+)$/m.exec(stdout);
    const listed = fields![2]!.split(', ');
    expect(listed).toHaveLength(Number(fields![1]));
    expect(listed).toEqual(expect.arrayContaining(['objectId', 'candid', 'magpsf', 'sigmapsf', 'jd', 'prv_candidates']));
    const lines = stdout.split('\n');
    const at = lines.indexOf('features of the first 5 alerts:');
    expect(lines[at + 1]).toMatch(/^ {2}alert +mag +magerr$/);
    const rows = lines.slice(at + 2, at + 7);
    for (const row of rows) expect(row).toMatch(/^ {2}ZTF\w+\/\d{19} +0 +-1$/);
    expect(new Set(rows).size).toBe(5);
  });

  it("builds the preprocessing's environment on the model's Python, with or without the model", async () => {
    const [, version, minor] = /^python: ((\d+\.\d+)\.\d+)$/m.exec(await readFile(join(model, 'python_env.yaml'), 'utf8'))!;
    const { code, stderr } = await check(model, '--preprocessing', fourFeatures, '--alerts', ENRICHED_FILE, '--no-model', '--limit', '3');
    expect(code).toBe(0);
    expect(stderr).toContain(`preprocessing environment: Python ${version} (the model's, from python_env.yaml)`);
    // The interpreter the environment was built on (or found cached with) has the model's major.minor.
    expect(stderr).toMatch(new RegExp(`\\(Python ${minor!.replace('.', '\\.')}\\.\\d+(, |\\))`));
  });

  it('says clearly when the source run holds no preprocessing', async () => {
    const { code, stderr } = await check(model, '--alerts', ENRICHED);
    expect(code).toBe(1);
    expect(stderr).toMatch(/aviary: no preprocessing\/preprocessing.py in .*onnx-classifier or beside it/);
  });
});
