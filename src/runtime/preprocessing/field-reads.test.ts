/**
 * Only the fields a step reads are sent: learned by real workers (the host's python3; the
 * worker side is standard library only), checked against the features of whole alerts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import type { EnvironmentBuilder } from '../environment-builder.js';
import { LEARNING_ALERTS, mergeReads, projectFields, readSpecOf, type ReadSpec } from './field-reads.js';
import { PreprocessingStep } from './preprocessing-step.js';

const [executable, prefix] = execFileSync('python3', ['-c', 'import sys; print(sys.executable); print(sys.prefix)'], { encoding: 'utf8' }).trim().split('\n');
const builder: EnvironmentBuilder = { build: async () => ({ hash: 'host', python: executable!, dir: prefix! }) };

/** Fink-like alerts: a flat candidate, a history of wide entries, a 64-bit id. */
function alerts(n: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const history = Array.from({ length: i % 5 }, (_, j) => ({ jd: 100 + j, fid: 1 + (j % 2), magpsf: j === 1 ? null : 18 + j / 10, ...wide(j) }));
    return { candid: 2n ** 62n + BigInt(i), jd: 200 + i, fid: 1 + (i % 2), magpsf: 17 + (i % 7) / 10, extra: i * 3, rare: i >= 1000 ? 1 : 0, prv_candidates: history, ...wide(i) };
  });
}

function wide(i: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: 60 }, (_, f) => [`field${f}`, i + f]));
}

const STEPS: Record<string, string> = {
  // Reads a few fields, one of them only on rare alerts (never among the first ones).
  few: `
FEATURE_NAMES = ["mag", "n", "mean_prv", "rare", "candid_mod"]

def pre_processing(alert):
    prv = [p for p in alert.get("prv_candidates") or [] if p.get("magpsf") is not None]
    mean = sum(p["magpsf"] for p in prv) / len(prv) if prv else 0.0
    rare = alert["extra"] if alert["rare"] else -1
    return [alert["magpsf"], len(prv), mean, rare, alert["candid"] % 1000003]
`,
  // Iterates the alert: it needs it whole.
  iterates: `
FEATURE_NAMES = ["keys", "mag"]

def pre_processing(alert):
    return [sum(1 for k in alert if k.startswith("field")), alert["magpsf"]]
`,
  // Reads through C code that bypasses the mapping's methods: caught by running it again on the cut alert.
  bypasses: `
FEATURE_NAMES = ["size", "mag"]

def pre_processing(alert):
    return [dict.__len__(alert), alert["magpsf"]]
`,
  // Looks for a field that no alert has, and catches KeyError: the answer must stay the same.
  catches: `
FEATURE_NAMES = ["missing", "mag"]

def pre_processing(alert):
    try:
        value = alert["not_there"]
    except KeyError:
        value = -5.0
    return [value, alert.get("magpsf")]
`,
};

/** What each step gives for an alert, computed here on the whole alert. */
const EXPECTED: Record<string, (a: Record<string, unknown>) => number[]> = {
  few: (a) => {
    const prv = (a.prv_candidates as { magpsf: number | null }[]).filter((p) => p.magpsf !== null);
    const mean = prv.length ? prv.reduce((s, p) => s + p.magpsf!, 0) / prv.length : 0;
    return [a.magpsf as number, prv.length, mean, a.rare ? (a.extra as number) : -1, Number((a.candid as bigint) % 1000003n)];
  },
  iterates: (a) => [60, a.magpsf as number],
  bypasses: (a) => [Object.keys(a).length, a.magpsf as number],
  catches: (a) => [-5, a.magpsf as number],
};

let root: string;
const steps: Record<string, PreprocessingStep> = {};
const logged: Record<string, string[]> = {};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aviary-field-reads-'));
  for (const [name, code] of Object.entries(STEPS)) {
    const dir = join(root, name);
    execFileSync('mkdir', [dir]);
    await writeFile(join(dir, 'preprocessing.py'), code);
    await writeFile(join(dir, 'requirements.txt'), '');
    const lines: string[] = (logged[name] = []);
    const logger: Logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), debug: () => {} } as Logger;
    steps[name] = await PreprocessingStep.start({ name, dir, python: '3.11.7', builder, batchSize: 100, logger });
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(steps).map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

async function featuresOf(step: PreprocessingStep, batch: Record<string, unknown>[]): Promise<number[][]> {
  const answer = await step.featurize(batch);
  expect(answer.errors.filter(Boolean)).toEqual([]);
  return batch.map((_, i) => answer.columns.map((c) => c[i]!));
}

describe('only the fields a step reads are sent', () => {
  it('learns the reads, then sends alerts cut to them; a rare read sends that alert again whole', async () => {
    const step = steps.few!;
    for (let from = 0; from < 1100; from += 275) {
      const batch = alerts(275, from);
      expect(await featuresOf(step, batch)).toEqual(batch.map(EXPECTED.few!));
    }
    const reads = logged.few!.find((line) => line.includes('only those fields are sent'));
    expect(reads).toBeDefined();
    expect(reads).toContain('prv_candidates[magpsf]');
    expect(reads).not.toContain('field1');
    expect(reads).not.toContain('extra');
    expect(logged.few!.filter((line) => line.includes('also reads more fields')).join('\n')).toContain('extra');
  });

  it('sends whole alerts to a step that iterates the alert, or reads it through C code', async () => {
    for (const name of ['iterates', 'bypasses']) {
      for (let from = 0; from < 2 * LEARNING_ALERTS + 50; from += 150) {
        const batch = alerts(150, from);
        expect(await featuresOf(steps[name]!, batch), name).toEqual(batch.map(EXPECTED[name]!));
      }
      expect(logged[name]!.some((line) => line.includes('reads the alert whole')), name).toBe(true);
    }
  });

  it('keeps KeyError for a field that no alert has', async () => {
    for (let from = 0; from < 2 * LEARNING_ALERTS; from += 100) {
      const batch = alerts(100, from);
      expect(await featuresOf(steps.catches!, batch)).toEqual(batch.map(EXPECTED.catches!));
    }
    expect(logged.catches!.join('\n')).toContain('reads not_there, magpsf; only those fields are sent');
  });
});

describe('read specs', () => {
  const spec = readSpecOf({ a: {}, h: { x: {}, y: null }, w: null })!;

  it('cut records, lists of records and leave other values as they are', () => {
    const value = { a: 1n, b: 2, h: [{ x: 1, y: { deep: [1] }, z: 3 }, 7], w: { any: 1 }, bytes: new Uint8Array([1]) };
    expect(projectFields(value, spec)).toEqual({ a: 1n, h: [{ x: 1, y: { deep: [1] } }, 7], w: { any: 1 } });
    expect(projectFields(value, null)).toBe(value);
  });

  it('merge as unions, the whole value winning', () => {
    const other = readSpecOf({ h: { z: {} }, c: {}, a: null })!;
    expect(JSON.parse(JSON.stringify(mergeReads(spec, other)))).toEqual({ a: null, h: { x: {}, y: null, z: {} }, w: null, c: {} });
    expect(mergeReads(spec, null)).toBeNull();
  });

  it('refuse what a worker could send to hurt the host', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100; i++) deep = { k: deep };
    expect(readSpecOf(deep)).toBeUndefined();
    expect(readSpecOf(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, {}])))).toBeUndefined();
    expect(readSpecOf([1, 2])).toBeUndefined();
    expect(readSpecOf('whole')).toBeUndefined();
    const proto = readSpecOf(JSON.parse('{"__proto__": {"polluted": {}}}')) as ReadSpec;
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
