/**
 * `aviary broker run` as a real child process (src/cli/main.ts with tsx), over a registered
 * ONNX model (models:/cls/1, so its files are downloaded into a temp folder and its source run
 * is searched for a preprocessing step), with TMPDIR pointed at a fresh folder:
 * - killed with SIGKILL while it waits on a source that never ends (a FIFO no one writes), its
 *   run is listed as interrupted, in the store and over HTTP, not running forever;
 * - a run that finishes leaves no aviary-* folder in TMPDIR, and sweeps those the killed one left.
 */
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../../src/app/open-aviary.js';
import { FINK_TOPICS } from '../../../src/broker/pipeline/pipeline-test-support.js';
import type { BrokerRunStatus } from '../../../src/broker/store/alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { prepareTestModels } from '../../../src/runtime/testing/test-models.js';

const REPO = resolve(import.meta.dirname, '../../..');
const SLOW = 300_000;

let work: string;
let dataDir: string;
let temp: string;
let config: string;
let fifo: string;
let aviary: Aviary;
let server: Server;
let url: string;

/** `aviary broker run` in a child process whose TMPDIR is `temp`. */
function brokerRun(source: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'broker', 'run', '--config', config, '--source', source, '--data-dir', dataDir], {
    cwd: REPO,
    env: { ...process.env, TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal!)));
  return { child, exited, output: () => output };
}

async function runsInStore(): Promise<BrokerRunStatus[]> {
  const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
  try {
    return await store.runStatuses();
  } finally {
    await store.close();
  }
}

async function runsOverHttp(): Promise<BrokerRunStatus[]> {
  const response = await fetch(`${url}/api/aviary/broker/runs`);
  expect(response.status).toBe(200);
  return (parseExactJson(await response.text()) as { runs: BrokerRunStatus[] }).runs;
}

const aviaryFolders = async () => (await readdir(temp)).filter((name) => name.startsWith('aviary-')).sort();

beforeAll(async () => {
  const models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-broker-process-'));
  dataDir = join(work, 'data');
  temp = join(work, 'tmp');
  await mkdir(temp);
  aviary = await openAviary(configForDataDir(dataDir), silentLogger);
  // A version with a source run that holds no preprocessing step.
  const experiment = await aviary.tracking.createExperiment('cls', undefined, []);
  const run = await aviary.tracking.createRun({ experimentId: experiment, tags: [] });
  const folder = join(models.dir, 'onnx-classifier');
  for (const file of await readdir(folder)) await aviary.artifacts.write(`${experiment}/${run.info.run_id}/artifacts/model/${file}`, createReadStream(join(folder, file)));
  await aviary.registry.createRegisteredModel('cls', { tags: [] });
  await aviary.registry.createModelVersion({ name: 'cls', source: `runs:/${run.info.run_id}/model`, runId: run.info.run_id, tags: [] });
  config = join(work, 'broker.yaml');
  await writeFile(config, 'batch_size: 100\nmodules:\n  - name: cls\n    model: models:/cls/1\n    inputs: [magpsf, sigmapsf, drb, ndethist]\n    outputs: {cls_score: probabilities_1}\n');
  fifo = join(work, 'never-ending.jsonl');
  await promisify(execFile)('mkfifo', [fifo]);
  server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((done) => server.close(done));
  await aviary?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a broker run in its own process', () => {
  let killedPid: number;

  it('is listed as interrupted once its process is killed', { timeout: SLOW }, async () => {
    const run = brokerRun(fifo);
    // Recorded, with its module loaded: it now waits on the FIFO, saving its status every 2 s.
    let recorded: BrokerRunStatus | undefined;
    for (const deadline = Date.now() + 120_000; !recorded; ) {
      if (Date.now() > deadline) throw new Error(`the run was never recorded with its module ready:\n${run.output()}`);
      const exitedEarly = await Promise.race([run.exited, new Promise((wait) => setTimeout(wait, 250, undefined))]);
      if (exitedEarly !== undefined) throw new Error(`aviary broker run exited with ${exitedEarly}:\n${run.output()}`);
      recorded = (await runsInStore().catch(() => [])).find((r) => r.state === 'running' && r.modules[0]?.state === 'ready');
    }
    killedPid = run.child.pid!;
    expect(recorded).toMatchObject({ pid: killedPid, host: hostname() });
    expect((await runsOverHttp()).find((r) => r.runId === recorded.runId)?.state).toBe('running');
    // What the killed process downloaded stays behind it: nothing runs in a SIGKILLed process.
    expect(await aviaryFolders()).toEqual([expect.stringMatching(new RegExp(`^aviary-model-${killedPid}-`))]);

    run.child.kill('SIGKILL');
    expect(await run.exited).toBe('SIGKILL');
    for (const runs of [await runsInStore(), await runsOverHttp()]) {
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ runId: recorded.runId, state: 'interrupted', pid: killedPid });
      expect(runs[0]!.error).toContain(`pid ${killedPid} on ${hostname()}`);
    }
  });

  it('leaves no temp folder when it finishes, and sweeps those a killed run left', { timeout: SLOW }, async () => {
    const run = brokerRun(FINK_TOPICS);
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(run.output()).toContain('alerts read:          561');
    expect(await aviaryFolders()).toEqual([]);
    const runs = await runsOverHttp();
    expect(runs.map((r) => r.state)).toEqual(['finished', 'interrupted']);
    expect(runs[1]!.pid).toBe(killedPid);
  });
});
