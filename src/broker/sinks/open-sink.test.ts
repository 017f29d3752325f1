import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FilterConfig } from '../config/broker-config.js';
import { AvroAlertSink } from './avro-alert-sink.js';
import { JsonLinesAlertSink } from './json-lines-alert-sink.js';
import { MemoryAlertSink } from './memory-alert-sink.js';
import { openSink } from './open-sink.js';
import { enrich, realAlerts } from './testing/real-enriched-alerts.js';

describe('openSink', () => {
  it('picks the sink by format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aviary-sink-'));
    const filter = (format: FilterConfig['format']): FilterConfig => ({ name: 'f', expression: 'drb > 0.5', output: join(dir, `out.${format}`), format, cutouts: false });
    const jsonl = await openSink(filter('jsonl'));
    const avro = await openSink(filter('avro'));
    expect(jsonl).toBeInstanceOf(JsonLinesAlertSink);
    expect(avro).toBeInstanceOf(AvroAlertSink);
    await jsonl.close();
    await avro.close();
    expect(await readFile(join(dir, 'out.jsonl'), 'utf8')).toBe('');
    await expect(openSink({ ...filter('jsonl'), format: 'csv' as FilterConfig['format'] })).rejects.toThrow(/unknown output format "csv"/);
  });
});

describe('MemoryAlertSink', () => {
  it('keeps what it is given, until closed', async () => {
    const alerts = enrich(await realAlerts('ztf/fink-topics-2023', 3));
    const sink = new MemoryAlertSink();
    await sink.write(alerts.slice(0, 2));
    await sink.write(alerts.slice(2));
    expect(sink.written).toBe(3);
    expect(sink.alerts.map((a) => a.alert.alertId)).toEqual(alerts.map((a) => a.alert.alertId));
    await sink.close();
    await expect(sink.write(alerts)).rejects.toThrow(/closed/);
  });
});
