/**
 * `--alert-store-uri postgresql://...` on the commands that read alerts: `aviary alerts` (in
 * process) and `aviary server` (a real process, its alert API) read a PostgreSQL alert store
 * holding real ZTF and Rubin alerts, not the data dir's SQLite; a store that cannot be reached
 * fails in one line that never shows the password.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { alertsCommand } from '../../../src/cli/commands/alerts-command.js';
import { AVIARY_BIN } from '../../../src/cli/testing/run-cli-process.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { enrich, madeUpScore, rubinAlerts, ztfAlerts } from '../broker/alerts-real-alerts.js';
import { LocalPostgres } from './local-postgres.js';

const aviary = (...args: string[]) => runInProcess(alertsCommand, args);

let server: LocalPostgres;
let uri: string;
let emptyDataDir: string;
let ztf: Alert[];
let rubin: Alert[];

beforeAll(async () => {
  [server, ztf, rubin, emptyDataDir] = await Promise.all([LocalPostgres.start(), ztfAlerts(20), rubinAlerts(), mkdtemp(join(tmpdir(), 'aviary-pg-alerts-'))]);
  uri = await server.createDatabase();
  const store = await openAlertStore(uri);
  await store.writeAlerts(enrich([...ztf, ...rubin]));
  await store.writeSourceDeadLetters([{ kind: 'dead-letter', origin: { file: '/data/broken.avro', format: 'avro', byteOffset: 12, block: 0, index: 3 }, reason: 'truncated block' }]);
  await store.close();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (emptyDataDir) await rm(emptyDataDir, { recursive: true, force: true });
});

describe('aviary alerts --alert-store-uri postgresql://', () => {
  it('gets, searches and lists dead letters from PostgreSQL, ids exact', async () => {
    const alert = rubin[0]!;
    const got = await aviary('get', String(alert.alertId), '--data-dir', emptyDataDir, '--alert-store-uri', uri, '--json');
    expect(got.code, got.stderr).toBe(0);
    const parsed = parseExactJson(got.stdout) as { alertId: bigint; payload: { diaSource: { diaSourceId: bigint } } };
    expect(parsed.alertId).toBe(alert.alertId);
    expect(parsed.payload.diaSource.diaSourceId).toBe(alert.alertId);
    const found = await aviary('search', 'snia_score > 0.5', '--survey', 'ztf', '--data-dir', emptyDataDir, '--alert-store-uri', uri, '--json');
    expect(found.code, found.stderr).toBe(0);
    const page = parseExactJson(found.stdout) as { alerts: { alertId: bigint }[] };
    expect(page.alerts.map((a) => a.alertId).sort()).toEqual(ztf.filter((a) => madeUpScore(a) > 0.5).map((a) => a.alertId).sort());
    const letters = await aviary('dead-letters', '--data-dir', emptyDataDir, '--alert-store-uri', uri);
    expect(letters.stdout).toContain('/data/broken.avro (byte 12, block 0, record 3)');
  });

  it('fails in one line naming the store, the password redacted', async () => {
    const unreachable = `postgresql://aviary:${server.password}@127.0.0.1:1/alerts`;
    const failed = await aviary('get', String(ztf[0]!.alertId), '--alert-store-uri', unreachable);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^aviary: alert store postgresql:\/\/aviary:\*\*\*@127\.0\.0\.1:1\/alerts: connect ECONNREFUSED .*\n$/);
    expect(failed.stderr + failed.stdout).not.toContain(server.password);
  });
});

describe('aviary server --alert-store-uri postgresql://', () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  });

  it('serves the alerts of the PostgreSQL store, and never logs its password', async () => {
    let output = '';
    const url = await new Promise<string>((done, fail) => {
      child = spawn(process.execPath, [AVIARY_BIN, 'server', '--port', '0', '--data-dir', emptyDataDir, '--alert-store-uri', uri], { stdio: ['ignore', 'pipe', 'pipe'] });
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening on (http:\/\/\S+)/.exec(output);
        if (listening) done(listening[1]!);
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => fail(new Error(`the server exited (${code}):\n${output}`)));
    });
    const alert = ztf[3]!;
    const response = await fetch(`${url}/api/aviary/alerts/${alert.alertId}`);
    expect(response.status).toBe(200);
    const body = parseExactJson(await response.text()) as { alert: { alertId: bigint; objectId: string; scores: { module: string }[] } };
    expect(body.alert).toMatchObject({ alertId: alert.alertId, objectId: alert.objectId });
    expect(body.alert.scores.map((s) => s.module)).toEqual(['snia', 'kind']);
    const runs = await fetch(`${url}/api/aviary/dead-letters`);
    expect(((await runs.json()) as { dead_letters: unknown[] }).dead_letters).toHaveLength(1);
    expect(output).not.toContain(server.password);
  });
});
