/**
 * A broker module's page in Debian's Chromium against a server and a broker run in this process:
 * a registered model `snia` whose @champion and @challenger are two real ONNX classifiers
 * (fixtures/make_shadow_models.py), the module following @champion with `shadow: [challenger]`,
 * the real alerts of ztf/fink-topics-2023. The Promote button moves @champion to the
 * challenger's version while the broker runs, and the broker swaps to it; then the page's
 * comparison equals the API's answer, a disagreement opens its alert, and a module without a
 * shadow says how to configure one.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleComparison } from '../../../src/broker/comparison/module-comparison.js';
import { parseBrokerConfig } from '../../../src/broker/config/load-broker-config.js';
import type { BrokerSummary } from '../../../src/broker/pipeline/broker-run.js';
import { noEnvironments, rawAlerts, recordingLogger, replicatedSource } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { runBroker } from '../../../src/broker/pipeline/run-broker.js';
import type { ModuleStatus } from '../../../src/broker/store/alert-store.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { prepareTestModels } from '../../../src/runtime/testing/test-models.js';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { startUiServer, type UiServer } from './ui-server.js';

const run = promisify(execFile);
/** Alerts scored before the promotion; the source waits there until the test has clicked. */
const BEFORE_PROMOTION = 200;
const WAIT_MS = 90_000;

let server: UiServer;
let browser: Browser;
let models: string;
let brokerRun: Promise<BrokerSummary> | undefined;
let released = false;
/** The broker run's log, said when a wait on it fails. */
const log = recordingLogger();

async function register(name: string, folder: string): Promise<string> {
  const path = `${name}/${folder.split('/').pop()}`;
  for (const file of await readdir(folder)) await server.aviary.artifacts.write(`${path}/${file}`, createReadStream(join(folder, file)));
  return (await server.aviary.registry.createModelVersion({ name, source: `mlflow-artifacts:/${path}`, tags: [] })).version;
}

/** Polls `check` every 200 ms until it answers something, for at most WAIT_MS. */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`waited ${WAIT_MS / 1000} s for ${what}; the broker's log:\n${log.lines.join('\n')}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function moduleStatus(name: string): Promise<ModuleStatus | undefined> {
  return (await server.aviary.alerts.runStatuses(1))[0]?.modules.find((m) => m.name === name);
}

/** A GET on the alert API, read with the exact JSON reader. */
async function aviaryApi<T>(endpoint: string): Promise<T> {
  const response = await fetch(`${server.url}/api/aviary/${endpoint}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${endpoint}: ${response.status} ${text}`);
  return parseExactJson(text) as T;
}

/**
 * The broker following models:/snia@champion with @challenger as its shadow, on the real alerts:
 * after BEFORE_PROMOTION alerts the source waits until the test has promoted, then reads slowly
 * until the run's status shows the new version scoring, then reads the rest.
 */
async function startBrokerRun(): Promise<BrokerSummary> {
  const records = await rawAlerts(561);
  const config = parseBrokerConfig(
    `batch_size: 20
follow_registry: 1s
modules:
  - name: snia
    model: models:/snia@champion
    shadow: [challenger]
    labels: {field: isdiffpos, positive: t}
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {snia_score: probabilities_1}
  - name: plain
    model: ${join(models, 'champion')}
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {plain_score: probabilities_1}
`,
    join(server.work, 'broker.yaml'),
  );
  const source = replicatedSource(records, 1, async (yielded) => {
    if (yielded === BEFORE_PROMOTION) await until('the promotion', async () => released || undefined);
    // Then a batch a second until version 2 has scored: the swap happens between batches.
    if (yielded > BEFORE_PROMOTION && yielded % 20 === 0 && !(await moduleStatus('snia'))?.versions?.some((v) => v.version === '2')) {
      await new Promise((done) => setTimeout(done, 1000));
    }
  });
  return await runBroker({ config, source, store: server.aviary.alerts, builder: noEnvironments, aviary: server.aviary, logger: log });
}

beforeAll(async () => {
  server = await startUiServer();
  models = join(server.work, 'models');
  const { environment } = await prepareTestModels();
  await run(environment.python, [join(import.meta.dirname, 'fixtures/make_shadow_models.py'), models], { maxBuffer: 1 << 24 });
  await server.aviary.registry.createRegisteredModel('snia', { tags: [] });
  expect(await register('snia', join(models, 'champion'))).toBe('1');
  expect(await register('snia', join(models, 'challenger'))).toBe('2');
  await server.aviary.registry.setAlias('snia', 'champion', '1');
  await server.aviary.registry.setAlias('snia', 'challenger', '2');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  released = true; // a failed test must not leave the run waiting
  await brokerRun?.catch(() => undefined);
  await browser?.close();
  await server?.close();
});

const fact = (page: Page, alias: string, key: string) => page.locator(`[data-testid=shadow-comparison][data-alias="${alias}"] [data-fact="${key}"]`);

describe('module page', () => {
  it("Promote moves @champion to the challenger's version and the running broker swaps to it", { timeout: 180_000 }, async () => {
    brokerRun = startBrokerRun();
    const before = await until('the shadow scoring', async () => {
      const status = await moduleStatus('snia');
      return status && status.scored >= BEFORE_PROMOTION && status.shadows?.[0]?.scored ? status : undefined;
    });
    expect(before.version).toBe('1');
    expect(before.shadows!.map((s) => [s.alias, s.version])).toEqual([['challenger', '2']]);

    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker`);
    await page.locator('[data-testid=module-row][data-module=snia] [data-col=name] a').click();
    await page.waitForURL(`${server.url}/broker/modules/snia`);
    await page.locator('[data-testid=module-status][data-version="1"]').waitFor();
    await page.getByTestId('live').waitFor();
    const shadow = page.locator('[data-testid=shadow-row][data-alias=challenger]');
    expect(await shadow.locator('[data-col=version]').textContent()).toBe('2');

    const promote = shadow.getByTestId('promote');
    expect(await promote.getByTestId('promote-button').textContent()).toBe('Promote @challenger to @champion');
    await promote.getByTestId('promote-button').click();
    expect(await promote.getByTestId('promote-confirm').textContent()).toContain('Move @champion from version 1 to the version @challenger points at (version 2 in this run)?');
    expect((await server.aviary.registry.getVersionByAlias('snia', 'champion')).version).toBe('1'); // nothing moves before the confirmation
    await promote.getByTestId('promote-yes').click();
    const promotion = promote.getByTestId('promotion');
    await promotion.waitFor();
    expect(await promotion.textContent()).toBe('@champion of snia moved from version 1 to version 2 (the version of @challenger).');
    expect((await server.aviary.registry.getVersionByAlias('snia', 'champion')).version).toBe('2');
    released = true;

    // The page follows the run: the module reports version 2, then scores with it.
    await until('the module on version 2', async () => ((await moduleStatus('snia'))?.version === '2' ? true : undefined));
    await page.locator('[data-testid=module-status][data-version="2"]').waitFor({ timeout: WAIT_MS });
    const summary = await brokerRun;
    const snia = summary.modules.find((m) => m.name === 'snia')!;
    expect(snia.versions!.map((v) => v.version)).toEqual(['1', '2']);
    expect(snia.versions![0]!.scored).toBeGreaterThanOrEqual(BEFORE_PROMOTION);
    expect(snia.versions![1]!.scored).toBeGreaterThan(0);
    expect(snia.versions![0]!.scored + snia.versions![1]!.scored).toBe(summary.alertsRead);
    const v2 = page.locator('[data-testid=module-versions] li[data-version="2"]');
    await v2.waitFor({ timeout: WAIT_MS });
    await page.locator(`[data-testid=module-versions] li[data-version="2"][data-scored="${snia.versions![1]!.scored}"]`).waitFor({ timeout: WAIT_MS });
    // The run over, the comparison is read again: its final numbers.
    const final = await aviaryApi<ModuleComparison>('modules/snia/comparison');
    await fact(page, 'challenger', 'count').and(page.locator(`[data-value="${final.shadows[0]!.count}"]`)).waitFor({ timeout: WAIT_MS });
    await screenshot(page, 'module-promoted');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows each shadow's comparison as the API has it, and refetches at another threshold", { timeout: 60_000 }, async () => {
    await brokerRun;
    const api = await aviaryApi<ModuleComparison>('modules/snia/comparison');
    expect(api.shadows.map((s) => s.alias)).toEqual(['challenger']);
    const c = api.shadows[0]!;
    // Alerts scored before the promotion differ (version 1 against 2); after it both sides are version 2.
    expect(c.count).toBeGreaterThan(500);
    expect(c.maxAbsDifference).toBeGreaterThan(0.05);
    expect(c.disagreements.length).toBeGreaterThan(0);

    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker/modules/snia`);
    const section = page.locator('[data-testid=shadow-comparison][data-alias=challenger]');
    await section.waitFor();
    for (const [key, value] of [
      ['count', c.count],
      ['agreement', c.agreement],
      ['correlation', c.correlation],
      ['mean-abs-difference', c.meanAbsDifference],
      ['max-abs-difference', c.maxAbsDifference],
    ] as const) {
      expect(Number(await fact(page, 'challenger', key).getAttribute('data-value')), key).toBe(value);
    }
    expect(await fact(page, 'challenger', 'count').locator('dd').textContent()).toBe(c.count.toLocaleString('en-US'));

    const bars = (series: string) =>
      section.locator(`[data-testid=comparison-histogram] [data-testid=histogram-bar][data-series=${series}]`).evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-count'))));
    expect(await bars('champion')).toEqual(c.histogram.champion);
    expect(await bars('shadow')).toEqual(c.histogram.shadow);
    expect(await section.getByTestId('histogram-legend').locator('li').count()).toBe(2);

    const rows = section.getByTestId('disagreement-row');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-alert-id')))).toEqual(c.disagreements.map((d) => String(d.alertId)));
    const first = c.disagreements[0]!;
    expect(Number(await rows.first().locator('[data-col=difference]').getAttribute('data-value'))).toBe(first.difference);

    const labels = c.labels!;
    expect(labels.labelled).toBe(c.count);
    for (const side of ['champion', 'shadow'] as const) {
      const metrics = labels[side];
      for (const [key, value] of [
        ['precision', metrics.precision],
        ['recall', metrics.recall],
        ['roc-auc', metrics.rocAuc],
      ] as const) {
        expect(await section.locator(`[data-testid=label-metrics] tr[data-metric="${key}"] td[data-side=${side}]`).getAttribute('data-value'), `${side} ${key}`).toBe(value === null ? '' : String(value));
      }
      const cells = await section.locator(`[data-testid=confusion][data-side=${side}] td`).evaluateAll((tds) => Object.fromEntries(tds.map((td) => [td.getAttribute('data-cell'), Number(td.textContent!.replace(/,/g, ''))])));
      expect(cells).toEqual(metrics.confusion);
    }

    const high = await aviaryApi<ModuleComparison>('modules/snia/comparison?threshold=0.8');
    expect(high.shadows[0]!.agreement).not.toBe(c.agreement);
    await page.getByTestId('threshold').fill('0.8');
    await page.waitForURL(`${server.url}/broker/modules/snia?threshold=0.8`);
    await fact(page, 'challenger', 'agreement').locator('dt', { hasText: 'Agreement at 0.8' }).waitFor();
    expect(Number(await fact(page, 'challenger', 'agreement').getAttribute('data-value'))).toBe(high.shadows[0]!.agreement);
    await screenshot(page, 'module-comparison');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a disagreement's alert page, its 64-bit id exact", async () => {
    const api = await aviaryApi<ModuleComparison>('modules/snia/comparison');
    const first = api.shadows[0]!.disagreements[0]!;
    const id = String(first.alertId);
    expect(first.alertId).toBeGreaterThan(2n ** 53n);
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker/modules/snia`);
    await page.locator(`[data-testid=disagreement-row][data-alert-id="${id}"] [data-col=alert] a`).click();
    await page.waitForURL(`${server.url}/alerts/${id}?survey=ztf`);
    expect(await page.getByTestId('alert-id').textContent()).toBe(id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says how to configure a shadow for a module without one, and offers no promotion', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker/modules/plain`);
    const empty = page.getByTestId('comparison-no-shadow');
    await empty.waitFor();
    expect(await empty.locator('pre').textContent()).toContain('  - name: plain\n');
    expect(await empty.locator('pre').textContent()).toContain('    shadow: [challenger]');
    expect(await page.getByTestId('promote').count()).toBe(0);
    expect(await page.getByTestId('shadows').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a refused swap first, with its reason, version and time, on the module page and the broker page', async () => {
    // A later run's status whose swap check refused version 3 (the check itself is the broker's, tested there).
    const [latest] = await server.aviary.alerts.runStatuses(1);
    const at = new Date().toISOString();
    const reason = "3 of 200 alerts raise in pre_processing: KeyError: 'magpsf' (candid 2481454725615015032)";
    await server.aviary.alerts.saveRunStatus({
      ...latest!,
      runId: `${latest!.runId}-refused`,
      startedAt: at,
      updatedAt: at,
      finishedAt: at,
      modules: latest!.modules.map((m) => (m.name === 'snia' ? { ...m, swapRefused: { version: '3', reason, at } } : m)),
    });
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker/modules/snia`);
    const banner = page.getByTestId('swap-refused');
    await banner.waitFor();
    expect(await banner.locator('strong').textContent()).toBe(`swap refused: ${reason}`);
    expect(await banner.getAttribute('data-version')).toBe('3');
    expect(await banner.textContent()).toContain('@champion moved to version 3');
    expect(await banner.textContent()).toContain('still scoring with version 2');
    await page.goto(`${server.url}/broker`);
    expect(await page.locator('[data-testid=module-row][data-module=snia] [data-testid=module-swap-refused]').textContent()).toBe(`swap refused: ${reason}`);
    expect(await page.locator('[data-testid=module-row][data-module=plain] [data-testid=module-swap-refused]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
