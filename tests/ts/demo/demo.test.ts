/**
 * `aviary demo` end to end, in this process: real training environments (cached by content),
 * the real mlflow client training and registering the three modules against the demo's server,
 * simulated alerts replayed through the broker. Then a second demo on the same data directory:
 * it must find the champions, skip training, and store no alert twice.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBrokerConfig } from '../../../src/broker/config/load-broker-config.js';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';
import { silentLogger } from '../../../src/common/logger.js';
import type { DemoOptions } from '../../../src/demo/demo-options.js';
import { silentProgress } from '../../../src/demo/demo-progress.js';
import { runDemo, type DemoRun } from '../../../src/demo/run-demo.js';

const COLD_BUILDS_MS = 600_000;
const ALERTS = 150;

describe('aviary demo', () => {
  let work: string;
  const started: DemoRun[] = [];
  const demo = async (options: Partial<DemoOptions> = {}) => {
    work ??= await mkdtemp(join(tmpdir(), 'aviary-demo-'));
    const run = await runDemo(
      { dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, simulated: true, count: ALERTS, trainingCount: 800, retrain: false, ...options },
      { version: 'test', progress: silentProgress, logger: silentLogger },
    );
    started.push(run);
    return run;
  };

  afterAll(async () => {
    for (const run of started) await run.server.close().catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it(
    'trains and registers three @champion modules, replays alerts through them and writes both filters',
    async () => {
      const run = await demo();
      expect(run.trained).toBe(true);
      const { registry, alerts } = run.server.aviary;
      for (const name of ['snia', 'realbogus', 'variable']) {
        const champion = await registry.getVersionByAlias(name, 'champion');
        expect(champion.aliases).toContain('champion');
      }
      const snia = await registry.getVersionByAlias('snia', 'champion');
      const sniaRun = await run.server.aviary.tracking.getRun(snia.run_id!);
      expect(sniaRun.data.metrics.find((m) => m.key === 'accuracy')?.value).toBeGreaterThan(0.5);

      expect(run.summary.alertsStored).toBe(ALERTS);
      expect(run.summary.modules.map((m) => [m.name, m.state, m.scored])).toEqual([
        ['realbogus', 'ready', ALERTS],
        ['snia', 'ready', ALERTS],
        ['variable', 'ready', ALERTS],
      ]);
      expect(await alerts.countAlerts()).toBe(ALERTS);
      const page = await alerts.searchAlerts({ limit: 20 });
      for (const stored of page.alerts) {
        const outputs = Object.fromEntries(stored.scores.flatMap((s) => Object.entries(s.outputs)));
        for (const score of ['rb_score', 'snia_score', 'variable_score']) {
          expect(outputs[score], `${score} of alert ${stored.alertId}`).toBeTypeOf('number');
          expect(outputs[score]).toBeGreaterThanOrEqual(0);
          expect(outputs[score]).toBeLessThanOrEqual(1 + 1e-6); // ONNX answers float32 probabilities
        }
      }

      const config = await loadBrokerConfig(run.brokerConfig);
      expect(config.modules.map((m) => m.model)).toEqual(['models:/realbogus@champion', 'models:/snia@champion', 'models:/variable@champion']);
      expect(config.filters.map((f) => f.name)).toEqual(['early_snia', 'variables']);
      for (const filter of config.filters) expect(existsSync(filter.output), filter.output).toBe(true);
      const matched = Object.fromEntries(run.summary.filters.map((f) => [f.name, f.matched]));
      expect(matched.variables).toBeGreaterThan(0);
      expect((await readFile(join(run.dataDir, 'out', 'early_snia.jsonl'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(matched.early_snia!);
      await run.server.close();
      started.pop();
    },
    COLD_BUILDS_MS,
  );

  it(
    'on the same data directory, skips training and replays without storing an alert twice',
    async () => {
      const run = await demo();
      expect(run.trained).toBe(false);
      expect(run.champions.map((c) => `${c.name}/${c.version}`)).toEqual(['snia/1', 'realbogus/1', 'variable/1']);
      expect(run.summary.alertsStored).toBe(ALERTS);
      expect(run.summary.alertsInserted).toBe(0);
      expect(await run.server.aviary.alerts.countAlerts()).toBe(ALERTS);
    },
    COLD_BUILDS_MS,
  );

  it(
    'as a real process, `aviary demo --exit` exits 0 three times in a row and leaves no aviary-* temp folder',
    async () => {
      const temp = join(work, 'tmp');
      await mkdir(temp, { recursive: true });
      for (let i = 1; i <= 3; i++) {
        const args = ['demo', '--exit', '--simulated', '--n', String(ALERTS), '--port', '0', '--data-dir', join(work, 'data')];
        const result = await runCliProcess(args, { env: { ...process.env, TMPDIR: temp }, timeoutMs: 300_000 });
        if (result.code !== 0) expect.fail(`demo --exit run ${i} exited ${result.code} (signal ${result.signal}): ${result.stderr.slice(-800)}`);
        expect(result.stdout).toContain(`alerts read:          ${ALERTS}`);
      }
      expect((await readdir(temp)).filter((name) => name.startsWith('aviary-'))).toEqual([]);
    },
    COLD_BUILDS_MS,
  );

  it(
    '`aviary demo --live --exit` streams the alerts through a local Kafka at the rate asked: all stored, every partition committed to its end, Kafka stopped and removed',
    async () => {
      work ??= await mkdtemp(join(tmpdir(), 'aviary-demo-'));
      const temp = join(work, 'tmp-live');
      await mkdir(temp, { recursive: true });
      const args = ['demo', '--live', '--exit', '--n', String(ALERTS), '--rate', '100', '--port', '0', '--data-dir', join(work, 'data')];
      const result = await runCliProcess(args, { env: { ...process.env, TMPDIR: temp }, timeoutMs: 300_000 });
      if (result.code !== 0) expect.fail(`demo --live exited ${result.code} (signal ${result.signal}): ${result.stderr.slice(-800)}`);
      const read = Number(/alerts read:\s+(\d+)/.exec(result.stdout)?.[1]);
      expect(read).toBeGreaterThanOrEqual(ALERTS);
      const partitions = [...result.stdout.matchAll(/ztf-live\[(\d)\]: (\d+) \/ (\d+), lag (\d+)/g)];
      expect(partitions.map((m) => Number(m[1])).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      for (const m of partitions) expect([m[2], m[4]]).toEqual([m[3], '0']);
      expect(partitions.reduce((n, m) => n + Number(m[2]), 0)).toBe(ALERTS);
      expect(result.stdout).toMatch(/latency \(Kafka timestamp to stored\): p50 [\d.]+ ms, p99 [\d.]+ ms/);
      expect((await readdir(temp)).filter((name) => name.startsWith('aviary-'))).toEqual([]);
    },
    COLD_BUILDS_MS,
  );
});
