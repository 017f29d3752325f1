import { describe, expect, it } from 'vitest';
import { alertTypeFor } from '../sources/avro/avro-alert-type.js';
import { SIMULATED_SURVEYS, alertSchemaText, labelOf, simulateAlerts } from './simulate-alerts.js';

describe('simulateAlerts', () => {
  it.each(SIMULATED_SURVEYS)('yields %s alerts one by one: the record, its Avro body under the survey schema, its ids and class', (survey) => {
    const { type, name } = alertTypeFor(alertSchemaText(survey));
    expect(name).toBe(survey === 'lsst' ? 'lsst.v10_0.alert' : 'ztf.alert');
    const alerts = [...simulateAlerts({ survey, n: 12, seed: 5 })];
    expect(alerts).toHaveLength(12);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(12);
    for (const alert of alerts) {
      expect(alert.survey).toBe(survey);
      const decoded = type.fromBuffer(alert.body) as Record<string, unknown>;
      expect(decoded[survey === 'lsst' ? 'diaSourceId' : 'candid']).toBe(alert.id);
      expect(type.toBuffer(decoded).equals(alert.body)).toBe(true);
      expect(alert.body.equals(type.toBuffer(alert.record))).toBe(true);
      expect(['snia', 'variable', 'agn', 'bogus']).toContain(alert.class);
    }
    const again = [...simulateAlerts({ survey, n: 12, seed: 5 })];
    expect(again.every((a, i) => a.body.equals(alerts[i]!.body))).toBe(true);
  });

  it('names the ids in the labels as each survey does, in exact digits', () => {
    const [ztf] = simulateAlerts({ survey: 'ztf', n: 1, seed: 1 });
    const [lsst] = simulateAlerts({ survey: 'lsst', n: 1, seed: 1 });
    expect(labelOf(ztf!)).toEqual({ candid: String(ztf!.id), objectId: ztf!.objectId, class: ztf!.class });
    expect(labelOf(lsst!)).toEqual({ diaSourceId: String(lsst!.id), diaObjectId: String(lsst!.objectId), class: lsst!.class });
    expect(labelOf(lsst!).diaSourceId).toMatch(/^\d{18}$/);
  });
});
