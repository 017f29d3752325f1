/**
 * Several servers, one deployment: two `aviary server` processes on one PostgreSQL database and
 * one artifact root, each with a data folder of its own. The real mlflow client writes through
 * one and reads through the other at once (fixtures/two_servers_client.py): runs, metrics, an
 * artifact, a registered model and an alias moved through each; both write one run at once.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVIARY_BIN } from '../../../src/cli/testing/run-cli-process.js';
import { mlflowClientEnv } from '../runtime/training.js';
import { LocalPostgres } from './local-postgres.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');

interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** `aviary server` on a free port; resolves with its URL once it says it listens. */
function startServer(args: string[]): Promise<ServerProcess> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [AVIARY_BIN, 'server', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the server did not start within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        done({ url: listening[1]!, child, output: () => output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}) while starting:\n${output}`));
    });
  });
}

async function stopServer(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGTERM');
  await exited;
}

describe('two servers on one PostgreSQL', () => {
  let postgres: LocalPostgres;
  let work: string;
  let databaseUri: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    postgres = await LocalPostgres.start();
    databaseUri = await postgres.createDatabase();
    work = await mkdtemp(join(tmpdir(), 'aviary-two-servers-'));
    const shared = ['--backend-store-uri', databaseUri, '--artifacts-destination', join(work, 'artifacts')];
    // Started together: the first start of a new database migrates it once, under a lock.
    servers.push(...(await Promise.all([
      startServer([...shared, '--data-dir', join(work, 'a')]),
      startServer([...shared, '--data-dir', join(work, 'b')]),
    ])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await postgres?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('never prints the database password', () => {
    for (const server of servers) expect(server.output()).not.toContain(postgres.password);
  });

  it('serves what the real client wrote through one server from the other, at once', async () => {
    const { stdout: venv } = await run('bash', [join(REPO, 'scripts/python-env.sh'), join(REPO, 'tests/python/requirements.txt')], { maxBuffer: 1 << 24 });
    const [a, b] = servers;
    const { stdout } = await run(join(venv.trim(), 'bin/python'), [join(import.meta.dirname, 'fixtures/two_servers_client.py'), a!.url, b!.url, work], {
      env: { ...process.env, ...mlflowClientEnv(a!.url) },
      maxBuffer: 1 << 24,
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`two_servers_client.py failed: ${err.message}\n${err.stderr ?? ''}\nserver A:\n${a!.output()}\nserver B:\n${b!.output()}`);
    });
    // The client prints its own lines too (a link to each finished run): the last line is ours.
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(seen.experiment_via_b).toBe('two-servers');
    expect(seen.run_name_via_b).toBe('written-through-a');
    expect(seen.params_via_b).toEqual({ alpha: '0.1' });
    expect(seen.loss_history_via_b).toEqual([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
    expect(seen.shared_points_via_a).toBe(400);
    expect(seen.shared_points_via_b).toBe(400);
    expect(seen.artifact_via_b).toBe('written through a');
    expect(seen.status_via_a).toBe('FINISHED');
    expect(seen.search_via_b).toEqual(['written-through-a']);
    expect(seen.versions).toEqual(['1', '2']);
    expect(seen.champion_via_b_after_a_set_it).toBe('1');
    expect(seen.champion_via_a_after_b_moved_it).toBe('2');
    expect(seen.models_via_a).toEqual(['snia']);
  }, 300_000);
});
