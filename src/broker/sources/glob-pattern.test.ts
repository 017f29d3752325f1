import { describe, expect, it } from 'vitest';
import { globBase, globToRegExp, isGlob } from './glob-pattern.js';

describe('glob patterns', () => {
  it('tells globs from plain paths and finds the fixed base folder', () => {
    expect(isGlob('/data/ztf/*.avro')).toBe(true);
    expect(isGlob('/data/ztf/a.avro')).toBe(false);
    expect(globBase('/data/ztf/**/part-*.avro')).toBe('/data/ztf');
    expect(globBase('/data/{a,b}/x.avro')).toBe('/data');
  });

  it.each([
    ['/d/*.avro', '/d/a.avro', true],
    ['/d/*.avro', '/d/sub/a.avro', false],
    ['/d/**/*.avro', '/d/a.avro', true],
    ['/d/**/*.avro', '/d/x/y/a.avro', true],
    ['/d/part-?.avro', '/d/part-1.avro', true],
    ['/d/part-?.avro', '/d/part-10.avro', false],
    ['/d/[ab].avro', '/d/b.avro', true],
    ['/d/[!ab].avro', '/d/b.avro', false],
    ['/d/*.{avro,parquet}', '/d/x.parquet', true],
    ['/d/*.{avro,parquet}', '/d/x.json', false],
    ['/d/a+b.avro', '/d/a+b.avro', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });
});
