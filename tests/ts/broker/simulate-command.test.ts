/**
 * `aviary simulate` as a real process: exit 0 with the alert files, the labels and a summary for
 * Rubin as for ZTF; exit 1 with one line naming what is wrong for bad input, nothing written.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAlert } from '../../../src/broker/alert.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-simulate-cli-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('aviary simulate', () => {
  it('writes Rubin lsst.v10_0 alerts with --survey lsst: one <diaSourceId>.avro each, the labels, a summary; exit 0', async () => {
    const out = join(work, 'lsst');
    const result = await runCliProcess(['simulate', '--survey', 'lsst', '--n', '20', '--out', out, '--seed', '4', '--per-file', '1', '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^wrote 20 Rubin lsst\.v10_0 alerts in 20 files .*\nclasses: snia \d+, variable \d+, agn \d+, bogus \d+; labels in _labels\.jsonl; seed 4\n$/);
    const files = (await readdir(out)).filter((f) => f.endsWith('.avro'));
    const labels = (await readFile(join(out, '_labels.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { diaSourceId: string });
    expect(files.sort()).toEqual(labels.map((l) => `${l.diaSourceId}.avro`).sort());
    for await (const item of openAlertSource(out)) {
      if (item.kind !== 'alert') throw new Error(`dead letter: ${item.reason}`);
      expect(toAlert(item).survey).toBe('lsst');
    }
  });

  it('lists lsst among the surveys in its help', async () => {
    const result = await runCliProcess(['simulate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--survey <survey>[\s\S]*lsst \(Rubin lsst\.v10_0\)[\s\S]*choices: "ztf",\s+"lsst"/);
  });

  it.each([
    [['--survey', 'foo'], /argument 'foo' is invalid\. Allowed choices are ztf, lsst\./],
    [['--survey', 'lsst', '--gzip-level', '3'], /^aviary: --gzip-level applies to ZTF's gzipped cutouts: Rubin's are plain FITS$/],
    [['--survey', 'lsst', '--history-days', '0'], /^aviary: --history-days must be a number of days above 0, got "0"$/],
  ])('exits 1 with one line for %j, writing nothing', async (args, message) => {
    const out = join(work, `bad-${args.join('-')}`);
    const result = await runCliProcess(['simulate', '--n', '5', '--out', out, ...args]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
