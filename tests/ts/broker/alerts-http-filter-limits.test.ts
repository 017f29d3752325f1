/**
 * `/api/aviary/alerts/search` with filters at and past the grammar's nesting limit, and with
 * long flat chains, on a store of real ZTF alerts: the caller's oversized filter is a 400
 * naming the limit, never a 500.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../../src/app/open-aviary.js';
import type { Alert } from '../../../src/broker/alert.js';
import { MAX_FILTER_NESTING } from '../../../src/broker/filters/filter-parser.js';
import { silentLogger } from '../../../src/common/logger.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { createApp } from '../../../src/server/create-app.js';
import { enrich, madeUpScore, ztfAlerts } from './alerts-real-alerts.js';

let work: string;
let aviary: Aviary;
let server: Server;
let url: string;
let ztf: Alert[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-alerts-limits-'));
  aviary = await openAviary(configForDataDir(join(work, 'data')), silentLogger);
  ztf = await ztfAlerts(10);
  await aviary.alerts.writeAlerts(enrich(ztf));
  server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await aviary.close();
  await rm(work, { recursive: true, force: true });
});

async function search(filter: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/api/aviary/alerts/search?limit=1000&filter=${encodeURIComponent(filter)}`);
  return { status: response.status, body: parseExactJson(await response.text()) as Record<string, unknown> };
}

const nested = (condition: string, levels: number) => `${'('.repeat(levels)}${condition}${')'.repeat(levels)}`;
const ids = (body: Record<string, unknown>) => (body.alerts as { alertId: bigint }[]).map((a) => a.alertId);

describe('alerts search: filter size', () => {
  it(`answers a filter nested ${MAX_FILTER_NESTING} levels deep as the flat one`, async () => {
    const flat = await search('snia_score > 0.01');
    expect(flat.status).toBe(200);
    const expected = ztf.filter((a) => madeUpScore(a) > 0.01).map((a) => a.alertId);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(ztf.length);
    expect(ids(flat.body)).toEqual([...expected].sort((a, b) => (a < b ? -1 : 1)));
    const deep = await search(nested('snia_score > 0.01', MAX_FILTER_NESTING));
    expect(deep.status).toBe(200);
    expect(ids(deep.body)).toEqual(ids(flat.body));
  });

  it('refuses 3,000 nested parentheses with a 400 naming the limit and the position', async () => {
    const { status, body } = await search(nested('snia_score > 0.01', 3000));
    expect(status).toBe(400);
    expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(body.message).toMatch(
      new RegExp(`^Invalid filter: too deeply nested: .*at most ${MAX_FILTER_NESTING} levels of parentheses and \`not\` are allowed at position ${MAX_FILTER_NESTING + 1}\\n`),
    );
  });

  // The chain's length is bounded here by the URL's size only; parse-filter.test.ts reads 20,000 conditions.
  it('answers a flat chain of 500 or-ed conditions', async () => {
    const chain = ztf.slice(0, 1).map((a) => `objectId = '${a.objectId}'`).concat(Array.from({ length: 499 }, (_, i) => `ndethist = ${-1 - i}`));
    const { status, body } = await search(chain.join(' or '));
    expect(status).toBe(200);
    expect(ids(body)).toEqual(ztf.filter((a) => a.objectId === ztf[0]!.objectId).map((a) => a.alertId));
  });
});
