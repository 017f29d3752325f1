/** Dead letters as the alert store keeps them: one shape for source and module failures. */
import type { ModuleDeadLetter } from '../enriched-alert.js';
import type { AlertOrigin, DeadLetter } from '../sources/alert-source.js';
import type { Survey } from '../alert.js';
import type { StoredDeadLetter } from './alert-store.js';
import { objectIdOf } from './key-columns.js';

export function moduleDeadLetter(letter: ModuleDeadLetter, at: string): StoredDeadLetter {
  return {
    kind: 'module',
    reason: letter.reason,
    at,
    module: letter.module,
    stage: letter.stage,
    survey: letter.survey,
    alertId: letter.alertId,
    objectId: letter.objectId,
    model: letter.model,
    version: letter.version,
  };
}

export function sourceDeadLetter(letter: DeadLetter, at: string): StoredDeadLetter {
  return { kind: 'source', reason: letter.reason, at, file: letter.origin.file, position: positionIn(letter.origin) };
}

/** "line 3, byte 1234, block 0, record 5": where in its file, without the file. */
export function positionIn(origin: AlertOrigin): string {
  const at: string[] = [];
  if (origin.line !== undefined) at.push(`line ${origin.line}`);
  if (origin.byteOffset !== undefined) at.push(`byte ${origin.byteOffset}`);
  if (origin.block !== undefined) at.push(`${origin.format === 'parquet' ? 'row group' : 'block'} ${origin.block}`);
  if (origin.index !== undefined) at.push(`record ${origin.index}`);
  return at.join(', ');
}

/** A dead letter as both SQL stores select it: the two tables as one, `at` as ISO text. */
export interface DeadLetterRow {
  kind: 'source' | 'module';
  id: bigint;
  at: string;
  reason: string;
  file: string | null;
  position: string | null;
  module: string | null;
  stage: string | null;
  survey: string | null;
  alert_id: bigint | null;
  object_id: string | null;
  model: string | null;
  version: string | null;
}

export function toStoredDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  if (row.kind === 'source') return { kind: 'source', reason: row.reason, at: row.at, file: row.file ?? '', position: row.position ?? '' };
  const survey = row.survey as Survey;
  return {
    kind: 'module',
    reason: row.reason,
    at: row.at,
    module: row.module ?? '',
    stage: row.stage as StoredDeadLetter['stage'],
    survey,
    alertId: row.alert_id ?? 0n,
    objectId: objectIdOf(survey, row.object_id),
    model: row.model ?? '',
    version: row.version,
  };
}
