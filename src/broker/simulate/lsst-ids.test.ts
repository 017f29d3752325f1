import { describe, expect, it } from 'vitest';
import { LsstIdRegistry, dayObs, detectorExposure, seqNum, sourceId, visitId } from './lsst-ids.js';

describe('Rubin identifiers', () => {
  it('pack visit, detector and row as real Rubin ids do (read off real alerts, v9 2025 and v10 2026)', () => {
    expect(sourceId(2025090500225n, 2, 41)).toBe(169298432598474793n);
    expect(sourceId(2025090500225n, 41, 5)).toBe(169298432618921989n);
    expect(sourceId(2026030500055n, 140, 107)).toBe(170094456272322667n);
    expect(sourceId(2026030500057n, 107, 45)).toBe(170094456523456557n);
    expect(sourceId(2026021800060n, 134, 60)).toBe(170028486242598972n);
  });

  it('numbers nights by day_obs (UTC-12h) and exposures by seq_num within the night', () => {
    // real: midpointMjdTai 61105.093643 (2026-03-06 02:14 UT) was visit 2026030500xxx
    expect(dayObs(61105.093643)).toBe(20260305);
    expect(dayObs(61104.99)).toBe(20260305);
    expect(dayObs(61104.49)).toBe(20260304);
    expect(String(visitId(61105.093643))).toMatch(/^20260305\d{5}$/);
    expect(seqNum(61105.1)).toBeGreaterThan(seqNum(61105.0));
    expect(seqNum(61104 + 23 / 24 + 10 / 86_400)).toBe(1); // 23:00:10 UT, the first exposure
    expect(seqNum(61104 + 23 / 24 + 50 / 86_400)).toBe(2);
  });

  it('never gives two sources of one detector and visit the same id, nor two seeds (even equal mod 512)', () => {
    const visit = visitId(61105.093643);
    const seven = new LsstIdRegistry(7);
    const ids = Array.from({ length: 1024 }, () => seven.next(visit, 140));
    expect(new Set(ids).size).toBe(1024);
    for (const id of ids) {
      expect(id > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(id >> 19n).toBe(detectorExposure(visit, 140));
    }
    expect(() => seven.next(visit, 140)).toThrow(/more than 1024 simulated sources in exposure/);
    expect(ids).not.toContain(new LsstIdRegistry(8).next(visit, 140));
    expect(new LsstIdRegistry(7 + 512).next(visit, 140)).not.toBe(ids[0]);
    expect(seven.next(visit, 141)).not.toBe(ids[0]);
  });
});
