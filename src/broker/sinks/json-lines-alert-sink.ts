/**
 * Matches as JSON lines, one alert a line, as Fink distributes them: the alert's payload
 * (cutouts left out unless the filter keeps them, then bytes as base64) with every module
 * output added at the top level, and an `aviary` object saying where the line comes from:
 *
 *   {"candid":2481454725615015032,"objectId":"ZTF23abllsov",...,"snia_score":0.93,
 *    "aviary":{"survey":"ztf","alertId":2481454725615015032,"objectId":"ZTF23abllsov",
 *              "filter":"early_snia","modules":[{"module":"snia","model":"snia","version":"3"}]}}
 *
 * 64-bit integers are exact digits (common/exact-json.ts); NaN and infinities become null.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { toExactJson } from '../../common/exact-json.js';
import type { FilterConfig } from '../config/broker-config.js';
import type { EnrichedAlert } from '../enriched-alert.js';
import type { AlertSink } from './alert-sink.js';
import { OutputFile } from './output-file.js';
import { CUTOUT_FIELDS, provenanceOf } from './sink-payload.js';

export class JsonLinesAlertSink implements AlertSink {
  readonly description: string;
  private count = 0;
  private closed = false;

  private constructor(
    private readonly filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>,
    private readonly file: OutputFile,
    private readonly handle: FileHandle,
  ) {
    this.description = `${filter.output} (JSON lines)`;
  }

  static async open(filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>): Promise<JsonLinesAlertSink> {
    const file = new OutputFile(filter.output);
    const handle = await open(await file.prepare(), 'w');
    return new JsonLinesAlertSink(filter, file, handle);
  }

  get written(): number {
    return this.count;
  }

  async write(alerts: readonly EnrichedAlert[]): Promise<void> {
    if (this.closed) throw new Error(`${this.description} is closed: cannot write more alerts`);
    if (alerts.length === 0) return;
    const lines = alerts.map((enriched) => toExactJson(this.lineOf(enriched)) + '\n');
    await this.handle.write(lines.join(''));
    this.count += alerts.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
    await this.file.commit();
  }

  /** A Map keeps any key (even `__proto__`) as written, in order. */
  private lineOf({ alert, scores }: EnrichedAlert): Map<string, unknown> {
    const line = new Map<string, unknown>();
    for (const [key, value] of Object.entries(alert.payload)) {
      if (!this.filter.cutouts && CUTOUT_FIELDS.includes(key)) continue;
      line.set(key, value);
    }
    for (const s of scores) for (const [key, value] of Object.entries(s.outputs)) line.set(key, value);
    line.set('aviary', {
      survey: alert.survey,
      alertId: alert.alertId,
      objectId: alert.objectId,
      filter: this.filter.name,
      modules: provenanceOf(scores),
    });
    return line;
  }
}
