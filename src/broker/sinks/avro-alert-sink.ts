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
import type { FilterConfig } from '../config/broker-config.js';
import type { EnrichedAlert } from '../enriched-alert.js';
import type { AlertSink } from './alert-sink.js';
import { AvroFileWriter } from './avro/avro-file-writer.js';
import { MODELS_FIELD } from './avro/avro-output-schema.js';
import { avroSinkType } from './avro/avro-sink-type.js';
import { EnrichedAvroTypes } from './avro/enriched-avro-types.js';
import { siblingPath } from './output-file.js';

export class AvroAlertSink implements AlertSink {
  /** One file per slot of `types`, in slot order. */
  private readonly files: AvroFileWriter[] = [];
  private readonly types: EnrichedAvroTypes;
  private count = 0;
  private closed = false;

  constructor(private readonly filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>) {
    this.types = new EnrichedAvroTypes(filter);
  }

  get description(): string {
    const paths = this.files.length > 0 ? this.files.map((f) => f.file.path) : [this.filter.output];
    const why = paths.length > 1 ? `; ${paths.length} files, one per alert schema` : '';
    return `${paths.join(', ')} (Avro${why})`;
  }

  get written(): number {
    return this.count;
  }

  async write(alerts: readonly EnrichedAlert[]): Promise<void> {
    if (this.closed) throw new Error(`${this.description} is closed: cannot write more alerts`);
    for (let i = 0; i < alerts.length; i++) {
      const { slot, record } = this.types.place(alerts, i);
      // Slots are made in order, and a file is opened for each as it is made.
      if (slot.index === this.files.length) this.files.push(await AvroFileWriter.open(siblingPath(this.filter.output, slot.index), slot.type));
      await this.files[slot.index]!.write(record);
      this.count += 1;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.files.length === 0) {
      const empty = { type: 'record', name: 'alert', namespace: 'aviary', fields: [{ name: MODELS_FIELD, type: 'string' }] };
      this.files.push(await AvroFileWriter.open(this.filter.output, avroSinkType(empty)));
    }
    for (const f of this.files) await f.close();
    await this.removeStaleSiblings();
  }

  /** `name.N.avro` files beyond this run's, left by an earlier run. */
  private async removeStaleSiblings(): Promise<void> {
    const output = this.filter.output;
    const ext = extname(output);
    const stem = basename(output, ext);
    const ours = new Set(this.files.map((f) => basename(f.file.path)));
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
