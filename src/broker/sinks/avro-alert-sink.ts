/**
 * Matches as Avro object container files (deflate), readable by any Avro reader and by the
 * broker's own Avro source. Each record is the alert's payload with the module outputs and
 * `aviary_models` added (see avro/avro-output-schema.ts), written with the alert's writer
 * schema extended for them; alerts without one (Parquet, JSON) get a schema inferred from
 * their payloads. 64-bit longs stay exact. Cutouts are kept unless the filter says
 * `cutouts: false`.
 *
 * One file holds one schema: an alert whose writer schema (or outputs) does not fit the open
 * files goes to the next file beside it, `name.1.avro`, `name.2.avro`, ...; `description`
 * lists them all. Files are written as `.partial` and renamed on close; extra files an earlier
 * run left (`name.N.avro` beyond this run's) are removed then, so the outputs are this run's.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type avro from 'avsc';
import { toExactJson } from '../../common/exact-json.js';
import type { FilterConfig } from '../config/broker-config.js';
import type { EnrichedAlert } from '../enriched-alert.js';
import type { AlertSink } from './alert-sink.js';
import { AvroFileWriter } from './avro/avro-file-writer.js';
import { extendAlertSchema, MODELS_FIELD, outputKindsOf } from './avro/avro-output-schema.js';
import { avroSinkType, whyInvalid } from './avro/avro-sink-type.js';
import { inferAvroSchema } from './avro/infer-avro-schema.js';
import { siblingPath } from './output-file.js';
import { CUTOUT_FIELDS } from './sink-payload.js';

/** Alerts decoded without a writer schema share this key. */
const INFERRED = '';

interface OpenFile {
  readonly key: string;
  readonly writer: AvroFileWriter;
  /** The payload as this file's schema holds it (renamed keys), or undefined if it does not fit. */
  readonly toAvro: (payload: Record<string, unknown>) => Record<string, unknown> | undefined;
}

/** A record fits a file only with every field declared: avsc would silently drop the others. */
const STRICT = { noUndeclaredFields: true };

export class AvroAlertSink implements AlertSink {
  private readonly files: OpenFile[] = [];
  private readonly keys = new WeakMap<object, string>();
  private count = 0;
  private closed = false;

  constructor(private readonly filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>) {}

  get description(): string {
    const paths = this.files.length > 0 ? this.files.map((f) => f.writer.file.path) : [this.filter.output];
    const why = paths.length > 1 ? `; ${paths.length} files, one per alert schema` : '';
    return `${paths.join(', ')} (Avro${why})`;
  }

  get written(): number {
    return this.count;
  }

  async write(alerts: readonly EnrichedAlert[]): Promise<void> {
    if (this.closed) throw new Error(`${this.description} is closed: cannot write more alerts`);
    for (let i = 0; i < alerts.length; i++) {
      const enriched = alerts[i]!;
      const key = this.schemaKey(enriched);
      let file: OpenFile | undefined;
      let record: Record<string, unknown> | undefined;
      for (const f of this.files) {
        if (f.key !== key) continue;
        record = this.recordOf(enriched, f.toAvro);
        if (record && f.writer.type.isValid(record, STRICT)) {
          file = f;
          break;
        }
      }
      if (!file) {
        // The new file's outputs (and inferred fields) come from the alerts of this batch that share the key.
        const alike = alerts.slice(i).filter((a) => this.schemaKey(a) === key);
        let made = this.typeFor(key, alike);
        record = this.recordOf(enriched, made.toAvro);
        if (!record || !made.type.isValid(record, STRICT)) {
          made = this.typeFor(key, [enriched]);
          record = this.recordOf(enriched, made.toAvro);
        }
        const why = record ? whyInvalid(made.type, record) : 'it has a field the inferred schema lacks';
        if (why) throw new Error(`alert ${enriched.alert.alertId} (${enriched.alert.origin.file}) cannot be written to ${this.filter.output}: ${why}`);
        file = { key, toAvro: made.toAvro, writer: await AvroFileWriter.open(siblingPath(this.filter.output, this.files.length), made.type) };
        this.files.push(file);
      }
      await file.writer.write(record);
      this.count += 1;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.files.length === 0) {
      const empty = { type: 'record', name: 'alert', namespace: 'aviary', fields: [{ name: MODELS_FIELD, type: 'string' }] };
      this.files.push({ key: INFERRED, toAvro: () => undefined, writer: await AvroFileWriter.open(this.filter.output, avroSinkType(empty)) });
    }
    for (const f of this.files) await f.writer.close();
    await this.removeStaleSiblings();
  }

  /** The type of a new file for alerts of one key (their schema extended for their outputs), and its payload mapping. */
  private typeFor(key: string, alerts: readonly EnrichedAlert[]): Pick<OpenFile, 'toAvro'> & { type: avro.Type } {
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

  private recordOf(enriched: EnrichedAlert, toAvro: OpenFile['toAvro']): Record<string, unknown> | undefined {
    const record = toAvro(this.payloadOf(enriched));
    if (!record) return undefined;
    // A writer schema keeps left-out cutouts as null fields; an inferred one never had them.
    if (!this.filter.cutouts && enriched.alert.writerSchema !== undefined) for (const name of CUTOUT_FIELDS) if (name in enriched.alert.payload) record[name] = null;
    for (const s of enriched.scores) for (const [name, value] of Object.entries(s.outputs)) record[name] = value;
    record[MODELS_FIELD] = toExactJson(new Map(enriched.scores.map((s) => [s.module, { model: s.model, version: s.version }])));
    return record;
  }

  /** `name.N.avro` files beyond this run's, left by an earlier run. */
  private async removeStaleSiblings(): Promise<void> {
    const output = this.filter.output;
    const ext = extname(output);
    const stem = basename(output, ext);
    const ours = new Set(this.files.map((f) => basename(f.writer.file.path)));
    let names: string[];
    try {
      names = await readdir(dirname(output));
    } catch {
      return;
    }
    for (const name of names) {
      if (ours.has(name) || !name.startsWith(`${stem}.`) || !name.endsWith(ext)) continue;
      if (/^\d+$/.test(name.slice(stem.length + 1, name.length - ext.length))) await rm(join(dirname(output), name), { force: true });
    }
  }
}
