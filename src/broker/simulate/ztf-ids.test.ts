import { describe, expect, it } from 'vitest';
import { CandidRegistry, compactDate, nightId, objectIdFor, processingId } from './ztf-ids.js';

describe('ZTF identifiers', () => {
  it('numbers nights and builds pid and candid as ZTF does (checked against a real 2023 alert)', () => {
    // real: jd 2460236.145956713, rcid 56 -> nid 2481, pid 2481xxxxx5615, candid 2481xxxxx5615015032
    const jd = 2460236.145956713;
    expect(nightId(jd)).toBe(2481);
    const pid = processingId(jd, 56);
    expect(String(pid)).toMatch(/^2481\d{5}5615$/);
    const registry = new CandidRegistry(2024);
    const first = registry.next(pid);
    const second = registry.next(pid);
    // pid, the seed's three digits, then the source's row in the exposure's table (tblid).
    for (const { candid, tblid } of [first, second]) {
      expect(candid / 1_000_000n).toBe(pid);
      expect((candid / 1000n) % 1000n).toBe(24n);
      expect(candid % 1000n).toBe(BigInt(tblid));
      expect(String(candid)).toMatch(/^2481\d{5}5615024\d{3}$/);
    }
    expect(second.tblid).toBe((first.tblid + 1) % 1000);
    expect(first.candid > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('never gives two sources of one exposure the same candid, nor two seeds (even equal mod 1000)', () => {
    const pid = processingId(2460236.145956713, 56);
    const seven = new CandidRegistry(7);
    const rows = Array.from({ length: 1000 }, () => seven.next(pid).candid);
    expect(new Set(rows).size).toBe(1000);
    expect(() => seven.next(pid)).toThrow(/more than 1000 simulated sources in exposure/);
    const eight = new CandidRegistry(8).next(pid).candid;
    expect(rows).not.toContain(eight);
    // Seeds 7 and 1007 share their three digits: their exposures' first rows differ.
    expect(new CandidRegistry(1007).next(pid).candid).not.toBe(rows[0]);
  });

  it('names objects uniquely in the ZTF<yy><7 letters> format', () => {
    const jd = 2460236.1;
    const names = new Set(Array.from({ length: 5000 }, (_, i) => objectIdFor(i, jd, 12345)));
    expect(names.size).toBe(5000);
    for (const name of [...names].slice(0, 50)) expect(name).toMatch(/^ZTF23[a-z]{7}$/);
    expect(compactDate(jd)).toBe('20231018');
  });
});
