import { describe, expect, it } from 'vitest';
import { CandidRegistry, compactDate, nightId, objectIdFor, processingId } from './ztf-ids.js';

describe('ZTF identifiers', () => {
  it('numbers nights and builds pid and candid as ZTF does (checked against a real 2023 alert)', () => {
    // real: jd 2460236.145956713, rcid 56 -> nid 2481, pid 2481xxxxx5615, candid 2481xxxxx5615015032
    const jd = 2460236.145956713;
    expect(nightId(jd)).toBe(2481);
    const pid = processingId(jd, 56);
    expect(String(pid)).toMatch(/^2481\d{5}5615$/);
    const registry = new CandidRegistry();
    const first = registry.next(pid);
    const second = registry.next(pid);
    expect(first.candid).toBe(pid * 1_000_000n + 15_000n);
    expect(second.candid - first.candid).toBe(1n);
    expect(first.candid > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('names objects uniquely in the ZTF<yy><7 letters> format', () => {
    const jd = 2460236.1;
    const names = new Set(Array.from({ length: 5000 }, (_, i) => objectIdFor(i, jd, 12345)));
    expect(names.size).toBe(5000);
    for (const name of [...names].slice(0, 50)) expect(name).toMatch(/^ZTF23[a-z]{7}$/);
    expect(compactDate(jd)).toBe('20231018');
  });
});
