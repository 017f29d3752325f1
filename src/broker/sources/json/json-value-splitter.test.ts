import { describe, expect, it } from 'vitest';
import { JsonValueSplitter } from './json-value-splitter.js';

/** Feeds `text` in chunks of `size` bytes; returns the values and what is left at the end. */
function split(text: string, size: number) {
  const splitter = new JsonValueSplitter();
  const bytes = Buffer.from(text);
  const values = [];
  for (let i = 0; i < bytes.length; i += size) values.push(...splitter.push(bytes.subarray(i, i + size)));
  return { values: values.map((v) => ({ text: v.bytes.toString(), byteOffset: v.byteOffset, line: v.line })), rest: splitter.end() };
}

describe.each([1, 3, 1000])('JsonValueSplitter, chunks of %i bytes', (size) => {
  it('splits JSON lines, with byte offsets and lines', () => {
    const { values, rest } = split('{"a": 1}\n{"b": "}{"}\n\n{"c": [1, {"d": 2}]}\n', size);
    expect(values).toEqual([
      { text: '{"a": 1}', byteOffset: 0, line: 1 },
      { text: '{"b": "}{"}', byteOffset: 9, line: 2 },
      { text: '{"c": [1, {"d": 2}]}', byteOffset: 22, line: 4 },
    ]);
    expect(rest).toBeUndefined();
  });

  it('splits pretty-printed objects and the elements of one top-level array', () => {
    expect(split('{\n  "a": "x\\"}"\n}\n{\n "b": 2\n}', size).values.map((v) => [v.text.replace(/\s/g, ''), v.line])).toEqual([
      ['{"a":"x\\"}"}', 1],
      ['{"b":2}', 4],
    ]);
    expect(split('[\n {"a": 1},\n {"b": 2}\n]\n', size).values.map((v) => [v.text, v.line])).toEqual([
      ['{"a": 1}', 2],
      ['{"b": 2}', 3],
    ]);
  });

  it('gives an unfinished last value as incomplete, and a stray line as one complete piece', () => {
    const { values, rest } = split('{"a": 1}\nnot json\n{"b": [1, 2', size);
    expect(values.map((v) => v.text)).toEqual(['{"a": 1}', 'not json']);
    expect(rest).toMatchObject({ complete: false, line: 3, byteOffset: 18 });
    expect(rest!.bytes.toString()).toBe('{"b": [1, 2');
  });
});
