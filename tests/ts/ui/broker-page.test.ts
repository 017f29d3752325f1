/**
 * The broker page in Debian's Chromium against a server whose alert store holds a real broker
 * run (561 real ZTF alerts through two ONNX modules): modules, filters, score histograms and
 * dead letters as the REST API has them, exact alert ids, and the page following a second run
 * live, from a slowed source, until it finishes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrokerSummary } from '../../../src/broker/pipeline/broker-run.js';
import { rawAlerts, replicatedSource } from '../../../src/broker/pipeline/pipeline-test-support.js';
import type { BrokerRunStatus, ScoreHistogram, StoredDeadLetter } from '../../../src/broker/store/alert-store.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { fillWithBrokerRun } from './broker-fill.js';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { startUiServer, type UiServer } from './ui-server.js';

let server: UiServer;
let browser: Browser;
let first: BrokerSummary;

beforeAll(async () => {
  server = await startUiServer();
  first = await fillWithBrokerRun(server);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A GET on the alert API, read with the exact JSON reader. */
async function aviaryApi<T>(endpoint: string): Promise<T> {
  const response = await fetch(`${server.url}/api/aviary/${endpoint}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${endpoint}: ${response.status} ${text}`);
  return parseExactJson(text) as T;
}

const fact = (page: Page, key: string) => page.locator(`[data-testid=run-summary] [data-fact="${key}"] dd`).textContent();
const moduleCell = (page: Page, module: string, col: string) => page.locator(`[data-testid=module-row][data-module="${module}"] [data-col="${col}"]`).textContent();
const digits = (text: string | null) => Number((text ?? '').replace(/,/g, ''));

/** The same modules as the first run, from a source that pauses between batches, in batches of 20. */
async function slowBrokerRun(): Promise<BrokerSummary> {
  const records = await rawAlerts(561);
  const pause = (yielded: number) => (yielded % 20 === 0 ? new Promise<void>((done) => setTimeout(done, 350)) : undefined);
  return fillWithBrokerRun(server, { source: replicatedSource(records, 1, pause), batchSize: 20, label: 'live' });
}

describe('broker page', () => {
  it("shows the latest run's modules, filters, score histograms and dead letters as the API has them", async () => {
    const { runs } = await aviaryApi<{ runs: BrokerRunStatus[] }>('broker/runs');
    const run = runs[0]!;
    expect(run).toMatchObject({ runId: first.runId, state: 'finished', alertsRead: 561 });
    // The topics repeat a few alerts: the store keeps one row per alert id.
    const stored = await server.aviary.alerts.countAlerts();
    expect(stored).toBeGreaterThan(500);
    expect(stored).toBeLessThanOrEqual(run.alertsStored);
    expect((await aviaryApi<{ dead_letters: StoredDeadLetter[] }>('dead-letters')).dead_letters).toEqual([]);

    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker`);
    await page.locator('[data-testid=run-summary][data-state=finished]').waitFor();
    expect(await page.getByTestId('run-state').textContent()).toBe('finished');
    expect(await page.getByTestId('run-summary').getAttribute('data-run-id')).toBe(first.runId);
    expect(digits(await fact(page, 'alerts-read'))).toBe(561);
    expect(digits(await fact(page, 'alerts-stored'))).toBe(run.alertsStored);
    expect(await fact(page, 'latency')).toMatch(/^[\d.]+ ms \/ [\d.]+ ms$/);
    expect(await page.getByTestId('live').count()).toBe(0);

    expect(await page.locator('[data-testid=module-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-module')))).toEqual(['cls', 'combo']);
    for (const m of run.modules) {
      expect(await moduleCell(page, m.name, 'state')).toBe('ready');
      expect(await page.locator(`[data-testid=module-row][data-module="${m.name}"] .module-state-ready`).count()).toBe(1);
      expect(digits(await moduleCell(page, m.name, 'scored'))).toBe(m.scored);
      expect(m.scored).toBe(561);
      expect(await moduleCell(page, m.name, 'version')).toBe(m.version ?? '—');
      expect(await moduleCell(page, m.name, 'model')).toBe(m.modelName);
    }

    const likely = page.locator('[data-testid=filter-row][data-filter=likely]');
    const matched = run.filters.find((f) => f.name === 'likely')!.matched;
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(561);
    expect(digits(await likely.locator('[data-col=matched]').textContent())).toBe(matched);
    expect(await likely.locator('[data-col=output]').textContent()).toBe(join(server.work, 'out/likely.jsonl'));

    const { histograms } = await aviaryApi<{ histograms: ScoreHistogram[] }>('broker/score-histograms?bins=20');
    expect(histograms.map((h) => `${h.module}/${h.output}`)).toEqual(['cls/cls_score', 'combo/combo_score']);
    for (const h of histograms) {
      const chart = page.locator(`[data-testid=histogram][data-module="${h.module}"][data-output="${h.output}"]`);
      const counts = await chart.locator('[data-testid=histogram-bar]').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
      expect(counts).toHaveLength(20);
      expect(counts).toEqual(h.counts);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(stored);
      if (h.min === h.max) {
        // The test classifier gives every alert the same probability: one value, said so.
        expect(counts[0]).toBe(stored);
        expect(await chart.getByTestId('histogram-constant').textContent()).toBe(`every value is ${h.min}`);
      } else {
        expect(counts.filter((c) => c > 0).length, JSON.stringify(h)).toBeGreaterThan(1);
        expect(await chart.getByTestId('histogram-min').textContent()).not.toBe(await chart.getByTestId('histogram-max').textContent());
      }
    }
    expect(histograms.filter((h) => h.min < h.max).map((h) => h.output)).toContain('combo_score');
    expect((await aviaryApi<{ histograms: ScoreHistogram[] }>('broker/score-histograms?bins=5&module=combo')).histograms.map((h) => h.counts.length)).toEqual([5]);
    const bad = await fetch(`${server.url}/api/aviary/broker/score-histograms?bins=500`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('bins 500: expected an integer from 1 to 200');

    expect(await page.getByTestId('dead-letters-empty').textContent()).toContain('No dead letters');
    await screenshot(page, 'broker');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists a dead letter with its reason and exact alert id, filtered by module at its own URL', async () => {
    const stored = (await server.aviary.alerts.searchAlerts({ limit: 1 })).alerts[0]!;
    expect(stored.alertId).toBeGreaterThan(2n ** 53n);
    const id = String(stored.alertId);
    expect(String(Number(id))).not.toBe(id); // a JS number would round it
    await server.aviary.alerts.writeModuleDeadLetters([
      { module: 'combo', survey: 'ztf', alertId: stored.alertId, objectId: stored.objectId, stage: 'predict', reason: 'ValueError: fwhm is NaN', model: 'onnx-zipmap', version: null },
    ]);
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker`);
    const row = page.getByTestId('dead-letter-row');
    await row.waitFor();
    expect(await row.locator('[data-col=alert]').textContent()).toBe(id);
    expect(await row.locator('[data-col=alert] a').getAttribute('href')).toBe(`/alerts/${id}?survey=ztf`);
    expect(await row.locator('[data-col=reason]').textContent()).toBe('ValueError: fwhm is NaN');
    expect(await row.locator('[data-col=stage]').textContent()).toBe('predict');
    expect(await row.locator('[data-col=where]').textContent()).toContain('combo');

    await page.getByTestId('dead-letter-module').selectOption('cls');
    await page.waitForURL(`${server.url}/broker?module=cls`);
    await page.getByTestId('dead-letters-empty').waitFor();
    expect(await page.getByTestId('dead-letters-empty').textContent()).toBe('No dead letters of module cls.');
    await page.goto(`${server.url}/broker?module=combo`);
    await page.getByTestId('dead-letter-row').waitFor();
    expect(await page.getByTestId('dead-letter-row').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the server's error when a read fails", async () => {
    const { page, errors } = await browser.open();
    await page.route('**/api/aviary/broker/score-histograms*', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'the alert store is locked' }) }),
    );
    await page.goto(`${server.url}/broker`);
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toBe('INTERNAL_ERROR (500): the alert store is locked');
    expect(errors.filter((e) => !e.includes('status of 500'))).toEqual([]);
    await page.close();
  });

  it('follows a running broker live, every 2 s, and stops when it finishes', async () => {
    const running = slowBrokerRun();
    running.catch(() => undefined);
    let second: BrokerRunStatus | undefined;
    for (let i = 0; i < 200 && !second; i++) {
      const { runs } = await aviaryApi<{ runs: BrokerRunStatus[] }>('broker/runs');
      if (runs[0]!.runId !== first.runId && runs[0]!.state === 'running') second = runs[0];
      else await new Promise((done) => setTimeout(done, 100));
    }
    expect(second).toBeDefined();

    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker`);
    await page.getByTestId('live').waitFor();
    expect(await page.getByTestId('live').textContent()).toMatch(/^live · updated \d/);
    expect(await page.getByTestId('run-summary').getAttribute('data-run-id')).toBe(second!.runId);
    expect(await page.getByTestId('run-state').textContent()).toBe('running');
    const seenRead = [digits(await fact(page, 'alerts-read'))];
    await page.waitForFunction(
      (before) => Number(document.querySelector('[data-fact="alerts-read"] dd')?.textContent?.replace(/,/g, '')) > before,
      seenRead[0]!,
      { timeout: 20_000 },
    );
    seenRead.push(digits(await fact(page, 'alerts-read')));
    expect(seenRead[1]!).toBeLessThan(561);
    await screenshot(page, 'broker-live');
    // Earlier runs stay reachable from the picker.
    expect(await page.getByTestId('run-picker').locator('option').count()).toBe(2);

    const summary = await running;
    await page.locator('[data-testid=run-summary][data-state=finished]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('live').count()).toBe(0);
    expect(digits(await fact(page, 'alerts-read'))).toBe(summary.alertsRead);
    expect(summary.alertsRead).toBe(561);
    const matched = summary.filters.find((f) => f.name === 'likely')!.matched;
    expect(digits(await page.locator('[data-testid=filter-row][data-filter=likely] [data-col=matched]').textContent())).toBe(matched);
    // No more reads once finished.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.waitForTimeout(4500);
    expect(requests.filter((u) => u.includes('/api/aviary/'))).toEqual([]);

    await page.getByTestId('run-picker').selectOption(first.runId);
    await page.waitForURL(`${server.url}/broker?run=${first.runId}`);
    await page.locator(`[data-testid=run-summary][data-run-id="${first.runId}"]`).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
