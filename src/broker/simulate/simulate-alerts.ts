/**
 * Simulated alerts of a survey, one by one: each as its record, its Avro body (the record's
 * binary encoding under the survey's schema, schemaless: no container, no framing), its ids and
 * its true class. What `aviary simulate` writes to files, for any other destination, e.g.
 *
 *   for (const alert of simulateAlerts({ survey: 'lsst', n: 1000, seed: 7 })) send(alert.body);
 *
 * with `alertSchemaText(survey)` the writer schema the bodies need.
 */
import { alertTypeFor } from '../sources/avro/avro-alert-type.js';
import type { SimulatedClass } from './light-curve-model.js';
import { LSST_ALERT_SCHEMA_TEXT } from './lsst-alert-schema.js';
import { type LsstSimulationOptions, generateLsstAlerts } from './simulate-lsst-alerts.js';
import { type ZtfSimulationOptions, generateZtfAlerts } from './simulate-ztf-alerts.js';
import { simulationSeed } from './simulation-options.js';
import { ZTF_ALERT_SCHEMA_TEXT } from './ztf-alert-schema.js';

export const SIMULATED_SURVEYS = ['ztf', 'lsst'] as const;
export type SimulatedSurvey = (typeof SIMULATED_SURVEYS)[number];

export type SimulateAlertsOptions = ({ readonly survey: 'ztf' } & ZtfSimulationOptions) | ({ readonly survey: 'lsst' } & LsstSimulationOptions);

export interface EncodedSimulatedAlert {
  readonly survey: SimulatedSurvey;
  /** The alert as the survey's schema encodes it (longs as BigInt, cutouts as Buffers). */
  readonly record: Record<string, unknown>;
  /** The record's Avro binary encoding under `alertSchemaText(survey)`. */
  readonly body: Buffer;
  /** ZTF candid, Rubin diaSourceId. */
  readonly id: bigint;
  /** ZTF objectId, Rubin diaObjectId. */
  readonly objectId: string | bigint;
  readonly class: SimulatedClass;
}

/** The JSON text of the writer schema of a survey's simulated alerts (ZTF 4.02, lsst.v10_0). */
export function alertSchemaText(survey: SimulatedSurvey): string {
  return survey === 'lsst' ? LSST_ALERT_SCHEMA_TEXT : ZTF_ALERT_SCHEMA_TEXT;
}

/** Without a seed a random one is drawn: pass one to have the same alerts again. */
export function* simulateAlerts(options: SimulateAlertsOptions): Generator<EncodedSimulatedAlert> {
  const { type } = alertTypeFor(alertSchemaText(options.survey));
  for (const alert of surveyAlerts({ ...options, seed: simulationSeed(options) })) yield { ...alert, body: type.toBuffer(alert.record) };
}

/** The alert's line in `_labels.jsonl`: its ids as the survey names them (exact digits) and its class. */
export function labelOf(alert: Pick<EncodedSimulatedAlert, 'survey' | 'id' | 'objectId' | 'class'>): Record<string, string> {
  return alert.survey === 'lsst'
    ? { diaSourceId: String(alert.id), diaObjectId: String(alert.objectId), class: alert.class }
    : { candid: String(alert.id), objectId: String(alert.objectId), class: alert.class };
}

function* surveyAlerts(options: SimulateAlertsOptions): Generator<Omit<EncodedSimulatedAlert, 'body'>> {
  if (options.survey === 'lsst') {
    for (const { record, label } of generateLsstAlerts(options)) yield { survey: 'lsst', record, id: label.diaSourceId, objectId: label.diaObjectId, class: label.class };
  } else {
    for (const { record, label } of generateZtfAlerts(options)) yield { survey: 'ztf', record, id: label.candid, objectId: label.objectId, class: label.class };
  }
}
