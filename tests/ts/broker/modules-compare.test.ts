/**
 * `aviary modules compare | promote` and their routes on a real data dir: real ZTF and Rubin
 * alerts written through the SQLite alert store with a champion's and a challenger's scores,
 * a broker run's status naming the module, versions and aliases in the real registry. The
 * comparison's numbers are checked against sums done here from the alerts written; the CLI's
 * --json against the API's answer; promotion through the local registry, over REST, and with
 * --auth (a reader may compare but not promote; MANAGE on the model may).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuth, type OpenedAuth } from '../../../src/app/open-auth.js';
import { configForDataDir, openAviary, type Aviary } from '../../../src/app/open-aviary.js';
import type { Alert } from '../../../src/broker/alert.js';
import { compareStoredModule } from '../../../src/broker/comparison/compare-stored-module.js';
import { comparedModuleFromRuns } from '../../../src/broker/comparison/compared-module.js';
import type { ModuleComparison } from '../../../src/broker/comparison/module-comparison.js';
import type { EnrichedAlert } from '../../../src/broker/enriched-alert.js';
import { modulesCommand } from '../../../src/cli/commands/modules-command.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { rubinAlerts, ztfAlerts } from './alerts-real-alerts.js';
import { challengerScore, championScore, isSnia, MODEL, runStatus, shadowedAlerts, writeLabels } from './shadowed-alerts.js';

const aviaryModules = (...args: string[]) => runInProcess(modulesCommand, args);
const ADMIN_PW = 'admin-pw-51c2';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let work: string;
let dataDir: string;
let labelsFile: string;
let aviary: Aviary;
let server: Server;
let base: string;
let compared: Alert[];
/** Alerts with a challenger's outputs, text or number. */
let shadowed: Alert[];
let ztf: Alert[];

async function request(path: string, init: RequestInit = {}, url = base) {
  const res = await fetch(`${url}${path}`, { ...init, headers: { ...(init.body && { 'Content-Type': 'application/json' }), ...init.headers } });
  const text = await res.text();
  return { status: res.status, text, json: parseExactJson(text) as Record<string, any> };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-modules-compare-'));
  dataDir = join(work, 'data');
  labelsFile = join(work, '_labels.jsonl');
  ztf = await ztfAlerts(30);
  const rubin = await rubinAlerts();
  let enriched: EnrichedAlert[];
  ({ enriched, compared, shadowed } = shadowedAlerts([...ztf, ...rubin]));
  // Labels for the ZTF alerts only.
  await writeLabels(labelsFile, ztf);

  aviary = await openAviary(configForDataDir(dataDir), silentLogger);
  await aviary.registry.createRegisteredModel(MODEL, { tags: [] });
  for (const v of [1, 2, 3]) await aviary.registry.createModelVersion({ name: MODEL, source: `mlflow-artifacts:/snia/v${v}`, tags: [] });
  await aviary.registry.setAlias(MODEL, 'champion', '1');
  await aviary.registry.setAlias(MODEL, 'challenger', '2');
  expect((await aviary.alerts.writeAlerts(enriched)).inserted).toBe(enriched.length);
  await aviary.alerts.saveRunStatus(
    runStatus(join(work, 'broker.yaml'), labelsFile, [
      { name: 'kind', model: '/models/kind', modelName: '/models/kind', version: null, state: 'ready', scored: 0, deadLettered: 0 },
      {
        name: 'elsewhere',
        model: `models:/${MODEL}@champion`,
        modelName: MODEL,
        version: '1',
        state: 'ready',
        scored: 0,
        deadLettered: 0,
        shadows: [{ alias: 'challenger', version: '2', state: 'ready', scored: 0, deadLettered: 0 }],
        labels: { file: '/nowhere/_labels.jsonl', positive: 'snia' },
      },
    ]),
  );
  server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await aviary?.close();
  await rm(work, { recursive: true, force: true });
});

describe('aviary modules compare', () => {
  it("equals the numbers worked here from the alerts written, labels from the run's labels file", async () => {
    const { code, stdout, stderr } = await aviaryModules('compare', 'snia', '--data-dir', dataDir, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const c = parseExactJson(stdout) as ModuleComparison;
    expect(c).toMatchObject({ module: 'snia', modelName: MODEL, championAlias: 'champion', output: 'snia_score', threshold: 0.5 });
    const s = c.shadows[0]!;
    expect(c.shadows).toHaveLength(1);
    expect(s).toMatchObject({ alias: 'challenger', championVersions: ['1'], shadowVersions: ['2'], count: compared.length });

    const xs = compared.map(championScore);
    const ys = compared.map(challengerScore);
    const diffs = compared.map((_, i) => Math.abs(ys[i]! - xs[i]!));
    expect(s.agreement).toBeCloseTo(compared.filter((_, i) => (xs[i]! >= 0.5) === (ys[i]! >= 0.5)).length / compared.length, 12);
    expect(s.meanAbsDifference).toBeCloseTo(diffs.reduce((a, b) => a + b) / diffs.length, 12);
    expect(s.maxAbsDifference).toBe(Math.max(...diffs));
    const mean = (v: number[]) => v.reduce((a, b) => a + b) / v.length;
    const [mx, my] = [mean(xs), mean(ys)];
    const cov = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0);
    const r = cov / Math.sqrt(xs.reduce((sum, x) => sum + (x - mx) ** 2, 0) * ys.reduce((sum, y) => sum + (y - my) ** 2, 0));
    expect(s.correlation).toBeCloseTo(r, 12);
    expect(s.histogram.champion.reduce((a, b) => a + b)).toBe(compared.length);
    expect(s.histogram.champion[Math.floor(xs[0]! * 20)]).toBeGreaterThan(0);

    // The largest difference first, with its exact 64-bit id.
    const worst = compared[diffs.indexOf(Math.max(...diffs))]!;
    expect(s.disagreements[0]).toMatchObject({ survey: worst.survey, alertId: worst.alertId, champion: championScore(worst), shadow: challengerScore(worst) });
    expect(stdout).toContain(`"alertId":${s.disagreements[0]!.alertId}`);

    const labelled = compared.filter((a) => a.survey === 'ztf');
    const tp = labelled.filter((a) => isSnia(a) && championScore(a) >= 0.5).length;
    const fp = labelled.filter((a) => !isSnia(a) && championScore(a) >= 0.5).length;
    const fn = labelled.filter((a) => isSnia(a) && championScore(a) < 0.5).length;
    expect(s.labels).toMatchObject({ source: labelsFile, positive: 'snia', labelled: labelled.length, positives: labelled.filter(isSnia).length });
    expect(s.labels!.champion.confusion).toEqual({ truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: labelled.length - tp - fp - fn });
    expect(s.labels!.champion.precision).toBe(tp / (tp + fp));
    expect(s.labels!.champion.recall).toBe(tp / (tp + fn));
    const pos = labelled.filter(isSnia).map(challengerScore);
    const neg = labelled.filter((a) => !isSnia(a)).map(challengerScore);
    const wins = pos.reduce((sum, p) => sum + neg.reduce((n, q) => n + (p > q ? 1 : p === q ? 0.5 : 0), 0), 0);
    expect(s.labels!.shadow.rocAuc).toBeCloseTo(wins / (pos.length * neg.length), 12);
  });

  it('--json prints what GET /api/aviary/modules/snia/comparison answers', async () => {
    const cli = await aviaryModules('compare', 'snia', '--data-dir', dataDir, '--json', '--threshold', '0.3', '--limit', '20');
    const api = await request('/api/aviary/modules/snia/comparison?threshold=0.3&limit=20');
    expect(api.status).toBe(200);
    expect(cli.stdout.trim()).toBe(api.text);
    // Rows written together come by (survey, alert id) descending: the 20 first, less the one with a text output.
    const newest = [...shadowed].sort((a, b) => b.survey.localeCompare(a.survey) || (b.alertId > a.alertId ? 1 : -1)).slice(0, 20);
    expect((api.json as ModuleComparison).shadows[0]!.count).toBe(newest.filter((a) => compared.includes(a)).length);
    expect((api.json as ModuleComparison).threshold).toBe(0.3);
  });

  it('prints a readable table: agreement, correlation, both distributions, label metrics, disagreements', async () => {
    const { code, stdout } = await aviaryModules('compare', 'snia', '--data-dir', dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain(`snia: registered model ${MODEL}, champion @champion; output snia_score at threshold 0.5`);
    expect(stdout).toContain(`@challenger: ${compared.length} alert(s) compared (champion version 1, challenger version 2)`);
    expect(stdout).toMatch(/agreement\s+\d+\.\d%/);
    expect(stdout).toMatch(/distribution\s+[ ▁▂▃▄▅▆▇█]{20}\s+champion/);
    expect(stdout).toMatch(/precision\s+recall\s+ROC AUC/);
    expect(stdout).toContain(String(compared[0]!.alertId).slice(0, 5));
    const nothing = await aviaryModules('compare', 'elsewhere', '--data-dir', dataDir);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('no label metrics: labels file /nowhere/_labels.jsonl: no such file');
    expect(nothing.stdout).toContain('no alert was scored by both the module and a shadow alias yet');
  });

  it('takes labels from --labels and --positive, and the module from --config', async () => {
    const config = join(work, 'broker.yaml');
    await writeFile(config, `modules:\n  - name: snia\n    model: models:/${MODEL}@champion\n    outputs: [snia_score]\n    shadow: [challenger]\n`);
    const { code, stdout, stderr } = await aviaryModules('compare', 'snia', '--data-dir', dataDir, '--config', config, '--labels', labelsFile, '--positive', 'variable', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const labels = (parseExactJson(stdout) as ModuleComparison).shadows[0]!.labels!;
    expect(labels.positive).toBe('variable');
    expect(labels.positives).toBe(compared.filter((a) => a.survey === 'ztf' && !isSnia(a)).length);
  });

  it('takes labels from an alert field the store reads (ZTF band 1 positive; Rubin alerts have no fid: unlabelled)', async () => {
    const module = await comparedModuleFromRuns(aviary.alerts, 'snia');
    const c = await compareStoredModule(aviary.alerts, module, { labels: { field: 'fid', positive: '1' } });
    const ztfCompared = compared.filter((a) => a.survey === 'ztf');
    const fid = (a: Alert) => (a.payload as { candidate: { fid: number } }).candidate.fid;
    expect(c.shadows[0]!.labels).toMatchObject({ source: 'field fid', labelled: ztfCompared.length, positives: ztfCompared.filter((a) => fid(a) === 1).length });
    expect(c.shadows[0]!.labels!.positives).toBeGreaterThan(0);
    expect(c.shadows[0]!.labels!.positives).toBeLessThan(ztfCompared.length);
  });

  it('exits 1 with one line for an unknown module, a bad threshold or limit, an unknown output, --labels without --positive', async () => {
    const cases: [string[], RegExp][] = [
      [['compare', 'nope'], /^aviary: unknown module 'nope': the stored broker runs have modules snia, kind, elsewhere \(RESOURCE_DOES_NOT_EXIST\)\n$/],
      [['compare', 'snia', '--threshold', 'high'], /^aviary: invalid --threshold 'high': expected a number, e\.g\. 0\.5\n$/],
      [['compare', 'snia', '--limit', '0'], /^aviary: invalid --limit '0': expected a whole number from 1 to 1000000\n$/],
      [['compare', 'snia', '--output', 'nothing'], /^aviary: module snia has no numeric output 'nothing': its outputs are snia_score \(INVALID_PARAMETER_VALUE\)\n$/],
      [['compare', 'snia', '--labels', labelsFile], /^aviary: --labels and --positive go together/],
      [['compare', 'snia', '--labels', join(work, 'none.jsonl'), '--positive', 'snia'], /^aviary: labels file .*none\.jsonl: no such file/],
    ];
    for (const [args, message] of cases) {
      const result = await aviaryModules(...args, '--data-dir', dataDir);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const empty = await aviaryModules('compare', 'snia', '--data-dir', join(work, 'empty'));
    expect(empty).toMatchObject({ code: 1, stderr: expect.stringMatching(/^aviary: no alert store at .*alerts\.db: run `aviary broker run <config>`/) });
  });
});

describe('the comparison route', () => {
  it('answers 404 for an unknown module and 400 for bad parameters, in MLflow error JSON', async () => {
    const unknown = await request('/api/aviary/modules/nope/comparison');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "unknown module 'nope': the stored broker runs have modules snia, kind, elsewhere" });
    for (const query of ['threshold=abc', 'limit=-3', 'limit=2000000', 'output=label']) {
      const bad = await request(`/api/aviary/modules/snia/comparison?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const unreadable = await request('/api/aviary/modules/elsewhere/comparison');
    expect(unreadable.status).toBe(200);
    expect(unreadable.json).toMatchObject({ module: 'elsewhere', shadows: [], labelsUnavailable: 'labels file /nowhere/_labels.jsonl: no such file: give the _labels.jsonl `aviary simulate` wrote' });
    const noShadow = await request('/api/aviary/modules/kind/comparison');
    expect(noShadow.status).toBe(400);
    expect(noShadow.json.message).toMatch(/module kind has no shadow alias/);
  });
});

describe('promotion', () => {
  it('moves @champion to the version of @challenger once, then says it already points there', async () => {
    await aviary.registry.setAlias(MODEL, 'champion', '1');
    const moved = await aviaryModules('promote', 'snia', '--data-dir', dataDir);
    expect(moved).toEqual({ code: 0, stdout: 'snia: @champion moved from version 1 to version 2 (the version of @challenger)\n', stderr: '' });
    expect((await aviary.registry.getVersionByAlias(MODEL, 'champion')).version).toBe('2');
    const again = await aviaryModules('promote', 'snia', '--data-dir', dataDir, '--alias', 'challenger');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('aviary: snia: @champion already points at version 2 (the version of @challenger) (RESOURCE_CONFLICT)\n');
  });

  it('exits 1 with one line for an alias that does not exist, a module with no alias, or no shadow to pick', async () => {
    const missing = await aviaryModules('promote', 'snia', '--alias', 'contender', '--data-dir', dataDir);
    expect(missing).toMatchObject({ code: 1, stderr: `aviary: registered model '${MODEL}' has no alias @contender: nothing to promote (RESOURCE_DOES_NOT_EXIST)\n` });
    const fixed = join(work, 'fixed.yaml');
    await writeFile(fixed, `modules:\n  - name: snia\n    model: models:/${MODEL}/1\n    outputs: [snia_score]\n    shadow: [challenger]\n`);
    const noAlias = await aviaryModules('promote', 'snia', '--config', fixed, '--data-dir', dataDir);
    expect(noAlias.code).toBe(1);
    expect(noAlias.stderr).toMatch(/^aviary: module snia follows no alias .*there is no alias to move \(INVALID_PARAMETER_VALUE\)\n$/);
    const noShadow = await aviaryModules('promote', 'kind', '--data-dir', dataDir);
    expect(noShadow).toMatchObject({ code: 1, stderr: 'aviary: module kind has no shadow alias: name the alias to promote (INVALID_PARAMETER_VALUE)\n' });
  });

  it('moves the alias over REST with --tracking-uri, and through POST /api/aviary/modules/snia/promote', async () => {
    await aviary.registry.setAlias(MODEL, 'champion', '1');
    const remote = await aviaryModules('promote', 'snia', '--data-dir', dataDir, '--tracking-uri', base, '--json');
    expect(remote.stderr).toBe('');
    expect(parseExactJson(remote.stdout)).toEqual({ module: 'snia', modelName: MODEL, alias: 'champion', from: '1', to: '2' });
    await aviary.registry.setAlias(MODEL, 'champion', '3');
    const api = await request('/api/aviary/modules/snia/promote', { method: 'POST', body: JSON.stringify({ alias: 'challenger' }) });
    expect(api.status).toBe(200);
    expect(api.json).toEqual({ module: 'snia', modelName: MODEL, alias: 'champion', from: '3', to: '2' });
    expect((await aviary.registry.getVersionByAlias(MODEL, 'champion')).version).toBe('2');
    const again = await request('/api/aviary/modules/snia/promote', { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);
    expect(again.json.error_code).toBe('RESOURCE_CONFLICT');
    expect((await request('/api/aviary/modules/snia/promote', { method: 'POST', body: JSON.stringify({ alias: 7 }) })).status).toBe(400);
  });
});

describe('with --auth', () => {
  let auth: OpenedAuth;
  let secured: Server;
  let url: string;
  const admin = basic('admin', ADMIN_PW);
  const reader = basic('reader', 'reader-pw');
  const manager = basic('manager', 'manager-pw');

  beforeAll(async () => {
    auth = await openAuth(configForDataDir(dataDir).backendStoreUri, { defaultPermission: 'READ', adminUsername: 'admin', adminPassword: ADMIN_PW, publicAlerts: false, credentialCacheSeconds: 60 });
    secured = createApp(aviary, { version: 'test', auth: auth.service }, silentLogger);
    await new Promise<void>((r) => secured.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(secured.address() as AddressInfo).port}`;
    for (const [username, password] of [['reader', 'reader-pw'], ['manager', 'manager-pw']]) {
      expect((await request('/api/2.0/mlflow/users/create', { method: 'POST', headers: { Authorization: admin }, body: JSON.stringify({ username, password }) }, url)).status).toBe(200);
    }
    const grant = { name: MODEL, username: 'manager', permission: 'MANAGE' };
    expect((await request('/api/2.0/mlflow/registered-models/permissions/create', { method: 'POST', headers: { Authorization: admin }, body: JSON.stringify(grant) }, url)).status).toBe(200);
  });
  afterAll(async () => {
    await new Promise((r) => secured?.close(r));
    await auth?.close();
  });

  it('lets a reader compare but not promote; MANAGE on the registered model may promote', async () => {
    await aviary.registry.setAlias(MODEL, 'champion', '1');
    expect((await request('/api/aviary/modules/snia/comparison', {}, url)).status).toBe(401);
    expect((await request('/api/aviary/modules/snia/comparison', { headers: { Authorization: reader } }, url)).status).toBe(200);
    const post = (authorization: string) => request('/api/aviary/modules/snia/promote', { method: 'POST', headers: { Authorization: authorization }, body: JSON.stringify({ alias: 'challenger' }) }, url);
    const refused = await post(reader);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error_code: 'PERMISSION_DENIED', message: `Permission denied: MANAGE on registered model '${MODEL}' is required` });
    expect((await aviary.registry.getVersionByAlias(MODEL, 'champion')).version).toBe('1');
    const allowed = await post(manager);
    expect(allowed.status).toBe(200);
    expect(allowed.json).toMatchObject({ from: '1', to: '2' });
    expect((await aviary.registry.getVersionByAlias(MODEL, 'champion')).version).toBe('2');
  });

  it('promotes over REST with the credentials the mlflow client reads, and says MANAGE is missing', async () => {
    await aviary.registry.setAlias(MODEL, 'champion', '1');
    const as = async (username: string, password: string) => {
      Object.assign(process.env, { MLFLOW_TRACKING_USERNAME: username, MLFLOW_TRACKING_PASSWORD: password });
      try {
        return await aviaryModules('promote', 'snia', '--data-dir', dataDir, '--tracking-uri', url);
      } finally {
        delete process.env.MLFLOW_TRACKING_USERNAME;
        delete process.env.MLFLOW_TRACKING_PASSWORD;
      }
    };
    const refused = await as('reader', 'reader-pw');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`aviary: tracking server ${url}: user 'reader' may not move alias @champion of model ${MODEL} (403: Permission denied: MANAGE on registered model '${MODEL}' is required): ask an administrator for MANAGE permission on registered model '${MODEL}'\n`);
    expect(await as('manager', 'manager-pw')).toMatchObject({ code: 0, stdout: 'snia: @champion moved from version 1 to version 2 (the version of @challenger)\n' });
  });
});
