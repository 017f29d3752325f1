/**
 * Every stored module output, streamed row by row for the score histograms: (module, position,
 * outputs). Outputs are parsed with JSON.parse (fast; a histogram needs doubles, not exact
 * integers) and with the exact reader only when a row holds Python's NaN or Infinity.
 */
import type { OutputValue } from '../../enriched-alert.js';
import { parseExactJson } from '../../../common/exact-json-parse.js';
import type { ScoredOutputs } from '../score-histograms.js';
import type { SqliteConnection } from './sqlite-connection.js';

export function* scanScoreOutputs(db: SqliteConnection, module: string | undefined): Generator<ScoredOutputs> {
  const statement =
    module === undefined
      ? db.prepare('SELECT module, position, outputs FROM alert_scores').raw()
      : db.prepare('SELECT module, position, outputs FROM alert_scores WHERE module = ?').raw();
  const rows = (module === undefined ? statement.iterate() : statement.iterate(module)) as Iterable<[string, bigint | number, string]>;
  for (const [name, position, text] of rows) yield { module: name, position: Number(position), outputs: parseOutputs(text) };
}

function parseOutputs(text: string): Readonly<Record<string, OutputValue>> {
  try {
    return JSON.parse(text) as Record<string, OutputValue>;
  } catch {
    return parseExactJson(text) as Record<string, OutputValue>;
  }
}
