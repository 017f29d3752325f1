/**
 * Acceptance (a broker on another machine than the server): an `aviary server` process on its own
 * data dir; a scikit-learn model with its run's Fink-template preprocessing step trained and
 * registered as models:/snia@champion by the real mlflow client; a `broker run` process given
 * only --tracking-uri (its own empty data dir) scoring real ZTF alerts from a Kafka stream.
 * While it runs, the server stops (the broker says so once and keeps scoring with what it has)
 * and comes back; the mlflow client moves the alias to version 2, and the alerts published after
 * the move are stored with version 2. `models check` reaches the same preprocessing over HTTP.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import type { AlertStore } from '../../../src/broker/store/alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { replayCommand } from '../../../src/cli/commands/replay-command.js';
import { AVIARY_BIN, runCliProcess } from '../../../src/cli/testing/run-cli-process.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { keepingLogger, SLOW, storedAlerts, tempFolder, Timings, trainFinkModel } from '../broker/broker-testing.js';
import { dataPath } from '../broker/shared-data.js';
import { mlflowClientEnv, python, trainingPython } from '../runtime/training.js';
import { startServerProcess, type ServerProcess } from './remote-testing.js';

const TOPICS = dataPath('ztf/fink-topics-2023');
const ALERTS = 60;

const CONFIG = `batch_size: 10
follow_registry: 1s
modules:
  - name: snia
    model: models:/snia@champion
    outputs: [snia_other, snia_score]
filters:
  - name: likely_snia
    expression: snia_score > 0.5
    output: out/likely_snia.jsonl
`;

const timings = new Timings();
let work: string;
let serverData: string;
let kafka: LocalKafka;
let server: ServerProcess;
let sklearn: string;
/** One alert a file, each alert once (an alert that hit several Fink topics is in several files). */
let files: string[];
/** Published before the server stops, while it is away, and after the alias moved. */
let before: string[];
let whileAway: string[];
let after: string[];

/** The environment without the caller's MLflow settings: the broker knows the server from --tracking-uri alone. */
function withoutMlflowSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_')));
}

/** Runs `code` with the real mlflow client against the server. */
const mlflowClient = (code: string) => python(sklearn, `import mlflow\nclient = mlflow.MlflowClient()\n${code}`, mlflowClientEnv(server.url));

async function candidsOf(paths: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of readAlerts(openAlertSource(paths))) if (!isDeadLetter(item)) ids.push(item.alertId.toString());
  return ids;
}

/** The first `count` files of the folder whose alerts are not in an earlier file. */
async function filesOfDistinctAlerts(count: number): Promise<string[]> {
  const seen = new Set<string>();
  const chosen: string[] = [];
  for (const name of readdirSync(TOPICS).filter((n) => n.endsWith('.avro')).sort()) {
    const path = join(TOPICS, name);
    const ids = await candidsOf([path]);
    if (ids.length !== 1 || seen.has(ids[0]!)) continue;
    seen.add(ids[0]!);
    chosen.push(path);
    if (chosen.length === count) return chosen;
  }
  throw new Error(`${TOPICS} holds fewer than ${count} distinct alerts`);
}

async function publish(paths: readonly string[]): Promise<void> {
  const sent = await runInProcess(replayCommand, [...paths, '--to', `kafka://${kafka.bootstrap}/ztf`]);
  expect(sent.code, sent.stderr).toBe(0);
  expect(sent.stdout).toMatch(new RegExp(`^sent ${paths.length} alerts`));
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  files = await filesOfDistinctAlerts(ALERTS);
  [before, whileAway, after] = [files.slice(0, 20), files.slice(20, 30), files.slice(30)];
  work = await tempFolder('remote');
  serverData = join(work, 'server');
  [kafka, server, sklearn] = await timings.time('kafka, server, training environment', () =>
    Promise.all([LocalKafka.start(), startServerProcess({ dataDir: serverData }), trainingPython('sklearn-1.5.txt')]),
  );
  const trained = await timings.time('training', () => trainFinkModel({ url: server.url, dataDir: work }, 'snia'));
  expect(trained.version).toBe('1');
  // Version 2: the same logged model registered again (the client reads no model_id back, so it comes from the source); the alias stays on version 1 until the test moves it.
  const v2 = await mlflowClient("v1 = client.get_model_version('snia', '1')\nprint(client.create_model_version('snia', v1.source, run_id=v1.run_id, model_id=v1.source.removeprefix('models:/')).version)");
  expect(v2.trim()).toBe('2');
}, SLOW);

afterAll(async () => {
  await server?.stop();
  await kafka?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  console.error(`remote broker timings (ms): ${timings}`);
});

describe('a broker that reaches the server only over HTTP', () => {
  it('scores real alerts with models:/snia@champion, rides out the server going away, and follows the alias moved through it', { timeout: SLOW }, async () => {
    const dir = join(work, 'broker');
    const brokerData = join(dir, 'data');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'broker.yaml'), CONFIG);
    const logger = keepingLogger();
    const args = ['broker', 'run', '--config', 'broker.yaml', '--source', `kafka://${kafka.bootstrap}/ztf?group=remote`, '--max-alerts', String(ALERTS), '--data-dir', brokerData, '--tracking-uri', server.url];
    const child = spawn(process.execPath, [AVIARY_BIN, ...args], { cwd: dir, env: withoutMlflowSettings(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    let store: AlertStore | undefined;
    try {
      const stored = async () => {
        if (!store && !existsSync(join(brokerData, 'alerts.db'))) return 0;
        store ??= await openAlertStore(`sqlite:///${join(brokerData, 'alerts.db')}`, { writerThread: false });
        return store.countAlerts();
      };
      await timings.time('before', async () => {
        await publish(before);
        await until(`${before.length} alerts stored (broker: ${stderr.slice(-2000)})`, async () => (await stored()) >= before.length);
      });

      await timings.time('server away', async () => {
        await server.stop();
        await until('the broker to notice the server is away', () => /cannot check models:\/snia@champion/.test(stderr), 30_000);
        await publish(whileAway);
        await until('the alerts published while the server was away to be stored', async () => (await stored()) >= before.length + whileAway.length, 60_000);
        await new Promise((r) => setTimeout(r, 2500)); // a few more polls while it is away: still one line
        server = await startServerProcess({ dataDir: serverData, port: server.port });
        await until('the broker to reach the server again', () => /models:\/snia@champion can be checked again/.test(stderr), 30_000);
      });
      const warnings = stderr.split('\n').filter((line) => line.includes('cannot check models:/snia@champion'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`cannot reach the tracking server ${server.url}`);
      expect(warnings[0]).toContain('still scoring with version 1');

      await timings.time('alias move', async () => {
        await mlflowClient("client.set_registered_model_alias('snia', 'champion', '2')");
        await until('version 2 to load', () => /snia: version 2 loaded/.test(stderr), 120_000);
      });
      await timings.time('after', async () => {
        await publish(after);
        expect(await exited, stderr).toBe(0);
      });

      const alerts = await storedAlerts(store!);
      expect(alerts).toHaveLength(ALERTS);
      const versionOf = new Map(alerts.map((a) => [a.alertId.toString(), a.scores.find((s) => s.module === 'snia')]));
      const expectVersion = async (paths: readonly string[], version: string) => {
        for (const id of await candidsOf(paths)) {
          const scores = versionOf.get(id);
          expect(scores, `alert ${id}`).toBeDefined();
          expect(scores!.version, `alert ${id}`).toBe(version);
          expect(scores!.outputs.snia_score).toBeGreaterThanOrEqual(0);
          expect(scores!.outputs.snia_score).toBeLessThanOrEqual(1);
        }
      };
      await expectVersion([...before, ...whileAway], '1');
      await expectVersion(after, '2');
      expect(new Set(alerts.map((a) => a.scores[0]!.outputs.snia_score)).size).toBeGreaterThan(10); // real scores, not a constant
      expect(stdout).toMatch(new RegExp(`${ALERTS} alerts`));
      // Its own data dir holds its alerts and nothing of a registry.
      expect((await readdir(brokerData)).filter((name) => !name.startsWith('alerts.db'))).toEqual([]);
    } catch (err) {
      console.error(`broker output:\n${stderr}\n${stdout}\nserver:\n${server.output()}\n${logger.lines.join('\n')}`);
      throw err;
    } finally {
      child.kill('SIGKILL');
      await store?.close();
    }
  });

  it("checks the model's preprocessing on real alerts over HTTP (models check)", { timeout: SLOW }, async () => {
    const result = await runCliProcess(['models', 'check', 'models:/snia/2', '--alerts', ...files.slice(0, 10), '--tracking-uri', server.url], { env: withoutMlflowSettings(), timeoutMs: SLOW });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/preprocessing from run [0-9a-f]{32}/);
    expect(result.stdout).toMatch(/^10 alerts checked, 0 skipped/);
    expect(result.stdout.trim().split('\n').pop()).toBe('OK');
  });
});
