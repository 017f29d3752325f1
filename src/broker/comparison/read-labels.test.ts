// Labels files as `aviary simulate` writes them (and as another tool might: ids as JSON numbers), read with exact ids.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelOf } from '../simulate/simulate-alerts.js';
import type { ComparisonRow } from '../store/alert-store.js';
import { labelKey, labelsFromField, readLabelsFile } from './read-labels.js';

describe('readLabelsFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-labels-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('maps survey and exact id to class, for ZTF and Rubin lines, quoted ids or bare ones', async () => {
    const file = join(dir, '_labels.jsonl');
    const lines = [
      JSON.stringify(labelOf({ survey: 'ztf', id: 2_417_439_305_815_015_003n, objectId: 'ZTF23abcdefg', class: 'snia' })),
      JSON.stringify(labelOf({ survey: 'lsst', id: 9_007_199_254_740_993n, objectId: 170_028_486_536_511_489n, class: 'agn' })),
      '',
      '{"candid": 2417439305815015005, "objectId": "ZTF23x", "class": "kn"}',
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    const labels = await readLabelsFile(file);
    expect(labels.size).toBe(3);
    expect(labels.get(labelKey('ztf', 2_417_439_305_815_015_003n))).toBe('snia');
    expect(labels.get(labelKey('lsst', 9_007_199_254_740_993n))).toBe('agn');
    expect(labels.get(labelKey('lsst', 9_007_199_254_740_992n))).toBeUndefined();
    expect(labels.get(labelKey('ztf', 2_417_439_305_815_015_005n))).toBe('kn');
  });

  it('names the file and line of a bad line, and says what a missing file should be', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, '{"candid": "1", "class": "snia"}\n{"objectId": "ZTF1", "class": "snia"}\n');
    await expect(readLabelsFile(file)).rejects.toThrow(`${file}:2: no alert id: expected "candid" (ZTF) or "diaSourceId" (Rubin)`);
    await writeFile(file, '{"candid": "1", "class": "snia"}\n{"candid": "1",\n');
    await expect(readLabelsFile(file)).rejects.toThrow(`${file}:2: not a JSON line`);
    await writeFile(file, '{"candid": "12x", "class": "snia"}\n');
    await expect(readLabelsFile(file)).rejects.toThrow(`${file}:1: "candid" must be the alert's id`);
    await expect(readLabelsFile(join(dir, 'none.jsonl'))).rejects.toThrow(`labels file ${join(dir, 'none.jsonl')}: no such file`);
  });
});

describe('labelsFromField', () => {
  it("reads a row's field value as text, unknown when absent or null", () => {
    const labels = labelsFromField('is_snia', 'true');
    const withLabel = (label: unknown) => ({ label }) as unknown as ComparisonRow;
    expect(labels.classOf(withLabel(true))).toBe('true');
    expect(labels.classOf(withLabel(1))).toBe('1');
    expect(labels.classOf(withLabel(null))).toBeUndefined();
    expect(labels.classOf(withLabel(undefined))).toBeUndefined();
    expect(labels.source).toBe('field is_snia');
  });
});
