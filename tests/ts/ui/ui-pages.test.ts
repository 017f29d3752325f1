/**
 * The web UI in Debian's Chromium against an Aviary server filled by the real mlflow client:
 * every page renders its data, the runs table sorts and filters through the API (and shows the
 * server's error for a bad filter), and moving an alias in the UI moves it on the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { api, fillWithMlflowClient, startUiServer, type UiServer } from './ui-server.js';

interface Filled {
  experiment_id: string;
  runs: { run_id: string; name: string; accuracy: number }[];
  model: string;
}

let server: UiServer;
let browser: Browser;
let filled: Filled;

beforeAll(async () => {
  server = await startUiServer();
  filled = await fillWithMlflowClient<Filled>(server);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const runNames = (page: Page) => page.locator('[data-testid=run-row] [data-col=run_name]').allTextContents();
const names = (order: number[]) => order.map((i) => `run-${String(i).padStart(2, '0')}`);

/** Waits until the runs table shows exactly `expected` (names, in order). */
async function expectRuns(page: Page, expected: string[]): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const shown = [...document.querySelectorAll('[data-testid=run-row] [data-col=run_name]')].map((e) => e.textContent);
      return JSON.stringify(shown) === JSON.stringify(want) && !document.querySelector('[data-testid=progress]');
    },
    expected,
    { timeout: 15_000 },
  ).catch(async () => {
    throw new Error(`runs table shows ${JSON.stringify(await runNames(page))}, expected ${JSON.stringify(expected)}`);
  });
}

describe('web UI pages', () => {
  it('lists the experiments and opens one at its own URL', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/`);
    const rows = page.locator('[data-testid=experiment-row]');
    await rows.filter({ hasText: 'ui-galaxies' }).waitFor();
    const text = await page.locator('[data-testid=experiments]').textContent();
    expect(text).toContain('ui-other');
    expect(text).toContain('Default');
    await screenshot(page, 'experiments');
    await rows.filter({ hasText: 'ui-galaxies' }).getByRole('link').click();
    await page.waitForURL(`${server.url}/experiments/${filled.experiment_id}`);
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    expect(await page.getByTestId('experiment-name').textContent()).toBe('ui-galaxies');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows an experiment's runs with their source, dataset, metrics and params", async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/experiments/${filled.experiment_id}`);
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers.map((h) => h.replace(/ [↓↑]$/, ''))).toEqual(['Run name', 'Status', 'Created', 'Source', 'Dataset', 'accuracy', 'val_loss', 'depth', 'model']);
    const first = page.locator(`[data-testid=run-row][data-run-id="${filled.runs[11]!.run_id}"]`);
    const cell = (col: string) => first.locator(`[data-col="${col}"]`).textContent();
    expect(await cell('status')).toBe('FINISHED');
    expect(await cell('source')).toBe('fill_server.py');
    expect(await cell('dataset')).toMatch(/^ztf-train \(\w+\)$/);
    expect(await cell('metrics.accuracy')).toBe('0.94');
    expect(await cell('params.model')).toBe('boosted');
    expect(await cell('params.depth')).toBe('13');
    await screenshot(page, 'runs');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sorts the runs by a clicked header, descending then ascending, through order_by', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/experiments/${filled.experiment_id}`);
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    await page.getByTestId('header-metrics.val_loss').click();
    await expectRuns(page, names([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    expect(new URL(page.url()).searchParams.get('order')).toBe('metrics.`val_loss` DESC');
    await page.getByTestId('header-metrics.val_loss').click();
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    await page.getByTestId('header-params.model').click();
    // params are strings: logistic (1, 4, 7, 10), forest (0, 3, 6, 9), boosted (2, 5, 8, 11) when descending
    await page.waitForFunction(() => new URL(location.href).searchParams.get('order') === 'params.`model` DESC');
    await expectRuns(page, await runNames(page));
    const models = await page.locator('[data-testid=run-row] [data-col="params.model"]').allTextContents();
    expect(models).toEqual([...Array(4).fill('logistic'), ...Array(4).fill('forest'), ...Array(4).fill('boosted')]);
    // The sorted view has a stable URL: loading it again shows the same order.
    await page.getByTestId('header-run_name').click();
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    await page.getByTestId('header-run_name').click();
    await expectRuns(page, names([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    await page.reload();
    await expectRuns(page, names([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    await screenshot(page, 'runs-sorted');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters the runs with the search grammar, and chooses columns', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/experiments/${filled.experiment_id}`);
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    await page.getByTestId('run-filter').fill("params.model = 'forest' and metrics.accuracy > 0.6");
    await page.getByTestId('run-filter').press('Enter');
    await expectRuns(page, names([9, 6, 3]));
    expect(new URL(page.url()).searchParams.get('filter')).toBe("params.model = 'forest' and metrics.accuracy > 0.6");

    await page.getByTestId('column-chooser').locator('summary').click();
    await page.getByLabel('params.depth').uncheck();
    await page.getByTestId('header-params.depth').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('columns')).toBe('metrics.accuracy,metrics.val_loss,params.model');
    await page.getByTestId('column-chooser').locator('summary').click();
    await screenshot(page, 'runs-filtered');

    await page.reload();
    await expectRuns(page, names([9, 6, 3]));
    expect(await page.getByTestId('header-params.depth').count()).toBe(0);
    expect(await page.getByTestId('run-filter').inputValue()).toBe("params.model = 'forest' and metrics.accuracy > 0.6");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the server's own error for a filter it cannot parse, under the filter box", async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/experiments/${filled.experiment_id}`);
    await expectRuns(page, names([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    const bad = 'metrics.accuracy >>> 0.5';
    const served = await fetch(`${server.url}/api/2.0/mlflow/runs/search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [filled.experiment_id], filter: bad }),
    });
    expect(served.status).toBe(400);
    const { error_code, message } = (await served.json()) as { error_code: string; message: string };
    await page.getByTestId('run-filter').fill(bad);
    await page.getByTestId('run-filter').press('Enter');
    const shown = page.getByTestId('filter-error');
    await shown.waitFor();
    expect(await shown.textContent()).toBe(`${error_code} (400): ${message}`);
    await screenshot(page, 'runs-filter-error');
    // The failed request is the only thing the browser reports.
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/status of 400 .*\/api\/2\.0\/mlflow\/runs\/search/);
    await page.close();
  });

  it('lists the registered models with their latest and aliased versions, creator and tags', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/models`);
    const row = page.locator('[data-testid=model-row]').filter({ hasText: filled.model });
    await row.waitFor();
    expect(await page.locator('[data-testid=model-row]').count()).toBe(2);
    expect(await row.locator('[data-col=latest]').textContent()).toBe('Version 3');
    expect(await row.locator('[data-col=aliases] .alias').allTextContents()).toEqual(['@challenger: Version 3', '@champion: Version 2']);
    expect(await row.textContent()).toContain('team: transients');
    await screenshot(page, 'models');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a model's versions with their source runs, and moves, deletes and sets aliases", async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/models`);
    await page.getByRole('link', { name: filled.model }).click();
    await page.waitForURL(`${server.url}/models/${filled.model}`);
    const versions = page.locator('[data-testid=version-row]');
    await versions.first().waitFor();
    expect(await versions.locator('td:first-child').allTextContents()).toEqual(['Version 3', 'Version 2', 'Version 1']);
    expect(await versions.locator('[data-col=run]').allTextContents()).toEqual(['run-11', 'run-10', 'run-09']);
    expect(await page.getByTestId('model-tags').textContent()).toContain('team: transients');
    await screenshot(page, 'model');

    const alias = async (name: string) => api<{ model_version: { version: string } }>(server.url, 'GET', 'registered-models/alias', { name: filled.model, alias: name });
    const champion = page.getByTestId('alias-champion');
    await champion.getByRole('combobox').selectOption('3');
    await champion.getByRole('button', { name: 'Move' }).click();
    await champion.getByText('@champion: Version 3').waitFor();
    expect((await alias('champion')).model_version.version).toBe('3');

    await page.getByTestId('alias-challenger').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('alias-challenger').waitFor({ state: 'detached' });
    await expect(alias('challenger')).rejects.toThrow(/alias challenger not found/);

    await page.getByLabel('New alias', { exact: true }).fill('staging');
    await page.getByLabel('Version for the new alias').selectOption('1');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.getByTestId('alias-staging').waitFor();
    expect((await alias('staging')).model_version.version).toBe('1');
    await screenshot(page, 'model-aliases-moved');

    // A source run links to its experiment's runs, filtered to it.
    await versions.locator('[data-col=run]').getByRole('link', { name: 'run-10' }).click();
    await expectRuns(page, ['run-10']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('answers an unknown page with the app, and an unknown API path with the API error', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/no/such/page`);
    await page.getByRole('alert').getByText('No page at /no/such/page.').waitFor();
    const apiMiss = await fetch(`${server.url}/api/2.0/mlflow/no-such-endpoint`);
    expect(apiMiss.status).toBe(404);
    expect(((await apiMiss.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(errors).toEqual([]);
    await page.close();
  });
});
