/**
 * The alert, object and alert search pages in Debian's Chromium against a server filled by a
 * real broker run (561 ZTF alerts through two ONNX modules): the alert page shows the exact id,
 * a light curve with every detection and upper limit of the API's, three cutouts drawn from
 * their FITS files (checked on pixels) and both modules' scores with their versions; the object
 * page lists its alerts; the search page lists what the API finds and shows a bad filter's error.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { fillWithBrokerRun } from './broker-fill.js';
import { startUiServer, type UiServer } from './ui-server.js';

interface LightCurve {
  lightCurve: { kind: string; id?: unknown }[];
  alerts: unknown[];
}

let server: UiServer;
let browser: Browser;
/** The chosen alert's id, cut from the raw API text (never through JSON.parse). */
let alertId: string;
let objectId: string;
let curve: LightCurve;
let alertText: string;

const getText = async (path: string) => {
  const response = await fetch(`${server.url}${path}`);
  const text = await response.text();
  return { status: response.status, text };
};

beforeAll(async () => {
  server = await startUiServer();
  await fillWithBrokerRun(server);
  browser = await launchBrowser();
  // An alert whose object's light curve has both detections and upper limits.
  const { text } = await getText('/api/aviary/alerts/search?limit=200');
  const candidates = [...text.matchAll(/"alertId":(\d+),"objectId":"([^"]+)"/g)].map((m) => [m[1]!, m[2]!] as const);
  // The richest such light curve among the first page, so the chart has much to draw.
  for (const [id, object] of candidates) {
    const found = JSON.parse((await getText(`/api/aviary/objects/${object}`)).text) as LightCurve;
    const kinds = new Set(found.lightCurve.map((p) => p.kind));
    if (kinds.has('detection') && kinds.has('upper-limit') && (!curve || found.lightCurve.length > curve.lightCurve.length)) {
      [alertId, objectId, curve] = [id, object, found];
    }
  }
  expect(alertId, 'an alert with detections and upper limits').toBeDefined();
  alertText = (await getText(`/api/aviary/alerts/${alertId}`)).text;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const count = (kind: string) => curve.lightCurve.filter((p) => p.kind === kind).length;

/** For each canvas on the page: its size, the number of distinct grey levels and their variance. */
async function canvasStats(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('.cutout canvas')].map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const levels = new Set<number>();
      let sum = 0;
      let squares = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        levels.add(data[i]!);
        sum += data[i]!;
        squares += data[i]! * data[i]!;
      }
      const mean = sum / n;
      return { kind: canvas.dataset.kind, width: canvas.width, height: canvas.height, distinct: levels.size, variance: squares / n - mean * mean };
    }),
  );
}

describe('alert pages', () => {
  it('shows an alert: exact id, light curve, three cutouts, scores with versions, raw fields', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/alerts/${alertId}`);
    await page.getByTestId('envelope').waitFor();
    // The id as the server wrote it, digit for digit (beyond 2^53, where JSON.parse would round).
    expect(BigInt(alertId) > 2n ** 53n).toBe(true);
    expect(await page.getByTestId('envelope-alert-id').textContent()).toBe(/"alertId":(\d+)/.exec(alertText)![1]);

    const chart = page.getByTestId('light-curve');
    await chart.waitFor();
    expect(Number(await chart.getAttribute('data-detections'))).toBe(count('detection'));
    expect(Number(await chart.getAttribute('data-upper-limits'))).toBe(count('upper-limit'));
    expect(await chart.locator('[data-kind=detection]').count()).toBe(count('detection'));
    expect(await chart.locator('[data-kind=upper-limit]').count()).toBe(count('upper-limit'));
    expect(await chart.getAttribute('data-y-axis')).toBe('magnitude');
    expect(await chart.getByTestId('current-point').count()).toBe(1);

    await page.waitForFunction(() => document.querySelectorAll('.cutout canvas[data-drawn]').length === 3, undefined, { timeout: 20_000 });
    const stats = await canvasStats(page);
    expect(stats.map((s) => s.kind)).toEqual(['science', 'template', 'difference']);
    for (const s of stats) {
      expect(s.width * s.height, `${s.kind} size`).toBeGreaterThan(100);
      expect(s.distinct, `${s.kind} grey levels`).toBeGreaterThan(20);
      expect(s.variance, `${s.kind} variance`).toBeGreaterThan(10);
    }

    const alert = JSON.parse(alertText) as { alert: { scores: { module: string; version: string | null; outputs: Record<string, number> }[] } };
    for (const module of ['cls', 'combo']) {
      const score = alert.alert.scores.find((s) => s.module === module)!;
      const row = page.locator(`[data-testid=score-row][data-module=${module}]`);
      expect(await row.locator('[data-col=version]').textContent()).toBe(score.version === null ? 'local folder (no version)' : `version ${score.version}`);
      const [name, value] = Object.entries(score.outputs)[0]!;
      expect(await row.locator(`[data-output=${name}] b`).textContent()).toBe(Number.isInteger(value) ? String(value) : value.toFixed(4));
    }
    expect(await page.locator('[data-testid=raw-fields] [data-field=candid] td').textContent()).toBe(alertId);
    await page.getByText('Whole payload (exact JSON)').click();
    expect(await page.locator('.payload-json').textContent()).toContain(`"candid": ${alertId}`);

    await screenshot(page, 'alert');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asinh scale redraws the cutouts', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/alerts/${alertId}?survey=ztf`);
    await page.waitForFunction(() => document.querySelectorAll('.cutout canvas[data-drawn=zscale]').length === 3, undefined, { timeout: 20_000 });
    await page.getByTestId('scale').selectOption('asinh');
    await page.waitForFunction(() => document.querySelectorAll('.cutout canvas[data-drawn=asinh]').length === 3, undefined, { timeout: 20_000 });
    for (const s of await canvasStats(page)) expect(s.distinct, `${s.kind} grey levels`).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows an object's light curve and its alerts, each linking to the alert", async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/objects/${objectId}`);
    const rows = page.locator('[data-testid=alert-row]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(curve.alerts.length);
    const chart = page.getByTestId('light-curve');
    expect(Number(await chart.getAttribute('data-detections'))).toBe(count('detection'));
    expect(Number(await chart.getAttribute('data-upper-limits'))).toBe(count('upper-limit'));
    const row = page.locator(`[data-testid=alert-row][data-alert-id="${alertId}"]`);
    expect(await row.locator('[data-col=alertId]').textContent()).toBe(alertId);
    await screenshot(page, 'object');
    await row.getByRole('link', { name: alertId }).click();
    await page.waitForURL(`${server.url}/alerts/${alertId}?survey=ztf`);
    await page.getByTestId('envelope').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches alerts with a filter, pages with next, and shows the server message for a bad filter', async () => {
    const { page, errors } = await browser.open();
    const expression = 'cls_score > 0.5';
    const api = await getText(`/api/aviary/alerts/search?limit=50&filter=${encodeURIComponent(expression)}`);
    const ids = [...api.text.matchAll(/"alertId":(\d+)/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    await page.goto(`${server.url}/alerts`);
    await page.getByTestId('filter-input').fill(expression);
    await page.getByTestId('filter-input').press('Enter');
    await page.waitForURL(`${server.url}/alerts?filter=${new URLSearchParams({ f: expression }).toString().slice(2)}`);
    await page.getByTestId('search-status').waitFor();
    const rows = page.locator('[data-testid=alert-row]');
    expect(await rows.count()).toBe(ids.length);
    expect(await page.locator('[data-testid=alert-row] [data-col=alertId]').allTextContents()).toEqual(ids);
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers).toContain('cls_score');
    expect(headers).toContain('combo_score');
    await screenshot(page, 'alerts-search');

    if (/"next":/.test(api.text)) {
      const next = /"next":"([^"]+)"/.exec(api.text)![1]!;
      const second = await getText(`/api/aviary/alerts/search?limit=50&after=${encodeURIComponent(next)}&filter=${encodeURIComponent(expression)}`);
      const secondIds = [...second.text.matchAll(/"alertId":(\d+)/g)].map((m) => m[1]);
      await page.getByRole('link', { name: 'Next page →' }).click();
      await page.waitForFunction((first) => document.querySelector('[data-testid=alert-row] [data-col=alertId]')?.textContent !== first, ids[0]);
      expect(await page.locator('[data-testid=alert-row] [data-col=alertId]').allTextContents()).toEqual(secondIds);
    }

    const bad = await getText(`/api/aviary/alerts/search?filter=${encodeURIComponent('cls_score >')}`);
    expect(bad.status).toBe(400);
    const message = (JSON.parse(bad.text) as { message: string }).message;
    await page.getByTestId('filter-input').fill('cls_score >');
    await page.getByTestId('filter-input').press('Enter');
    const shown = page.getByTestId('filter-error');
    await shown.waitFor();
    expect(await shown.textContent()).toContain(message);
    expect(message).toContain('^');
    await screenshot(page, 'alerts-search-error');
    // The failed request is the only thing the browser reports.
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/status of 400 .*\/api\/aviary\/alerts\/search/);
    await page.close();
  });

  it('opens an object from the object id box', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/alerts`);
    await page.getByTestId('object-input').fill(objectId);
    await page.getByTestId('object-input').press('Enter');
    await page.waitForURL(`${server.url}/objects/${objectId}`);
    await page.locator('[data-testid=alert-row]').first().waitFor();
    expect(await page.getByTestId('object-id').textContent()).toBe(objectId);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the API error for an unknown alert', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/alerts/1234567890123456789`);
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toContain('No stored alert with id 1234567890123456789');
    // The failed request is the only thing the browser reports.
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/status of 404 .*\/api\/aviary\/alerts\/1234567890123456789/);
    await page.close();
  });
});
