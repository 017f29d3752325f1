import { describe, expect, it } from 'vitest';
import { ClassScheduler, parseClassMix } from './class-mix.js';

describe('parseClassMix', () => {
  it('reads shares and normalises them', () => {
    expect(parseClassMix('snia=3, bogus=1')).toEqual({ snia: 0.75, variable: 0, agn: 0, bogus: 0.25 });
  });

  it.each([
    ['snia=0.5,ghost=0.5', /unknown class "ghost".*known: snia, variable, agn, bogus/],
    ['snia', /"snia" is not class=share/],
    ['snia=-1', /share of snia must be a number >= 0, got "-1"/],
    ['snia=x', /must be a number/],
    ['snia=1,snia=2', /"snia" is given twice/],
    ['snia=0,agn=0', /at least one class needs a share above 0/],
  ])('refuses %s', (text, message) => {
    expect(() => parseClassMix(text)).toThrow(message);
  });
});

describe('ClassScheduler', () => {
  it('keeps the alert counts within one object of the mix', () => {
    const scheduler = new ClassScheduler(parseClassMix('snia=0.5,variable=0.3,bogus=0.2'));
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const c = scheduler.next();
      const alerts = (i % 5) + 1;
      scheduler.record(c, alerts);
      counts[c] = (counts[c] ?? 0) + alerts;
    }
    expect(counts.agn).toBeUndefined();
    expect(Math.abs(counts.snia! - 600)).toBeLessThanOrEqual(5);
    expect(Math.abs(counts.variable! - 360)).toBeLessThanOrEqual(5);
    expect(Math.abs(counts.bogus! - 240)).toBeLessThanOrEqual(5);
  });
});
