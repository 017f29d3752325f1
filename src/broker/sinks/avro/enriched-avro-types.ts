/**
 * The Avro types an output writes enriched alerts with: each alert's writer schema extended for
 * the module outputs (avro-output-schema.ts), or a schema inferred from the payloads of alerts
 * that came without one (Parquet, JSON). One type per distinct schema and set of outputs, made
 * on first need; an alert is placed in the first type that holds it. 64-bit longs stay exact.
 * The Avro file sink keeps one file per type, the Kafka sink one key (or schema id) per type.
 */
import type avro from 'avsc';
import { toExactJson } from '../../../common/exact-json.js';
import type { FilterConfig } from '../../config/broker-config.js';
import type { EnrichedAlert } from '../../enriched-alert.js';
import { CUTOUT_FIELDS } from '../sink-payload.js';
import { extendAlertSchema, MODELS_FIELD, outputKindsOf } from './avro-output-schema.js';
import { avroSinkType, whyInvalid } from './avro-sink-type.js';
import { inferAvroSchema } from './infer-avro-schema.js';

/** Alerts decoded without a writer schema share this key. */
const INFERRED = '';

export interface AvroSlot {
  /** Its place in `slots`: the first is 0. */
  readonly index: number;
  readonly type: avro.Type;
  /** The schema as JSON text, as a container header or a Kafka key carries it. */
  readonly schemaText: string;
  readonly key: string;
  /** The payload as this type holds it (renamed keys), or undefined if it does not fit. */
  readonly toAvro: (payload: Record<string, unknown>) => Record<string, unknown> | undefined;
}

export interface PlacedAlert {
  readonly slot: AvroSlot;
  readonly record: Record<string, unknown>;
  /** The slot was made for this alert. */
  readonly isNew: boolean;
}

/** A record fits a type only with every field declared: avsc would silently drop the others. */
const STRICT = { noUndeclaredFields: true };

export class EnrichedAvroTypes {
  readonly slots: AvroSlot[] = [];
  private readonly keys = new WeakMap<object, string>();

  /** `output`: for messages only. */
  constructor(private readonly filter: Pick<FilterConfig, 'output' | 'cutouts'>) {}

  /** The slot of `alerts[i]` and its record; a new slot's outputs come from the alerts of the batch (from i) that share its schema. */
  place(alerts: readonly EnrichedAlert[], i: number): PlacedAlert {
    const enriched = alerts[i]!;
    const key = this.schemaKey(enriched);
    for (const slot of this.slots) {
      if (slot.key !== key) continue;
      const record = this.recordOf(enriched, slot.toAvro);
      if (record && slot.type.isValid(record, STRICT)) return { slot, record, isNew: false };
    }
    const alike = alerts.slice(i).filter((a) => this.schemaKey(a) === key);
    let made = this.typeFor(key, alike);
    let record = this.recordOf(enriched, made.toAvro);
    if (!record || !made.type.isValid(record, STRICT)) {
      made = this.typeFor(key, [enriched]);
      record = this.recordOf(enriched, made.toAvro);
    }
    const why = record ? whyInvalid(made.type, record) : 'it has a field the inferred schema lacks';
    if (why || !record) throw new Error(`alert ${enriched.alert.alertId} (${enriched.alert.origin.file}) cannot be written to ${this.filter.output}: ${why}`);
    const slot: AvroSlot = { index: this.slots.length, key, ...made, schemaText: JSON.stringify(made.type.schema({ exportAttrs: true })) };
    this.slots.push(slot);
    return { slot, record, isNew: true };
  }

  /** The type of a new slot for alerts of one key (their schema extended for their outputs), and its payload mapping. */
  private typeFor(key: string, alerts: readonly EnrichedAlert[]): Pick<AvroSlot, 'toAvro' | 'type'> {
    const first = alerts[0]!.alert;
    try {
      if (key !== INFERRED) {
        const type = avroSinkType(extendAlertSchema(structuredClone(first.writerSchema as object), outputKindsOf(alerts), this.filter.cutouts));
        return { type, toAvro: (payload) => payload };
      }
      const inferred = inferAvroSchema(alerts.map((a) => this.payloadOf(a)));
      return { type: avroSinkType(extendAlertSchema(inferred.schema, outputKindsOf(alerts), this.filter.cutouts)), toAvro: inferred.toAvro };
    } catch (err) {
      throw new Error(`cannot build the Avro schema of ${this.filter.output} for alert ${first.alertId} (${first.origin.file}): ${(err as Error).message}`);
    }
  }

  /** The writer schema's text (computed once per schema object), or INFERRED. */
  private schemaKey({ alert }: EnrichedAlert): string {
    const schema = alert.writerSchema;
    if (schema === null || typeof schema !== 'object') return INFERRED;
    let key = this.keys.get(schema);
    if (key === undefined) this.keys.set(schema, (key = JSON.stringify(schema)));
    return key;
  }

  /** The payload without the cutouts the filter leaves out. */
  private payloadOf({ alert }: EnrichedAlert): Record<string, unknown> {
    const payload: Record<string, unknown> = Object.create(null);
    for (const [key, value] of Object.entries(alert.payload)) {
      if (!this.filter.cutouts && CUTOUT_FIELDS.includes(key)) continue;
      payload[key] = value;
    }
    return payload;
  }

  private recordOf(enriched: EnrichedAlert, toAvro: AvroSlot['toAvro']): Record<string, unknown> | undefined {
    const record = toAvro(this.payloadOf(enriched));
    if (!record) return undefined;
    // A writer schema keeps left-out cutouts as null fields; an inferred one never had them.
    if (!this.filter.cutouts && enriched.alert.writerSchema !== undefined) for (const name of CUTOUT_FIELDS) if (name in enriched.alert.payload) record[name] = null;
    for (const s of enriched.scores) for (const [name, value] of Object.entries(s.outputs)) record[name] = value;
    record[MODELS_FIELD] = toExactJson(new Map(enriched.scores.map((s) => [s.module, { model: s.model, version: s.version }])));
    return record;
  }
}
