// The model sandbox against a real malicious model: an MLflow pyfunc whose pickled python_model
// attacks the machine as MLflow loads it (write outside its scratch, read the database, connect
// to a listener on 127.0.0.1, fork 1,000 processes, open 2,000 files, allocate 50 GB), served by
// real sandboxed workers. Each attack must fail inside the worker; predict then raises the list.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBrokerConfig } from '../../../src/broker/config/load-broker-config.js';
import { FINK_TOPICS } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { runBroker } from '../../../src/broker/pipeline/run-broker.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import type { Logger } from '../../../src/common/logger.js';
import { Sandbox } from '../../../src/runtime/sandbox/sandbox.js';
import { sandboxOptionsFromEnv } from '../../../src/runtime/sandbox/sandbox-options.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { WorkerError } from '../../../src/runtime/worker/worker-errors.js';
import { WorkerPool } from '../../../src/runtime/worker/worker-pool.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');
const SLOW = 600_000;
const batch = { columns: ['magpsf', 'sigmapsf', 'drb', 'ndethist'], data: [1, 2, 3, 4].map((v) => Float64Array.of(v)), rows: 1 };

let models: TestModels;
let work: string;
let dataDir: string;
let malicious: string;
let listener: Server;
let connections = 0;
const lines: string[] = [];
const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

beforeAll(async () => {
  models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-sandbox-'));
  dataDir = join(work, 'data');
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'aviary.db'), 'SQLite format 3\0 secrets');
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((ready) => listener.listen(0, '127.0.0.1', ready));
  const targets = join(work, 'targets.json');
  await writeFile(
    targets,
    JSON.stringify({
      write: [join(dataDir, 'pwned'), join(tmpdir(), `aviary-sandbox-pwned-${process.pid}`), join(work, 'pwned')],
      read: [join(dataDir, 'aviary.db'), '/etc/shadow'],
      connect: ['127.0.0.1', (listener.address() as AddressInfo).port],
      forks: 1000,
      files: 2000,
      gigabytes: 50,
    }),
  );
  malicious = join(work, 'malicious');
  await run(models.environment.python, [join(REPO, 'tests/ts/runtime/fixtures/malicious_model.py'), malicious, targets], { maxBuffer: 1 << 24 });
}, SLOW);

afterAll(async () => {
  listener?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function attackOutcomes(sandbox: Sandbox, network = false): Promise<string> {
  const pool = await WorkerPool.start({ name: 'malicious', modelDir: malicious, environment: models.environment, sandbox, network, logger });
  try {
    const error = await pool.predict(batch).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).kind).toBe('model-error');
    return (error as WorkerError).message;
  } finally {
    await pool.close();
  }
}

describe('the model sandbox', () => {
  it('stops every attack of a model that runs code on load, inside its worker', { timeout: SLOW }, async () => {
    const sandbox = Sandbox.open(sandboxOptionsFromEnv({}), logger);
    expect(sandbox.layersOff()).toEqual([]); // scripts/sandbox-setup.sh ran: every layer is on
    const t0 = performance.now();
    const message = await attackOutcomes(sandbox);
    lines.push(`malicious model: ${message} (${Math.round(performance.now() - t0)} ms)`);
    expect(message).not.toContain('ESCAPED');
    // /tmp inside is its own scratch: that write succeeds there and never reaches the host's /tmp.
    expect(message).toContain(`wrote ${join(tmpdir(), `aviary-sandbox-pwned-${process.pid}`)}`);
    for (const what of ['write', 'read']) expect(message.match(new RegExp(`blocked ${what} `, 'g'))?.length).toBe(2);
    expect(message).toMatch(/blocked connect 127\.0\.0\.1:\d+/);
    const forked = Number(/blocked forks after (\d+) of 1000/.exec(message)?.[1]);
    expect(forked).toBeLessThan(300);
    expect(message).toMatch(/blocked files after \d+: OSError/);
    expect(message).toContain('blocked memory 50 GB: MemoryError');
    expect(Number(/uid (\d+)/.exec(message)?.[1])).toBeGreaterThan(0); // never root
    expect(connections).toBe(0);
    expect(await readdir(dataDir)).toEqual(['aviary.db']);
    expect(existsSync(join(tmpdir(), `aviary-sandbox-pwned-${process.pid}`))).toBe(false);
    expect(existsSync(join(work, 'pwned'))).toBe(false);
  });

  it('lets a worker reach the network when asked (network: true), and nothing more', { timeout: SLOW }, async () => {
    const message = await attackOutcomes(Sandbox.open(sandboxOptionsFromEnv({})), true);
    expect(message).toMatch(/ESCAPED connect 127\.0\.0\.1:\d+/);
    await until(() => connections === 1);
    expect(message.replace(/ESCAPED connect [^;]+/, '')).not.toContain('ESCAPED');
  });

  it('reports the layers in one line, goes on without a missing one, and refuses when required', () => {
    const report: string[] = [];
    const degraded = Sandbox.open(sandboxOptionsFromEnv({ AVIARY_SANDBOX_PRETEND_MISSING: 'bwrap' }), { info: (m) => report.push(m), warn: (m) => report.push(m), error: () => {} });
    expect(report).toHaveLength(1);
    expect(report[0]).toMatch(/^model sandbox: on: user \(.*\), network \(unshare -n.*limits \(nproc 256.*; off: filesystem \(bwrap not found \(run scripts\/sandbox-setup.sh as root\)\)$/);
    const command = degraded.command({ python: '/usr/bin/python3', args: [], env: {}, cwd: '/', readOnly: [] });
    expect(command.file).toMatch(/prlimit$/); // the limits, another user id and the network still apply
    expect(command.args.some((a) => a.startsWith('--reuid='))).toBe(true);
    expect(command.args).toContain('--net');
    expect(command.args.some((a) => a.endsWith('bwrap'))).toBe(false);
    expect(() => Sandbox.open(sandboxOptionsFromEnv({ AVIARY_SANDBOX_PRETEND_MISSING: 'bwrap' }, { require: true }))).toThrow(
      /^--require-sandbox: the model sandbox is incomplete, not starting: filesystem \(bwrap not found/,
    );
    expect(() => Sandbox.open(sandboxOptionsFromEnv({ AVIARY_SANDBOX: 'off' }, { require: true }))).toThrow(/every layer \(AVIARY_SANDBOX=off\)/);
    expect(Sandbox.open(sandboxOptionsFromEnv({ AVIARY_SANDBOX: 'off' })).report()).toMatch(/^model sandbox: OFF \(AVIARY_SANDBOX=off\)/);
  });

  it('aviary models predict --require-sandbox refuses to start when a layer is missing', { timeout: SLOW }, async () => {
    const input = join(work, 'input.json');
    await writeFile(input, JSON.stringify({ dataframe_split: { columns: batch.columns, data: [[1, 2, 3, 4]] } }));
    const cli = (env: NodeJS.ProcessEnv) =>
      run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'models', 'predict', malicious, '--input', input, '--require-sandbox'], { cwd: REPO, env: { ...process.env, ...env } }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
    const refused = await cli({ AVIARY_SANDBOX_PRETEND_MISSING: 'bwrap' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--require-sandbox: the model sandbox is incomplete, not starting: filesystem (bwrap not found');
  });

  it('a broker run: the malicious module dead-letters every alert with its reason, the ONNX module scores them all', { timeout: SLOW }, async () => {
    const config = join(work, 'broker.yaml');
    const inputs = '    inputs: [magpsf, sigmapsf, drb, ndethist]\n';
    await writeFile(
      config,
      `batch_size: 50\nmodules:\n  - name: evil\n    model: ${malicious}\n${inputs}    outputs: [evil_score]\n  - name: cls\n    model: ${join(models.dir, 'onnx-classifier')}\n${inputs}    outputs: {cls_score: probabilities_1}\n`,
    );
    const store = await openAlertStore(`sqlite:///${join(dataDir, 'alerts.db')}`);
    try {
      const source = openAlertSource(FINK_TOPICS);
      const summary = await runBroker({
        config: await loadBrokerConfig(config),
        source: { description: 'the first 100 alerts', [Symbol.asyncIterator]: () => limited(source, 100)[Symbol.asyncIterator]() },
        store,
        builder: { build: async () => models.environment }, // the test environment holds mlflow and pandas
        sandbox: Sandbox.open(sandboxOptionsFromEnv({})),
        logger,
      });
      const byName = Object.fromEntries(summary.modules.map((m) => [m.name, m]));
      expect(byName.cls?.scored).toBe(summary.alertsRead);
      expect(byName.evil?.scored).toBe(0);
      expect(byName.evil?.deadLettered).toBe(summary.alertsRead);
      const reasons = JSON.stringify(summary);
      expect(reasons).toContain('blocked connect');
      expect(reasons).not.toContain('ESCAPED');
      expect(connections).toBe(1); // only the network: true test's
    } finally {
      await store.close();
    }
  });
});

async function* limited<T>(items: AsyncIterable<T>, count: number): AsyncIterable<T> {
  let n = 0;
  for await (const item of items) {
    yield item;
    if ((item as { kind?: string }).kind === 'alert' && ++n === count) return;
  }
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
  }
}
