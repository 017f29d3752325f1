/**
 * `aviary broker run` as a real process, where exit statuses and signals are what they are:
 * 0 after every successful run (Node's 13 for an unsettled await came back in 7 of 12 runs),
 * 1 with one line naming what and where for each way a run can be refused or fail (checked
 * before any model loads), 130 on Ctrl-C, the dead letters' reasons on the terminal, and no
 * `aviary-*` folder left in the temp folder.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { dataPath } from './shared-data.js';

let models: TestModels;
let work: string;
let temp: string;
let config: string;

/** The child's temp folder is its own, so what it leaves behind can be seen. */
const aviary = (args: string[], options: Parameters<typeof runCliProcess>[1] = {}) =>
  runCliProcess(args, { cwd: work, env: { ...process.env, TMPDIR: temp }, ...options });

const brokerYaml = (output: string, model = `${models.dir}/onnx-classifier`) => `batch_size: 200
modules:
  - name: cls
    model: ${model}
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {cls_score: probabilities_1}
filters:
  - name: likely
    expression: cls_score > 0.5 and drb > 0.5
    output: ${output}
`;

beforeAll(async () => {
  models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-exit-status-'));
  temp = join(work, 'tmp');
  await mkdir(temp);
  config = join(work, 'broker.yaml');
  await writeFile(config, brokerYaml('out/likely.jsonl'));
}, 600_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('aviary broker run: exit statuses', () => {
  it('exits 0 after each of 20 successive runs of one config, over real ZTF and Rubin sets, and leaves no aviary-* temp folder', async () => {
    const sources = [dataPath('ztf/raw-2020'), dataPath('ztf/fink-topics-2023'), dataPath('rubin/raw-v9_0'), dataPath('parquet/ztf-raw-2019')];
    const codes: (number | null)[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await aviary(['broker', 'run', '--config', config, '--source', sources[i % sources.length]!, '--data-dir', join(work, 'runs'), '--json']);
      codes.push(result.code);
      if (result.code !== 0) expect.fail(`run ${i + 1} exited ${result.code} (signal ${result.signal}): ${result.stderr.slice(-500)}`);
    }
    expect(codes).toEqual(Array(20).fill(0));
    expect((await readdir(temp)).filter((name) => name.startsWith('aviary-'))).toEqual([]);
  }, 600_000);

  it('refuses an output whose folder is a file before loading a model, stores nothing, and says so on stderr and in --json', async () => {
    await mkdir(join(work, 'out'), { recursive: true });
    await writeFile(join(work, 'out/notadir'), 'a file');
    const bad = join(work, 'notadir.yaml');
    await writeFile(bad, brokerYaml('out/notadir/x.jsonl'));
    const dataDir = join(work, 'notadir-data');
    const result = await aviary(['broker', 'run', '--config', bad, '--source', dataPath('ztf/raw-2020'), '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`aviary: filter likely: cannot write its output ${join(work, 'out/notadir/x.jsonl')}: ${join(work, 'out/notadir')} is a file, not a folder`);
    expect(result.stderr).not.toContain('fetching'); // no model was loaded
    expect(JSON.parse(result.stdout)).toEqual({ error: expect.stringContaining('out/notadir is a file, not a folder') });
    const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
    const [run] = await store.runStatuses(1);
    const stored = await store.countAlerts();
    await store.close();
    expect(stored).toBe(0);
    expect(run).toMatchObject({ state: 'failed', alertsRead: 0, error: expect.stringContaining('is a file, not a folder') });
  }, 120_000);

  it('refuses stream options that cannot be right, with one line each: a bad idle timeout, stream options over files, no source at all', async () => {
    const cases: [string[], string][] = [
      [['--source', 'kafka://127.0.0.1:1/t', '--idle-timeout', 'soon'], '--idle-timeout soon: expected a duration above 0 such as 30s'],
      [['--source', dataPath('ztf/raw-2020'), '--idle-timeout', '30s'], '--idle-timeout: for a Kafka stream, but --source names files'],
      [[], `--source: name alert files or a Kafka stream (kafka://host:port/topic), or give ${config} a source: block`],
    ];
    for (const [args, reason] of cases) {
      const result = await aviary(['broker', 'run', '--config', config, '--data-dir', join(work, 'refused-data'), ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      const errors = result.stderr.split('\n').filter((l) => l.startsWith('aviary:'));
      expect(errors, result.stderr).toHaveLength(1);
      expect(errors[0]).toContain(reason);
    }
  }, 120_000);

  it('fails with the reason, not a hang, for an output under /proc', async () => {
    const bad = join(work, 'proc.yaml');
    await writeFile(bad, brokerYaml('/proc/self/nope/x.avro'));
    const result = await aviary(['broker', 'run', '--config', bad, '--source', dataPath('ztf/raw-2020'), '--data-dir', join(work, 'proc-data')], { timeoutMs: 60_000 });
    expect(result.signal).toBeNull(); // not killed by the time limit
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('aviary: filter likely: cannot write its output /proc/self/nope/x.avro: cannot create the folder /proc/self/nope');
  }, 120_000);

  it.each([
    ['a missing file', ['nowhere/alerts.avro'], 'alert source nowhere/alerts.avro: no such file or folder'],
    ['a glob matching nothing', ['nowhere-*.avro'], 'alert source nowhere-*.avro: the pattern matches no file'],
    ['an HTTP URL', ['http://127.0.0.1:9092/ztf'], 'unsupported alert source http://127.0.0.1:9092/ztf'],
    ['a Kafka stream beside files', ['kafka://127.0.0.1:9092/ztf'], '--source: a Kafka stream is read alone'],
    ['a Kafka address without a port', ['--', 'kafka://127.0.0.1/ztf'], 'kafka://127.0.0.1/ztf: bootstrap server "127.0.0.1" is not host:port'],
  ])('refuses %s as a source before loading any model, exit 1', async (_, sources, message) => {
    // "--" first: the Kafka address alone (no file beside it).
    const files = sources[0] === '--' ? sources.slice(1) : [dataPath('ztf/raw-2020'), ...sources];
    const result = await aviary(['broker', 'run', '--config', config, '--source', ...files, '--data-dir', join(work, 'missing-data')]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`aviary: ${message}`);
    expect(result.stdout).toBe('');
  }, 120_000);

  it("shows the dead letters' reasons grouped, with the first place, and where to read them all", async () => {
    const truncated = join(work, 'truncated.avro');
    await writeFile(truncated, (await readFile(dataPath('ztf/fink-enriched-2026/part-3-305711.avro'))).subarray(0, 30_000));
    const dataDir = join(work, 'dead-letter-data');
    const result = await aviary(['broker', 'run', '--config', config, '--source', dataPath('ztf/raw-2020'), truncated, '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('source dead letters:  1\n  1 x truncated: block 0 declares');
    expect(result.stdout).toContain(`(first: ${truncated} (byte `);
    expect(result.stdout).toContain(`dead letters and their reasons, all of them: aviary alerts dead-letters --data-dir ${dataDir}`);

    const listed = await aviary(['alerts', 'dead-letters', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${truncated} (byte `);
    expect(listed.stdout).toContain('truncated: block 0 declares');
    const json = JSON.parse((await aviary(['alerts', 'dead-letters', '--data-dir', dataDir, '--json'])).stdout) as { dead_letters: { kind: string }[] };
    expect(json.dead_letters.map((d) => d.kind)).toEqual(['source']);
  }, 120_000);

  it('stops at once on Ctrl-C while the modules load, exit 130, and leaves no aviary-* temp folder', async () => {
    const slow = join(work, 'slow.yaml');
    // A Python model: its workers take seconds to start, long enough to be interrupted.
    await writeFile(slow, brokerYaml('out/slow.jsonl', `${models.dir}/sklearn-proba`).replace('{cls_score: probabilities_1}', '{cls_score: prediction_1}'));
    const dataDir = join(work, 'slow-data');
    let sentAt = 0;
    const result = await aviary(['broker', 'run', '--config', slow, '--source', dataPath('ztf/raw-2020'), '--data-dir', dataDir], {
      env: { ...process.env, TMPDIR: temp, AVIARY_CACHE_DIR: process.env.AVIARY_CACHE_DIR ?? join(process.env.HOME ?? '/root', '.cache/aviary') },
      onStderr: (soFar, child) => {
        if (sentAt === 0 && /cls: .*(starting|environment|worker)/i.test(soFar)) {
          sentAt = Date.now();
          child.kill('SIGINT');
        }
      },
    });
    expect(sentAt).toBeGreaterThan(0);
    expect(result.code).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(15_000);
    expect(result.stderr).toContain('aviary: stopped while loading the modules');
    const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
    const [run] = await store.runStatuses(1);
    await store.close();
    expect(run?.state).not.toBe('running');
    expect((await readdir(temp)).filter((name) => name.startsWith('aviary-'))).toEqual([]);
  }, 300_000);
});
