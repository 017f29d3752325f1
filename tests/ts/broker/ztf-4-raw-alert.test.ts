/**
 * A raw ZTF 4.02 alert (no sample file is published): the official schema files
 * (../shared/data/ztf/schema-4.02) inlined into one writer schema, a placeholder alert with
 * real-looking values written into an Avro file, read back through openAlertSource and the
 * alert model: forced photometry (`fp_hists`) joins the light curve.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { avroContainer, inlineNamedTypes, placeholderOf } from '../../../src/broker/sources/avro/testing/avro-test-files.js';
import { dataPath } from './shared-data.js';

let dir: string;
let alerts: Alert[];

beforeAll(async () => {
  const schemaOf = async (name: string) => JSON.parse(await readFile(dataPath('ztf/schema-4.02', `${name}.avsc`), 'utf8')) as unknown;
  const named: Record<string, unknown> = {};
  for (const name of ['candidate', 'prv_candidate', 'fp_hist', 'cutout']) named[`ztf.alert.${name}`] = await schemaOf(name);
  const schema = inlineNamedTypes(await schemaOf('alert'), named) as { fields: { name: string; type: unknown }[] };
  const alert = placeholderOf(schema) as Record<string, unknown>;
  const field = (name: string) => schema.fields.find((f) => f.name === name)!.type as unknown[];
  const candid = 3560118260615015042n;
  Object.assign(alert, {
    schemavsn: '4.02',
    objectId: 'ZTF26abuxdqd',
    candid,
    candidate: { ...(alert.candidate as object), candid, jd: 2461314.6, fid: 2, ra: 10.5, dec: -20.25, magpsf: 17.86, sigmapsf: 0.05 },
    prv_candidates: [
      { ...(placeholderOf((field('prv_candidates')[1] as { items: unknown }).items) as object), jd: 2461313.5, fid: 1, magpsf: null, diffmaglim: 19.8 },
      { ...(placeholderOf((field('prv_candidates')[1] as { items: unknown }).items) as object), jd: 2461312.5, fid: 2, candid: candid - 1n, magpsf: 18.1, sigmapsf: 0.1 },
    ],
    fp_hists: [1, 2, 3].map((k) => ({ ...(placeholderOf((field('fp_hists')[1] as { items: unknown }).items) as object), jd: 2461300.5 + k, fid: 1 + (k % 2), forcediffimflux: k === 2 ? -99999 : 100 * k, forcediffimfluxunc: 10 })),
    cutoutScience: { fileName: 'sci.fits.gz', stampData: Buffer.from([0x1f, 0x8b, 8, 0]) },
  });
  dir = await mkdtemp(join(tmpdir(), 'aviary-ztf4-'));
  await writeFile(join(dir, 'alert.avro'), avroContainer(JSON.stringify(schema), [alert]).bytes);
  alerts = [];
  for await (const item of readAlerts(openAlertSource(dir))) {
    if (isDeadLetter(item)) throw new Error(item.reason);
    alerts.push(item);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a raw ZTF 4.02 alert', () => {
  it('reads with its embedded schema, ids exact', () => {
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ survey: 'ztf', alertId: 3560118260615015042n, objectId: 'ZTF26abuxdqd', band: 'r', time: 2461314.6 });
  });

  it('assembles prv_candidates, fp_hists and the candidate into one light curve', () => {
    const curve = alerts[0]!.lightCurve;
    expect(curve).toHaveLength(2 + 3 + 1);
    expect(curve.map((p) => p.kind)).toEqual(['forced', 'forced', 'forced', 'detection', 'upper-limit', 'detection']);
    expect(curve.filter((p) => p.kind === 'forced').map((p) => p.flux!.value)).toEqual([100, null, 300]);
    expect(curve.at(-1)!.current).toBe(true);
    expect(curve[4]!.limitingMagnitude).toBeCloseTo(19.8, 5);
  });
});
