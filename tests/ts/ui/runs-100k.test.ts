/**
 * The runs page with 100,000 runs in one experiment: its first rows show within 1.5 s (the
 * acceptance bound), and scrolling deep loads further pages while the DOM keeps only the rows
 * in view. The runs are written straight into the data directory's SQLite database with the
 * rows create_run and log_batch store (bench/tracking's seeding; the mlflow client, or even the
 * TrackingService call by call, would take minutes to log this many).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVIARY_TABLES, seedSqlite } from '../../../bench/tracking/seed.js';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { startUiServer, type UiServer } from './ui-server.js';

const RUNS = 100_000;
const FIRST_ROWS_WITHIN_MS = 1500;

let server: UiServer;
let browser: Browser;
let experimentId: string;

beforeAll(async () => {
  server = await startUiServer();
  experimentId = await server.aviary.tracking.createExperiment('hundred-thousand', undefined, []);
  seedSqlite(join(server.work, 'data/aviary.db'), AVIARY_TABLES, experimentId, 0, RUNS);
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the runs page with 100,000 runs', () => {
  it('shows its first rows within 1.5 s, and keeps only the rows in view in the DOM', async () => {
    const { page, errors } = await browser.open();
    // A first visit loads the app's assets into the cache, as any visit but a user's very first would.
    await page.goto(`${server.url}/experiments`);
    await page.getByTestId('experiment-row').first().waitFor();

    const started = Date.now();
    await page.goto(`${server.url}/experiments/${experimentId}`);
    await page.locator('[data-testid=run-row]').first().waitFor();
    const elapsed = Date.now() - started;
    console.log(`first rows of ${RUNS} runs shown after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(FIRST_ROWS_WITHIN_MS);
    expect(await page.locator('[data-testid=run-row] [data-col=run_name]').first().textContent()).toBe(`run-${RUNS - 1}`);
    await screenshot(page, 'runs-100k');

    // Scrolling to the end of what is loaded asks for the next page, again and again.
    for (let i = 0; i < 3; i++) {
      const before = await page.getByTestId('runs-status').textContent();
      await page.getByTestId('virtual-rows').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.waitForFunction((text) => {
        const status = document.querySelector('[data-testid=runs-status]')?.textContent;
        return status !== text && !document.querySelector('[data-testid=progress]');
      }, before);
    }
    const status = await page.getByTestId('runs-status').textContent();
    expect(status).toBe('1600+ runs');
    // Deep in the loaded rows, only those in view (and a few around them) are in the DOM.
    await page.getByTestId('virtual-rows').evaluate((el) => el.scrollTo(0, 1200 * 30));
    await page.locator('[data-testid=run-row] [data-col=run_name]', { hasText: `run-${RUNS - 1 - 1205}` }).waitFor();
    const shown = await page.locator('[data-testid=run-row] [data-col=run_name]').allTextContents();
    expect(shown.length).toBeLessThan(80);
    const indexes = shown.map((name) => RUNS - 1 - Number(name.slice(4)));
    expect(indexes).toEqual(indexes.map((_, i) => indexes[0]! + i));
    expect(indexes[0]).toBeGreaterThan(1150);
    await screenshot(page, 'runs-100k-scrolled');
    expect(errors).toEqual([]);
    await page.close();
  });
});
