/**
 * The run page and run comparison in Debian's Chromium against an Aviary server filled by the
 * real mlflow client (fixtures/fill_runs.py): params, tags, metric values and their charted
 * histories, datasets, the logged and registered model, the artifacts browser's previews, and
 * two runs compared from the runs table.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { REPO, startUiServer, type UiServer } from './ui-server.js';

const run = promisify(execFile);

interface Filled {
  experiment_id: string;
  rich_run: string;
  other_run: string;
  model_id: string;
  registered_model: string;
  loss_steps: number;
  other_steps: number;
  notes: string;
}

/** Runs fixtures/fill_runs.py with tests/python's environment (the real mlflow client) against the server. */
async function fillRuns(server: UiServer): Promise<Filled> {
  const summary = join(server.work, 'filled-runs.json');
  const env = await run('bash', [join(REPO, 'scripts/python-env.sh'), join(REPO, 'tests/python/requirements.txt')], { maxBuffer: 1 << 24 });
  await run(join(env.stdout.trim(), 'bin/python'), [join(import.meta.dirname, 'fixtures/fill_runs.py'), summary], {
    env: { ...process.env, MLFLOW_TRACKING_URI: server.url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' },
    maxBuffer: 1 << 24,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`fill_runs.py failed: ${err.message}\n${err.stderr ?? ''}`);
  });
  return JSON.parse(await readFile(summary, 'utf8')) as Filled;
}

let server: UiServer;
let browser: Browser;
let filled: Filled;

beforeAll(async () => {
  server = await startUiServer();
  filled = await fillRuns(server);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const runUrl = () => `${server.url}/experiments/${filled.experiment_id}/runs/${filled.rich_run}`;

describe('run page', () => {
  it("shows a run's header, params, tags, metrics with charted histories, dataset and logged model", async () => {
    const { page, errors } = await browser.open();
    await page.goto(runUrl());
    await page.getByTestId('run-name').waitFor();
    expect(await page.getByTestId('run-name').textContent()).toBe('rich-run');
    expect(await page.getByTestId('run-status').textContent()).toBe('FINISHED');
    expect(await page.getByTestId('run-run-id').textContent()).toBe(filled.rich_run);
    expect(await page.getByTestId('run-source').textContent()).toMatch(/fill_runs\.py$/);
    expect(await page.getByTestId('run-duration').textContent()).toMatch(/\d s$/);

    const value = (table: string, key: string) => page.locator(`[data-testid=${table}] tr[data-key="${key}"] td`).last().textContent();
    expect(await value('params', 'optimizer')).toBe('adam');
    expect(await value('params', 'batch_size')).toBe('64');
    expect(await value('tags', 'survey')).toBe('ztf');
    expect(await value('tags', 'stage')).toBe('candidate');
    const loss = page.locator('[data-testid=metrics] tr[data-key=loss]');
    expect(await loss.locator('[data-col=value]').textContent()).toBe('0.04');
    expect(await loss.locator('[data-col=step]').textContent()).toBe(String(filled.loss_steps - 1));

    // Both metrics are charted by default, each with one point per logged step.
    const lossSeries = page.locator('[data-testid=metric-chart][data-metric=loss] [data-testid=chart-series]');
    await lossSeries.waitFor();
    expect(await lossSeries.getAttribute('data-points')).toBe(String(filled.loss_steps));
    expect(await lossSeries.locator('circle').count()).toBe(filled.loss_steps);
    const lrSeries = page.locator('[data-testid=metric-chart][data-metric=lr] [data-testid=chart-series]');
    await lrSeries.waitFor();
    expect(await lrSeries.getAttribute('data-points')).toBe('10');

    // Unticking a metric removes its chart, and the choice is in the URL.
    await page.getByLabel('Chart lr').uncheck();
    await page.locator('[data-testid=metric-chart][data-metric=lr]').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('metrics')).toBe('loss');
    await page.reload();
    await lossSeries.waitFor();
    expect(await page.locator('[data-testid=metric-chart]').count()).toBe(1);

    const dataset = page.getByTestId('dataset-row');
    expect(await dataset.locator('td').allTextContents()).toEqual(['sn-train', expect.stringMatching(/^\w+$/), 's3: s3://survey/sn-train.parquet', 'training']);
    const model = page.getByTestId('logged-model-row');
    await model.waitFor();
    expect(await model.textContent()).toContain(filled.model_id);
    await model.getByRole('link', { name: `${filled.registered_model} v1` }).waitFor();
    expect(await model.getByRole('link').getAttribute('href')).toBe(`/models/${filled.registered_model}`);
    await screenshot(page, 'run');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('browses the artifacts and previews text, a CSV as a table, and an image', async () => {
    const { page, errors } = await browser.open();
    await page.goto(runUrl());
    const entries = page.getByTestId('artifact-entry');
    await entries.first().waitFor();
    // Folders first, then files, each by name.
    expect(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual(['data', 'plots', 'notes.txt']);
    expect(await page.locator('[data-testid=artifact-entry][data-path="notes.txt"] .size').textContent()).toBe(`${Buffer.byteLength(filled.notes)} B`);

    await page.locator('[data-testid=artifact-entry][data-path="notes.txt"] button').click();
    await page.getByTestId('artifact-text').waitFor();
    expect(await page.getByTestId('artifact-text').textContent()).toBe(filled.notes);
    expect(new URL(page.url()).searchParams.get('file')).toBe('notes.txt');

    await page.locator('[data-testid=artifact-entry][data-path="data"] button').click();
    await page.locator('[data-testid=artifact-entry][data-path="data/table.csv"] button').click();
    const table = page.getByTestId('artifact-table');
    await table.waitFor();
    expect(await table.locator('th').allTextContents()).toEqual(['band', 'mag', 'error']);
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(await table.locator('tbody tr').nth(1).locator('td').nth(1).textContent()).toBe('18.02');

    await page.getByTestId('artifact-path').getByRole('button', { name: 'artifacts' }).click();
    await page.locator('[data-testid=artifact-entry][data-path="plots"] button').click();
    await page.locator('[data-testid=artifact-entry][data-path="plots/dot.png"] button').click();
    const image = page.getByTestId('artifact-image');
    await image.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid=artifact-image]') as HTMLImageElement | null)?.complete === true);
    expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([8, 4]);
    // The view of an artifact has its own URL.
    expect(new URL(page.url()).searchParams.get('dir')).toBe('plots');
    await page.reload();
    await page.getByTestId('artifact-image').waitFor();
    await screenshot(page, 'run-artifacts');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the server's error for an unknown run", async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/experiments/${filled.experiment_id}/runs/0123456789abcdef0123456789abcdef`);
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toMatch(/RESOURCE_DOES_NOT_EXIST \(404\)/);
    for (const error of errors) expect(error).toMatch(/status of 404/);
    await page.close();
  });
});

describe('run comparison', () => {
  it('compares runs ticked in the runs table: params side by side and histories overlaid', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/experiments/${filled.experiment_id}`);
    const row = (id: string) => page.locator(`[data-testid=run-row][data-run-id="${id}"]`);
    await row(filled.rich_run).waitFor();
    expect(await page.getByTestId('compare-runs').isDisabled()).toBe(true);
    await row(filled.rich_run).getByTestId('run-select').check();
    await row(filled.other_run).getByTestId('run-select').check();
    await page.getByTestId('compare-runs').click();
    await page.waitForURL(`${server.url}/experiments/${filled.experiment_id}/compare?runs=${filled.rich_run}%2C${filled.other_run}`);

    const params = page.getByTestId('compare-params');
    await params.waitFor();
    expect(await params.locator('thead th').allTextContents()).toEqual(['Parameter', 'rich-run', 'other-run']);
    const optimizer = params.locator('tr[data-key=optimizer]');
    expect(await optimizer.locator('td').allTextContents()).toEqual(['adam', 'sgd']);
    expect(await optimizer.getAttribute('data-differs')).toBe('true');
    expect(await params.locator('tr[data-key=batch_size]').getAttribute('data-differs')).toBe('false');
    const lossRow = page.locator('[data-testid=compare-metrics] tr[data-key=loss] td[data-run-id]');
    expect(await lossRow.allTextContents()).toEqual(['0.04', '0.15']);

    const series = page.locator('[data-testid=metric-chart][data-metric=loss] [data-testid=chart-series]');
    await series.nth(1).waitFor();
    expect(await series.evaluateAll((els) => els.map((e) => [e.getAttribute('data-series'), e.getAttribute('data-points')]))).toEqual([
      ['rich-run', String(filled.loss_steps)],
      ['other-run', String(filled.other_steps)],
    ]);
    expect(await page.locator('[data-testid=metric-chart][data-metric=loss] [data-testid=chart-legend] li').allTextContents()).toEqual(['rich-run', 'other-run']);
    await screenshot(page, 'compare');

    // Run names link back to each run's page.
    await page.getByTestId('compared-runs').getByRole('link', { name: 'other-run' }).click();
    await page.waitForURL(`${server.url}/experiments/${filled.experiment_id}/runs/${filled.other_run}`);
    await page.getByTestId('run-name').getByText('other-run').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
