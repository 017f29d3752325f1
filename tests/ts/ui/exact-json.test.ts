/** The UI's exact JSON: ids beyond 2^53 keep their digits when read and when written back. */
import { describe, expect, it } from 'vitest';
import { idText, parseExactJson } from '../../../web/src/api/exact-json.js';
import { exactJsonText } from '../../../web/src/features/alerts/exact-json-text.js';

describe('exact JSON in the UI', () => {
  it('keeps integers beyond 2^53 exact, leaves digits inside strings alone', () => {
    const text = '{"alertId":2409198414915015010,"name":"id 2409198414915015010","small":42,"ratio":1.5,"neg":-9007199254740993}';
    const value = parseExactJson(text) as Record<string, unknown>;
    expect(idText(value.alertId)).toBe('2409198414915015010');
    expect(String((JSON.parse(text) as { alertId: number }).alertId)).not.toBe('2409198414915015010'); // what JSON.parse loses
    expect(value.name).toBe('id 2409198414915015010');
    expect(value.small).toBe(42);
    expect(value.ratio).toBe(1.5);
    expect(idText(value.neg)).toBe('-9007199254740993');
  });

  it('writes a parsed payload back with the big integers unquoted and exact', () => {
    const value = parseExactJson('{"candid":2409198414915015010,"prv":[{"candid":null,"magpsf":19.5}],"s":"x"}');
    const written = exactJsonText(value);
    expect(written).toContain('"candid": 2409198414915015010');
    expect(parseExactJson(written)).toEqual(value);
  });
});
