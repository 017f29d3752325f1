/**
 * Test support for the pipeline's tests: real ZTF alerts read in place from the shared data,
 * sources built from them, a store that remembers how many alerts it has been given, and a
 * recording logger.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../common/logger.js';
import type { EnvironmentBuilder } from '../../runtime/environment-builder.js';
import type { EnrichedAlert } from '../enriched-alert.js';
import type { AlertSource, AlertSourceItem, RawAlertRecord } from '../sources/alert-source.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import type { WriteResult } from '../store/alert-store.js';
import { MemoryAlertStore } from '../store/memory-alert-store.js';

export const FINK_TOPICS = resolve(fileURLToPath(new URL('../../../..', import.meta.url)), 'shared/data/ztf/fink-topics-2023');

/** ONNX models need no Python environment: a build request is a mistake in the test. */
export const noEnvironments: EnvironmentBuilder = {
  build: async () => {
    throw new Error('this test loads ONNX models only: no Python environment should be built');
  },
};

/** The first `count` raw records of the real alerts. */
export async function rawAlerts(count: number): Promise<RawAlertRecord[]> {
  const records: RawAlertRecord[] = [];
  for await (const item of openAlertSource(FINK_TOPICS)) {
    if (item.kind === 'alert') records.push(item);
    if (records.length === count) break;
  }
  return records;
}

/** `records` again and again, `times` over; `onYield(n)` is told how many were handed out (and may pause the source). */
export function replicatedSource(records: readonly RawAlertRecord[], times: number, onYield?: (yielded: number) => void | Promise<void>): AlertSource {
  return {
    description: `${records.length} real alerts, ${times} times`,
    async *[Symbol.asyncIterator](): AsyncGenerator<AlertSourceItem> {
      let yielded = 0;
      for (let t = 0; t < times; t++) {
        for (const record of records) {
          yield record;
          await onYield?.(++yielded);
        }
      }
    },
  };
}

/** A MemoryAlertStore that counts the rows it was given (replays included). */
export class CountingAlertStore extends MemoryAlertStore {
  written = 0;
  override async writeAlerts(alerts: readonly EnrichedAlert[]): Promise<WriteResult> {
    const result = await super.writeAlerts(alerts);
    this.written += alerts.length;
    return result;
  }
}

export function recordingLogger(): Logger & { lines: string[]; waitFor(text: string): Promise<void> } {
  const lines: string[] = [];
  const waiting: { text: string; resolve: () => void }[] = [];
  const add = (line: string) => {
    lines.push(line);
    for (const w of waiting.filter((w) => line.includes(w.text))) w.resolve();
  };
  return {
    lines,
    info: add,
    warn: add,
    error: add,
    waitFor: (text) => (lines.some((l) => l.includes(text)) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text, resolve }))),
  };
}

export const modelFolder = (dir: string, name: string) => join(dir, name);
