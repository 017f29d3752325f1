/**
 * `aviary modules compare --alert-store-uri postgresql://...`: the same real alerts, with a
 * champion's and a challenger's scores, stored in PostgreSQL and in SQLite give the same
 * comparison, byte for byte (the rows come from each store's own SQL).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { modulesCommand } from '../../../src/cli/commands/modules-command.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import type { ModuleComparison } from '../../../src/broker/comparison/module-comparison.js';
import { rubinAlerts, ztfAlerts } from '../broker/alerts-real-alerts.js';
import { runStatus, shadowedAlerts, writeLabels } from '../broker/shadowed-alerts.js';
import { LocalPostgres } from './local-postgres.js';

const aviaryModules = (...args: string[]) => runInProcess(modulesCommand, args);

let server: LocalPostgres;
let work: string;
let postgresUri: string;
let sqliteUri: string;
let compared: number;

beforeAll(async () => {
  const [started, ztf, rubin, dir] = await Promise.all([LocalPostgres.start(), ztfAlerts(40), rubinAlerts(), mkdtemp(join(tmpdir(), 'aviary-pg-compare-'))]);
  [server, work] = [started, dir];
  postgresUri = await server.createDatabase();
  sqliteUri = `sqlite:///${work}/alerts.db`;
  const labelsFile = join(work, '_labels.jsonl');
  await writeLabels(labelsFile, [...ztf, ...rubin]);
  const alerts = shadowedAlerts([...ztf, ...rubin]);
  compared = alerts.compared.length;
  for (const uri of [postgresUri, sqliteUri]) {
    const store = await openAlertStore(uri);
    await store.writeAlerts(alerts.enriched);
    await store.saveRunStatus(runStatus(join(work, 'broker.yaml'), labelsFile));
    await store.close();
  }
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('aviary modules compare on PostgreSQL', () => {
  it('prints the comparison SQLite gives for the same alerts, whole and limited', async () => {
    for (const extra of [[], ['--threshold', '0.3', '--limit', '15']]) {
      // One after the other: an in-process run captures the process's stdout.
      const pg = await aviaryModules('compare', 'snia', '--data-dir', work, '--alert-store-uri', postgresUri, '--json', ...extra);
      const sqlite = await aviaryModules('compare', 'snia', '--data-dir', work, '--alert-store-uri', sqliteUri, '--json', ...extra);
      expect(pg.stderr).toBe('');
      expect(pg.code).toBe(0);
      expect(pg.stdout).toBe(sqlite.stdout);
      const c = parseExactJson(pg.stdout) as ModuleComparison;
      // Limited to 15 rows, one of which may be the challenger's text output.
      if (extra.length === 0) expect(c.shadows[0]!.count).toBe(compared);
      else expect([14, 15]).toContain(c.shadows[0]!.count);
      expect(c.shadows[0]!.labels!.labelled).toBe(c.shadows[0]!.count);
    }
  });
});
