/**
 * Alerts from a source: each raw record mapped to the envelope; a record that is not a ZTF or
 * Rubin alert (or lacks its ids) becomes a dead letter at the record's origin, like a file
 * that cannot be read.
 */
import type { Alert } from './alert.js';
import { toAlert } from './alert.js';
import type { AlertSource, DeadLetter } from './sources/alert-source.js';
import { deadLetter, reasonOf } from './sources/alert-source.js';

export async function* readAlerts(source: AlertSource): AsyncGenerator<Alert | DeadLetter> {
  for await (const item of source) {
    if (item.kind === 'dead-letter') {
      yield item;
      continue;
    }
    let alert: Alert;
    try {
      alert = toAlert(item);
    } catch (err) {
      yield deadLetter(item.origin, reasonOf(err));
      continue;
    }
    yield alert;
  }
}

export function isDeadLetter(item: Alert | DeadLetter): item is DeadLetter {
  return 'kind' in item && item.kind === 'dead-letter';
}
