import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toExactJson } from '../../common/exact-json.js';
import { parseExactJson } from '../../common/exact-json-parse.js';
import type { EnrichedAlert } from '../enriched-alert.js';
import { JsonLinesAlertSink } from './json-lines-alert-sink.js';
import { enrich, realAlerts } from './testing/real-enriched-alerts.js';

let ztf: EnrichedAlert[];
let rubin: EnrichedAlert[];
let dir: string;

beforeAll(async () => {
  ztf = enrich(await realAlerts('ztf/fink-topics-2023', 12));
  rubin = enrich(await realAlerts('rubin/fink-enriched-2026'));
  dir = await mkdtemp(join(tmpdir(), 'aviary-jsonl-'));
});

async function writeLines(output: string, alerts: readonly EnrichedAlert[], cutouts: boolean) {
  const before = existsSync(output) ? await readFile(output, 'utf8') : undefined;
  const sink = await JsonLinesAlertSink.open({ name: 'early', output, cutouts });
  await sink.write(alerts.slice(0, 5));
  await sink.write(alerts.slice(5));
  // Never seen half-written: until close, the output is absent or still the earlier one.
  expect(existsSync(output) ? await readFile(output, 'utf8') : undefined).toBe(before);
  expect(existsSync(`${output}.partial`)).toBe(true);
  await sink.close();
  expect(sink.written).toBe(alerts.length);
  expect(existsSync(`${output}.partial`)).toBe(false);
  const text = await readFile(output, 'utf8');
  return text.trimEnd().split('\n').map((line) => parseExactJson(line) as Record<string, any>);
}

describe('JsonLinesAlertSink', () => {
  it('writes ZTF alerts: exact ids, outputs at the top level, provenance, no cutouts by default', async () => {
    const output = join(dir, 'nested/folder/ztf.jsonl');
    const lines = await writeLines(output, [...ztf, ...rubin], false);
    expect(lines).toHaveLength(ztf.length + rubin.length);
    ztf.forEach(({ alert, scores }, i) => {
      const line = lines[i]!;
      expect(line.candid).toBe(alert.alertId);
      expect(typeof line.candid).toBe('bigint');
      expect(line.objectId).toBe(alert.objectId);
      expect(toExactJson(line.candidate)).toBe(toExactJson(alert.payload.candidate));
      expect(toExactJson(line.prv_candidates)).toBe(toExactJson(alert.payload.prv_candidates));
      expect(line.snia_score).toBe(scores[0]!.outputs.snia_score);
      expect(line.kind_label).toBe(scores[1]!.outputs.kind_label);
      expect(line.kind_flag).toBe(scores[1]!.outputs.kind_flag);
      expect('cutoutScience' in line).toBe(false);
      expect(line.aviary).toEqual({
        survey: 'ztf',
        alertId: alert.alertId,
        objectId: alert.objectId,
        filter: 'early',
        modules: [
          { module: 'snia', model: 'snia-model', version: '3' },
          { module: 'kind', model: '/models/kind', version: null },
        ],
      });
    });
    rubin.forEach(({ alert }, i) => {
      const line = lines[ztf.length + i]!;
      expect(line.diaSource.diaSourceId).toBe(alert.alertId);
      expect(line.aviary.alertId).toBe(alert.alertId);
      expect(line.aviary.survey).toBe('lsst');
      expect(toExactJson(line.diaObject)).toBe(toExactJson(alert.payload.diaObject));
    });
  });

  it('keeps cutouts as base64 when the filter asks', async () => {
    const lines = await writeLines(join(dir, 'cutouts.jsonl'), ztf, true);
    ztf.forEach(({ alert }, i) => {
      const cutout = alert.payload.cutoutScience as { stampData: Uint8Array };
      expect(cutout.stampData.length).toBeGreaterThan(0);
      expect(Buffer.from(lines[i]!.cutoutScience.stampData, 'base64').equals(Buffer.from(cutout.stampData))).toBe(true);
    });
  });

  it('replaces an earlier output with this run’s matches', async () => {
    const output = join(dir, 'again/out.jsonl');
    await mkdir(join(dir, 'again'), { recursive: true });
    await writeFile(output, 'old line\nold line\n');
    const lines = await writeLines(output, ztf.slice(0, 2), false);
    expect(lines.map((l) => l.candid)).toEqual(ztf.slice(0, 2).map((e) => e.alert.alertId));
  });

  it('refuses writes after close', async () => {
    const sink = await JsonLinesAlertSink.open({ name: 'x', output: join(dir, 'closed.jsonl'), cutouts: false });
    await sink.close();
    await expect(sink.write(ztf.slice(0, 1))).rejects.toThrow(/closed/);
    expect(await readFile(join(dir, 'closed.jsonl'), 'utf8')).toBe('');
  });
});
