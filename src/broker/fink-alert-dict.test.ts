import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { finkAlertDict } from './fink-alert-dict.js';
import { toExactJson } from '../common/exact-json.js';

const withProto = (fields: Record<string, unknown>) => JSON.parse(JSON.stringify(fields).replace('"proto"', '"__proto__"')) as Record<string, unknown>;

describe('finkAlertDict with untrusted keys', () => {
  it('keeps "__proto__" from the alert or a module an own field, the prototype untouched', () => {
    const alert = {
      survey: 'ztf',
      alertId: 2481454725615015032n,
      objectId: 'ZTF23abllsov',
      payload: { objectId: 'ZTF23abllsov', candidate: withProto({ candid: 1, proto: { polluted: true }, magpsf: 18.5 }), prv_candidates: null, toString: 'column' },
    } as unknown as Alert;
    const dict = finkAlertDict(alert, withProto({ proto: 'output' }));
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
    expect((dict as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(dict)).toEqual(['objectId', 'candid', '__proto__', 'magpsf', 'prv_candidates', 'toString']);
    expect(Object.getOwnPropertyDescriptor(dict, '__proto__')?.value).toBe('output');
    expect(toExactJson(dict)).toBe('{"objectId":"ZTF23abllsov","candid":2481454725615015032,"__proto__":"output","magpsf":18.5,"prv_candidates":[],"toString":"column"}');
  });
});
