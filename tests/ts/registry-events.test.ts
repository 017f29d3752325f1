/**
 * The registry event stream, driven by the real `mlflow` Python client against an in-process
 * Aviary: two models logged with registered_model_name="snia", champion set on 1, then moved to 2.
 * The subscriber must see the move exactly once, described as the broker and UI will show it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../src/app/open-aviary.js';
import type { Logger } from '../../src/common/logger.js';
import { describeRegistryEvent, type RegistryEvent } from '../../src/registry/registry-events.js';
import { createApp } from '../../src/server/create-app.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');

const SCRIPT = String.raw`
import mlflow, numpy as np
from mlflow import MlflowClient
from sklearn.linear_model import LinearRegression

X = np.random.default_rng(3).normal(size=(20, 2))
mlflow.set_experiment("events")
for coef in (1.0, -2.0):
    with mlflow.start_run():
        mlflow.sklearn.log_model(LinearRegression().fit(X, coef * X[:, 0]), name="model",
                                 registered_model_name="snia")
client = MlflowClient()
client.set_registered_model_alias("snia", "champion", 1)
client.set_registered_model_alias("snia", "champion", 2)
print("champion ->", client.get_model_version_by_alias("snia", "champion").version)
`;

describe('registry events from the real mlflow client', () => {
  let dataDir: string;
  let aviary: Aviary;
  let server: Server;
  let url: string;
  let python: string;
  const events: RegistryEvent[] = [];
  const logged: string[] = [];
  const log: Logger = { info() {}, warn: (m) => logged.push(m), error: (m) => logged.push(m) };

  beforeAll(async () => {
    const env = await run('bash', ['scripts/python-env.sh', 'tests/python/requirements.txt'], { cwd: REPO, timeout: 600_000 });
    python = join(env.stdout.trim(), 'bin', 'python');
    dataDir = await mkdtemp(join(tmpdir(), 'aviary-events-'));
    aviary = await openAviary(configForDataDir(dataDir), log);
    aviary.registry.events.subscribe((e) => events.push(e));
    server = createApp(aviary, { version: 'test' }, log);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 600_000);

  afterAll(async () => {
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    await aviary?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('announces "alias champion moved from 1 to 2 on snia" exactly once', async () => {
    const { stdout } = await run(python, ['-c', SCRIPT], {
      cwd: REPO,
      timeout: 180_000,
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: url,
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
        MLFLOW_DISABLE_TELEMETRY: 'true',
        DO_NOT_TRACK: 'true',
      },
    });
    expect(stdout).toContain('champion -> 2');

    const lines = events.map(describeRegistryEvent);
    const aliasLines = events.filter((e) => e.type === 'alias.set' || e.type === 'alias.deleted').map(describeRegistryEvent);
    expect(aliasLines).toEqual(['alias champion set to 1 on snia', 'alias champion moved from 1 to 2 on snia']);
    expect(lines.filter((l) => l === 'alias champion moved from 1 to 2 on snia')).toHaveLength(1);

    const moved = events.find((e) => e.type === 'alias.set' && e.previousVersion !== undefined);
    expect(moved).toMatchObject({ type: 'alias.set', name: 'snia', alias: 'champion', version: '2', previousVersion: '1' });
    const set = events.find((e) => e.type === 'alias.set' && e.previousVersion === undefined);
    expect(set).toMatchObject({ name: 'snia', alias: 'champion', version: '1' });
    expect(set!.timestamp).toBeLessThanOrEqual(moved!.timestamp);

    // The rest of the story, once each and in order: the model, its two versions, then the aliases.
    expect(events.filter((e) => e.type === 'registered_model.created').map((e) => e.name)).toEqual(['snia']);
    const created = events.filter((e) => e.type === 'model_version.created');
    expect(created.map((e) => e.type === 'model_version.created' && e.version)).toEqual(['1', '2']);
    expect(created.every((e) => e.type === 'model_version.created' && /^m-[0-9a-f]{32}$/.test(e.modelId ?? ''))).toBe(true);
    expect(events.indexOf(created[1]!)).toBeLessThan(events.indexOf(set!));
    expect(logged).toEqual([]);
  }, 240_000);
});
