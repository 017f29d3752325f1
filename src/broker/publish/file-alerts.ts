/**
 * The alerts of files, folders and globs (any format the broker reads) as alerts to publish,
 * `repeat` times over: their payloads as read, the writer schema of Avro ones, their survey and
 * objectId. What cannot be read (or is not a ZTF or Rubin alert) is counted, with the first
 * reason, and skipped.
 */
import { toAlert } from '../alert.js';
import { describeOrigin } from '../sources/alert-source.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import type { OutgoingAlert } from '../kafka/alert-message-encoder.js';

export interface Skipped {
  count: number;
  first?: string;
}

export async function* fileAlerts(paths: readonly string[], repeat: number, skipped: Skipped): AsyncGenerator<OutgoingAlert> {
  // One schema object per file: its text is made once.
  const texts = new WeakMap<object, string>();
  const textOf = (schema: unknown): string | undefined => {
    if (schema === null || typeof schema !== 'object') return undefined;
    let text = texts.get(schema);
    if (text === undefined) texts.set(schema, (text = JSON.stringify(schema)));
    return text;
  };
  for (let round = 0; round < repeat; round++) {
    for await (const item of openAlertSource(paths)) {
      if (item.kind === 'dead-letter') {
        if (round === 0) note(skipped, `${item.reason} (${describeOrigin(item.origin)})`);
        continue;
      }
      let alert;
      try {
        alert = toAlert(item);
      } catch (err) {
        if (round === 0) note(skipped, `${(err as Error).message} (${describeOrigin(item.origin)})`);
        continue;
      }
      const schemaText = textOf(item.writerSchema);
      yield { payload: item.payload, survey: alert.survey, objectId: String(alert.objectId ?? alert.alertId), ...(schemaText !== undefined ? { schemaText } : {}) };
    }
  }
}

function note(skipped: Skipped, reason: string): void {
  skipped.count++;
  skipped.first ??= reason;
}
