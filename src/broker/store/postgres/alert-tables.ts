/**
 * The alert store's tables on PostgreSQL, as Kysely sees them. JSONB columns travel as their
 * text both ways (the pool's type parsers hand JSONB over unparsed: jsonb-text.ts reads it
 * exactly); int8 columns as BigInt; timestamps are written as ISO text and read as Dates.
 */
import type { ColumnType, Generated } from 'kysely';
import type { KeyColumns } from '../key-columns.js';

type Timestamp = ColumnType<Date, string, string>;
type JsonbText = ColumnType<string, string, string>;

export interface AlertsTable extends KeyColumns {
  /** {"<module>": {"<output>": value, ...}, ...}: each module's latest outputs. */
  scores: JsonbText;
  /** {"<module>": {"model", "version", "scored_at", "position", "nonfinite"?}, ...}. */
  scored_by: JsonbText;
  payload: JsonbText;
  /** Where the payload held NaN or an infinity (stored there as null); NULL when nowhere. */
  payload_nonfinite: ColumnType<string | null, string | null, string | null>;
  source_file: string;
  stored_at: Timestamp;
}

/** A shadow alias's latest outputs for an alert, apart from the module's own in `alerts.scores`. */
export interface ShadowScoresTable {
  survey: string;
  alert_id: bigint;
  module: string;
  alias: string;
  model: string;
  version: string | null;
  outputs: JsonbText;
  /** Where the outputs held NaN or an infinity (stored there as null); NULL when nowhere. */
  outputs_nonfinite: ColumnType<string | null, string | null, string | null>;
  scored_at: Timestamp;
}

export interface CutoutsTable {
  survey: string;
  alert_id: bigint;
  kind: string;
  encoding: string;
  file_name: string | null;
  bytes: Buffer;
}

export interface ModuleDeadLettersTable {
  id: Generated<bigint>;
  at: Timestamp;
  module: string;
  stage: string;
  survey: string;
  alert_id: bigint;
  object_id: string | null;
  model: string;
  version: string | null;
  reason: string;
}

export interface SourceDeadLettersTable {
  id: Generated<bigint>;
  at: Timestamp;
  file: string;
  position: string;
  reason: string;
}

export interface BrokerRunsTable {
  run_id: string;
  started_at: Timestamp;
  status: JsonbText;
  updated: Timestamp;
}

export interface AlertTables {
  alerts: AlertsTable;
  cutouts: CutoutsTable;
  shadow_scores: ShadowScoresTable;
  module_dead_letters: ModuleDeadLettersTable;
  source_dead_letters: SourceDeadLettersTable;
  broker_runs: BrokerRunsTable;
}
