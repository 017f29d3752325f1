/**
 * `aviary broker run --metrics-port` as a real process over the real alerts of ../shared/data
 * (no module: the run is about reading and storing):
 * - /metrics scraped as fast as it answers, from the moment its address is said on stderr until
 *   the port closes with the run: every scrape is valid text, alerts_read only grows and is seen
 *   mid-run;
 * - a run held after its first 50 alerts by a FIFO no one writes yet (the next source) answers
 *   exactly 50 alerts read and stored, then ends once the FIFO is opened;
 * - a bad --metrics-port (not a number, in use) exits 1 with one line naming it.
 */
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { parsePrometheusText, type ParsedMetrics } from '../../../src/common/metrics/testing/parse-prometheus-text.js';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';
import { dataPath } from './shared-data.js';

let work: string;
let config: string;

const SOURCES = [dataPath('ztf'), dataPath('rubin'), dataPath('parquet')];
const brokerRun = (dataDir: string, ...extra: string[]) => ['broker', 'run', '--config', config, '--source', ...SOURCES, '--data-dir', join(work, dataDir), ...extra];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-broker-metrics-'));
  config = join(work, 'broker.yaml');
  await writeFile(config, 'batch_size: 50\nmodules: []\nfilters: []\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** Scrapes `url` back to back until it stops answering (the run closed its endpoint). */
async function scrapeUntilClosed(url: string): Promise<ParsedMetrics[]> {
  const scrapes: ParsedMetrics[] = [];
  for (;;) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url);
      text = await response.text();
    } catch {
      return scrapes;
    }
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    scrapes.push(parsePrometheusText(text));
  }
}

/** The first scrape that `done` accepts. */
async function scrapeUntil(url: string, done: (metrics: ParsedMetrics) => boolean): Promise<ParsedMetrics> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((settle) => setTimeout(settle, 20))) {
    const metrics = parsePrometheusText(await (await fetch(url)).text());
    if (done(metrics)) return metrics;
  }
  throw new Error(`${url} never showed what was waited for`);
}

/** The promise `get` gives once it gives one (set by a callback that has not run yet). */
async function waitFor<T>(get: () => Promise<T> | undefined): Promise<T> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((settle) => setTimeout(settle, 20))) {
    const promise = get();
    if (promise) return promise;
  }
  throw new Error('timed out');
}

describe('aviary broker run --metrics-port', () => {
  it('serves the running broker at the address it says, alerts_read growing as alerts are read', async () => {
    let scraping: Promise<ParsedMetrics[]> | undefined;
    let url: string | undefined;
    const result = await runCliProcess(brokerRun('run', '--metrics-port', '0', '--json'), {
      onStderr: (soFar) => {
        url ??= /^metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)$/m.exec(soFar)?.[1];
        if (url && !scraping) scraping = scrapeUntilClosed(url);
      },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(url).toBeDefined();
    const scrapes = await scraping!;
    const summary = parseExactJson(result.stdout) as { alertsRead: number; alertsStored: number };
    expect(summary.alertsRead).toBeGreaterThan(800);

    const read = scrapes.map((s) => s.value('aviary_broker_alerts_read_total'));
    expect(read.length).toBeGreaterThan(1);
    expect(read.some((n) => n > 0 && n < summary.alertsRead), `no scrape while alerts were flowing: ${read.join(',')}`).toBe(true);
    read.forEach((n, i) => expect(n).toBeGreaterThanOrEqual(read[i - 1] ?? 0));
    expect(read.at(-1)).toBeLessThanOrEqual(summary.alertsRead);
    for (const s of scrapes) {
      expect(s.value('aviary_broker_alerts_stored_total')).toBeLessThanOrEqual(s.value('aviary_broker_alerts_read_total'));
      expect(s.value('aviary_broker_batches_in_flight')).toBeLessThanOrEqual(s.value('aviary_broker_batches_in_flight_limit'));
      expect(s.value('aviary_process_resident_memory_bytes')).toBeGreaterThan(0);
    }
    // The port closed with the run.
    await expect(fetch(url!)).rejects.toThrow();
  }, 180_000);

  it('answers exactly the alerts read while the run waits on its source, and closes when the run ends', async () => {
    const fifo = join(work, 'held.jsonl');
    await promisify(execFile)('mkfifo', [fifo]);
    await writeFile(join(work, 'one-by-one.yaml'), 'batch_size: 1\nmodules: []\nfilters: []\n');
    let url: string | undefined;
    let held: Promise<ParsedMetrics> | undefined;
    const args = ['broker', 'run', '--config', join(work, 'one-by-one.yaml'), '--source', dataPath('ztf/raw-2020'), fifo, '--data-dir', join(work, 'held'), '--metrics-port', '0', '--json'];
    const running = runCliProcess(args, {
      onStderr: (soFar) => {
        url ??= /^metrics at (\S+)$/m.exec(soFar)?.[1];
        if (url && !held) held = scrapeUntil(url, (m) => m.value('aviary_broker_alerts_stored_total') === 50);
      },
    });
    // The run now waits to open the FIFO: nothing moves until it is opened.
    const first = await waitFor(() => held);
    await new Promise((settle) => setTimeout(settle, 300));
    const again = parsePrometheusText(await (await fetch(url!)).text());
    for (const metrics of [first, again]) {
      expect(metrics.value('aviary_broker_alerts_read_total')).toBe(50);
      expect(metrics.value('aviary_broker_alerts_stored_total')).toBe(50);
      expect(metrics.value('aviary_broker_batches_in_flight')).toBe(0);
      expect(metrics.value('aviary_broker_alert_latency_seconds_count')).toBe(50);
      expect(metrics.value('aviary_broker_source_dead_letters_total')).toBe(0);
    }
    // Opened and closed with nothing written: a FIFO cannot be read as a file, so it becomes a dead letter and the run ends.
    await (await open(fifo, 'w')).close();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(parseExactJson(result.stdout)).toMatchObject({ alertsRead: 50, alertsStored: 50, sourceDeadLetters: 1 });
    await expect(fetch(url!)).rejects.toThrow();
  }, 120_000);

  it.each([
    ['not a number', 'abc', 'aviary: --metrics-port abc: expected a port number from 0 to 65535'],
    ['out of range', '70000', 'aviary: --metrics-port 70000: expected a port number from 0 to 65535'],
  ])('exits 1 with one line for a port %s', async (_, port, line) => {
    const result = await runCliProcess(brokerRun('bad-port', '--metrics-port', port));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('exits 1 with one line naming the address when the port is in use, and says so in --json', async () => {
    const taken: Server = createServer();
    await new Promise<void>((ready) => taken.listen(0, '127.0.0.1', ready));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runCliProcess(brokerRun('in-use', '--metrics-port', String(port), '--json'));
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`aviary: --metrics-port ${port}: 127.0.0.1:${port} is already in use\n`);
      expect(JSON.parse(result.stdout)).toEqual({ error: `--metrics-port ${port}: 127.0.0.1:${port} is already in use` });
    } finally {
      await new Promise((done) => taken.close(done));
    }
  }, 60_000);

  it('refuses --metrics-host without --metrics-port', async () => {
    const result = await runCliProcess(brokerRun('host-only', '--metrics-host', '0.0.0.0'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('aviary: --metrics-host needs --metrics-port\n');
  }, 60_000);
});
