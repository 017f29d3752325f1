import { describe, expect, it } from 'vitest';
import { toAlert } from '../alert.js';
import { rawAlerts } from '../pipeline/pipeline-test-support.js';
import { columnOf } from '../config/read-module-inputs.js';
import { inputRecords, valueAt } from './module-inputs.js';

describe('inputRecords', () => {
  it('takes flat-dict names, dotted paths and earlier outputs; missing numbers become NaN', async () => {
    const alerts = (await rawAlerts(2)).map(toAlert);
    const fields = ['magpsf', 'candidate.ndethist', 'snia', 'no_such_field', 'objectId'];
    const records = inputRecords(alerts, [{ snia: 0.5 }, {}], fields.map((field) => ({ column: columnOf(field), field })));
    const candidate = alerts[0]!.payload.candidate as Record<string, unknown>;
    expect(records[0]).toEqual({ magpsf: candidate.magpsf, ndethist: candidate.ndethist, snia: 0.5, no_such_field: Number.NaN, objectId: alerts[0]!.objectId });
    expect(records[1]!.snia).toBeNaN();
    expect(records[1]!.no_such_field).toBeNaN();
  });

  it('fills each column from the field the config maps it to', async () => {
    const alerts = (await rawAlerts(3)).map(toAlert);
    const records = inputRecords(alerts, [], [
      { column: 'sigma', field: 'candidate.sigmapsf' },
      { column: 'real', field: 'drb' },
    ]);
    alerts.forEach((alert, i) => {
      const candidate = alert.payload.candidate as Record<string, unknown>;
      expect(typeof candidate.sigmapsf).toBe('number');
      expect(records[i]).toEqual({ sigma: candidate.sigmapsf, real: candidate.drb });
    });
  });

  it('walks nested records and leaves a missing path undefined', () => {
    expect(valueAt({ a: { b: { c: 3 } } }, 'a.b.c')).toBe(3);
    expect(valueAt({ a: { b: null } }, 'a.b.c')).toBeUndefined();
    expect(valueAt({ 'a.b': 1 }, 'a.b')).toBe(1);
  });
});
