import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../alert.js';
import { isDeadLetter, readAlerts } from '../read-alerts.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import { dataPath } from '../../../tests/ts/broker/shared-data.js';
import { filterRecord } from './filter-record.js';
import { parseFilter } from './parse-filter.js';

let alerts: Alert[] = [];
const candidateOf = (alert: Alert) => alert.payload.candidate as Record<string, unknown>;
const countMatching = (expression: string) => {
  const filter = parseFilter(expression);
  return alerts.filter((alert) => filter.matches(filterRecord(alert, []))).length;
};

beforeAll(async () => {
  for await (const item of readAlerts(openAlertSource(dataPath('ztf/fink-topics-2023')))) {
    if (isDeadLetter(item)) throw new Error(item.reason);
    alerts.push(item);
  }
});

describe('filters on real ZTF alerts (fink-topics-2023)', () => {
  it('counts ndethist <= 20 and drb > 0.5 as the payload does', () => {
    const direct = alerts.filter((a) => (candidateOf(a).ndethist as number) <= 20 && (candidateOf(a).drb as number) > 0.5).length;
    expect(direct).toBeGreaterThan(0);
    expect(direct).toBeLessThan(alerts.length);
    expect(countMatching('ndethist <= 20 and drb > 0.5')).toBe(direct);
    expect(countMatching('candidate.ndethist <= 20 AND candidate.drb > 0.5')).toBe(direct);
    expect(countMatching('not (ndethist <= 20 and drb > 0.5)')).toBe(alerts.length - direct);
  });

  it('selects by exact candid, beyond 2^53', () => {
    const candids = alerts.map((a) => a.alertId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const median = candids[Math.floor(candids.length / 2)]!;
    expect(median > 2n ** 53n).toBe(true);
    expect(countMatching(`candid > ${median}`)).toBe(candids.filter((c) => c > median).length);
    expect(countMatching(`candid = ${median}`)).toBe(candids.filter((c) => c === median).length);
    expect(countMatching(`candid = ${median + 1n}`)).toBe(candids.filter((c) => c === median + 1n).length);
  });

  it('reads strings, in lists and module outputs', () => {
    const direct = alerts.filter((a) => candidateOf(a).isdiffpos === 't' && (candidateOf(a).fid === 1 || candidateOf(a).fid === 3)).length;
    expect(direct).toBeGreaterThan(0);
    expect(direct).toBeLessThan(alerts.length);
    expect(countMatching(`isdiffpos = 't' and fid in (1, 3)`)).toBe(direct);
    expect(countMatching(`isdiffpos = "t" and fid not in (2)`)).toBe(direct);

    const filter = parseFilter('snia_score > 0.7 and candidate.magpsf is not null');
    const scored = (score: number | null) => filterRecord(alerts[0]!, [{ module: 'snia', model: 'snia', version: '1', outputs: { snia_score: score } }]);
    expect(filter.matches(scored(0.9))).toBe(true);
    expect(filter.matches(scored(0.5))).toBe(false);
    expect(filter.matches(scored(null))).toBe(false);
  });

  it('reads a Rubin alert’s diaSource fields flat and dotted, ids exact', async () => {
    const rubin: Alert[] = [];
    for await (const item of readAlerts(openAlertSource(dataPath('rubin/fink-enriched-2026')))) if (!isDeadLetter(item)) rubin.push(item);
    const source = (a: Alert) => a.payload.diaSource as Record<string, unknown>;
    const median = [...rubin.map((a) => source(a).psfFlux as number)].sort((a, b) => a - b)[3]!;
    const direct = rubin.filter((a) => (source(a).psfFlux as number) > median).length;
    expect(direct).toBeGreaterThan(0);
    for (const expression of [`psfFlux > ${median}`, `diaSource.psfFlux > ${median}`]) {
      const filter = parseFilter(expression);
      expect(rubin.filter((a) => filter.matches(filterRecord(a, []))).length).toBe(direct);
    }
    const id = rubin[0]!.alertId;
    const filter = parseFilter(`diaSourceId = ${id} or diaSourceId = ${id + 1n}`);
    expect(rubin.filter((a) => filter.matches(filterRecord(a, []))).map((a) => a.alertId)).toEqual(rubin.filter((a) => a.alertId === id || a.alertId === id + 1n).map((a) => a.alertId));
  });
});
