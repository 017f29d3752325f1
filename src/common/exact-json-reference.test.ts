/**
 * toExactJson against a plain reference writer (recursive, join-based, no caching) on every
 * real ZTF (fink-topics-2023) and Rubin (fink-enriched-2026) alert, cutouts included, in both
 * non-finite modes, and on random values built to hit the edge cases.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toAlert } from '../broker/alert.js';
import type { Alert } from '../broker/alert.js';
import { finkAlertDict } from '../broker/fink-alert-dict.js';
import { openAlertSource } from '../broker/sources/open-alert-source.js';
import { dataPath } from '../../tests/ts/broker/shared-data.js';
import { toExactJson } from './exact-json.js';

function reference(value: unknown, python: boolean, seen: object[] = []): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return JSON.stringify(value);
    if (!python) return 'null';
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value instanceof Date) return JSON.stringify(value);
  if (seen.includes(value)) throw new TypeError('contains itself');
  const inner = [...seen, value];
  if (Array.isArray(value)) return `[${value.map((item) => reference(item, python, inner)).join(',')}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  const fields = entries.filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol').map(([key, item]) => `${JSON.stringify(String(key))}:${reference(item, python, inner)}`);
  return `{${fields.join(',')}}`;
}

async function alertsOf(path: string): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for await (const item of openAlertSource(dataPath(path))) if (item.kind !== 'dead-letter') alerts.push(toAlert(item));
  return alerts;
}

let ztf: Alert[] = [];
let rubin: Alert[] = [];
beforeAll(async () => {
  [ztf, rubin] = await Promise.all([alertsOf('ztf/fink-topics-2023'), alertsOf('rubin/fink-enriched-2026')]);
});

describe('toExactJson matches the reference writer', () => {
  it('on every real alert payload and Fink dict, in both non-finite modes', () => {
    expect(ztf.length).toBe(561);
    expect(rubin.length).toBe(7);
    for (const alert of [...ztf, ...rubin]) {
      for (const value of [alert.payload, finkAlertDict(alert, { score: NaN, id: 2n ** 63n - 1n })]) {
        expect(toExactJson(value)).toBe(reference(value, false));
        expect(toExactJson(value, { nonFinite: 'python' })).toBe(reference(value, true));
      }
    }
  });

  it('on random values: BigInt, NaN, ±Infinity, -0, odd strings and keys, bytes, dates, Maps, undefined', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const strings = ['', 'a', '"', '\\', '\n\t', '\u0000\u001f', '\ud800', '\udc00x', 'é😀', '__proto__', 'constructor', '</script>', '1', '-0'];
    const leaf = (): unknown =>
      pick<() => unknown>([
        () => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20),
        () => pick([NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2]),
        () => BigInt(Math.floor(random() * 2 ** 31)) * 2n ** 32n * (random() < 0.5 ? -1n : 1n),
        () => pick(strings),
        () => pick([true, false, null, undefined]),
        () => new Uint8Array(Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * 256))),
        () => (random() < 0.2 ? new Date(NaN) : new Date(Math.floor(random() * 2e12))),
      ])();
    const value = (depth: number): unknown => {
      if (depth === 0 || random() < 0.4) return leaf();
      const size = Math.floor(random() * 5);
      const kind = random();
      if (kind < 0.35) return Array.from({ length: size }, () => value(depth - 1));
      const entries = Array.from({ length: size }, () => [pick(strings) + (random() < 0.5 ? '' : String(Math.floor(random() * 3))), value(depth - 1)] as const);
      return kind < 0.5 ? new Map(entries) : Object.fromEntries(entries);
    };
    for (let i = 0; i < 3000; i++) {
      const v = value(4);
      expect(toExactJson(v)).toBe(reference(v, false));
      expect(toExactJson(v, { nonFinite: 'python' })).toBe(reference(v, true));
    }
  });

  it('writes a value shared by siblings twice, and refuses a cycle through an array or a Map', () => {
    const shared = { n: 1n };
    expect(toExactJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"n":1},"b":[{"n":1},{"n":1}]}');
    const list: unknown[] = [];
    list.push({ list });
    expect(() => toExactJson(list)).toThrow(/contains itself/);
    const map = new Map<string, unknown>();
    map.set('self', [map]);
    expect(() => toExactJson(map)).toThrow(/contains itself/);
  });

  it('writes non-Uint8Array typed arrays as lists, leaves functions and symbols out of objects and nulls them in arrays', () => {
    expect(toExactJson({ f: new Float64Array([1.5, NaN]), g: () => 1, s: Symbol('s') }, { nonFinite: 'python' })).toBe('{"f":[1.5,NaN]}');
    expect(toExactJson([() => 1, undefined])).toBe('[null,null]');
  });
});
