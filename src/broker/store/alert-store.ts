/**
 * The alert store boundary: enriched alerts kept for the CLI, the HTTP API and the UI. SQLite
 * (embedded, `<data dir>/alerts.db`), PostgreSQL and memory implement it and pass one contract
 * suite. Writes are idempotent by (survey, alert id): a replay replaces the alert's row, never
 * adds a second one. Scores belong to (alert, module): a write replaces the scores of the
 * modules it carries and keeps every other module's (another broker config's), with their
 * versions and times. A shadow alias's outputs belong to (alert, module, alias) the same way,
 * kept apart from the scores. An id already stored under another object is refused (see
 * `WriteResult.refused`). Cutouts are kept apart from the row (the UI fetches them one by one);
 * the payload is stored without them.
 */
import type { LabelSource } from '../config/broker-config.js';
import type { StreamStatus } from '../sources/stream-status.js';
import type { Alert, Cutouts, Survey } from '../alert.js';
import type { EnrichedAlert, ModuleDeadLetter, ModuleScores, OutputValue, ShadowScores } from '../enriched-alert.js';
import type { AlertFilter } from '../filters/alert-filter.js';
import type { DeadLetter } from '../sources/alert-source.js';

export interface StoredAlert {
  readonly survey: Survey;
  readonly alertId: bigint;
  readonly objectId: string | bigint | null;
  readonly time: number;
  readonly ra: number;
  readonly dec: number;
  readonly band: string | null;
  /** ZTF magpsf, or null. */
  readonly magnitude: number | null;
  /** Rubin psfFlux (nJy), or null. */
  readonly flux: number | null;
  /** Every module's latest scores of the alert, each module once, in the order the modules first scored it. */
  readonly scores: readonly StoredModuleScores[];
  /** Every shadow alias's latest outputs for the alert (module and alias once each), apart from the modules' own; absent when none. */
  readonly shadows?: readonly StoredShadowScores[];
  /** The alert as decoded, cutouts removed; 64-bit integers as BigInt. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The file the alert was read from. */
  readonly sourceFile: string;
  /** ISO time of the last write (a replay updates it). */
  readonly storedAt: string;
}

/** A module's outputs as stored, with when they were written. */
export interface StoredModuleScores extends ModuleScores {
  /** ISO time of the write that stored these outputs (a later run of other modules keeps it). */
  readonly scoredAt: string;
}

/** A shadow alias's outputs as stored, with when they were written. */
export interface StoredShadowScores extends ShadowScores {
  readonly scoredAt: string;
}

/** One alert scored by both a module and one of its shadow aliases, as the comparison reads it. */
export interface ComparisonRow {
  readonly survey: Survey;
  readonly alertId: bigint;
  readonly objectId: string | bigint | null;
  readonly time: number;
  readonly champion: { readonly version: string | null; readonly outputs: Readonly<Record<string, OutputValue>> };
  readonly shadow: { readonly version: string | null; readonly outputs: Readonly<Record<string, OutputValue>> };
  /** With `labelField`: the field's value as a filter reads it (a flat-dict name or a dotted path); undefined when absent. */
  readonly label?: unknown;
}

export interface ComparisonRowsOptions {
  readonly module: string;
  readonly alias: string;
  /** Most rows, the most recently stored first (default 100,000). */
  readonly limit?: number;
  /** An alert field holding the truth, read into each row's `label`. */
  readonly labelField?: string;
}

export interface WriteResult {
  /** Alerts not stored before. */
  readonly inserted: number;
  /** Alerts already stored, rewritten with their modules' scores replaced. */
  readonly updated: number;
  /**
   * Alerts not written because their (survey, alert id) is stored under another object id: two
   * objects cannot share an alert id, so one of them is wrong. Each is kept as a source dead
   * letter (its file and position) whose reason names the survey, the id and both object ids.
   */
  readonly refused: number;
  /** Which alerts of the batch were refused (their index in it) and why; present when some were. */
  readonly refusals?: readonly { readonly index: number; readonly reason: string }[];
}

export interface AlertPage {
  readonly alerts: readonly StoredAlert[];
  /** Pass back as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

export interface SearchOptions {
  /** Only alerts the filter matches (evaluated on the payload's flat dict and the scores). */
  readonly filter?: AlertFilter;
  readonly survey?: Survey;
  /** Most alerts on the page (default 100). */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly after?: string;
}

/** One dead letter as stored: from a source (file and position) or from a module (alert and module). */
export interface StoredDeadLetter {
  readonly kind: 'source' | 'module';
  readonly reason: string;
  readonly at: string;
  /** Source dead letters: where the file failed. */
  readonly file?: string;
  readonly position?: string;
  /** Module dead letters. */
  readonly module?: string;
  readonly stage?: ModuleDeadLetter['stage'];
  readonly survey?: Survey;
  readonly alertId?: bigint;
  readonly objectId?: string | bigint | null;
  readonly model?: string;
  readonly version?: string | null;
}

/** A broker run as the UI shows it, live: rewritten every few seconds while it runs. */
export interface BrokerRunStatus {
  readonly runId: string;
  /** Saved as running, finished or failed; `interrupted` is only read: a running run whose process is gone (live-run-status.ts). */
  readonly state: 'running' | 'finished' | 'failed' | 'interrupted';
  readonly startedAt: string;
  /** The heartbeat: saved every few seconds while the run's process lives. */
  readonly updatedAt: string;
  /** The process running the broker, and its host (what tells a dead run from a live one). */
  readonly pid?: number;
  readonly host?: string;
  readonly finishedAt?: string;
  readonly config: string;
  readonly alertsRead: number;
  readonly alertsStored: number;
  readonly alertsPerSecond: number;
  readonly sourceDeadLetters: number;
  readonly modules: readonly ModuleStatus[];
  readonly filters: readonly { readonly name: string; readonly expression: string; readonly matched: number; readonly output: string }[];
  readonly latencyMs?: { readonly p50: number; readonly p99: number };
  /** A stream source's partitions (committed offset, lag, alerts/s) and latency from the Kafka timestamp. */
  readonly stream?: StreamStatus;
  readonly error?: string;
}

export interface ModuleStatus {
  readonly name: string;
  /** As configured: models:/name@alias or a folder. */
  readonly model: string;
  readonly modelName: string;
  readonly version: string | null;
  readonly alias?: string;
  readonly state: 'loading' | 'building-environment' | 'ready' | 'degraded' | 'closed';
  readonly scored: number;
  readonly deadLettered: number;
  readonly reason?: string;
  /** Every version that scored during the run (a followed alias can move), oldest first. */
  readonly versions?: readonly ModuleVersionUsage[];
  /** The module's shadow aliases, in the config's order. */
  readonly shadows?: readonly ShadowStatus[];
  /** The latest move of the followed alias that the swap check refused: the module kept its version. */
  readonly swapRefused?: SwapRefusal;
  /** Where the comparison finds the truth (the config's `labels:`). */
  readonly labels?: LabelSource;
}

/** A shadow alias of a module: what it scores with and how it is doing; it never affects the module. */
export interface ShadowStatus {
  readonly alias: string;
  /** The version scoring now; null until one loaded. */
  readonly version: string | null;
  /** failed: its version could not load (or the alias does not exist): it scores nothing until the alias moves. */
  readonly state: 'loading' | 'building-environment' | 'ready' | 'degraded' | 'failed' | 'closed';
  readonly scored: number;
  readonly deadLettered: number;
  readonly reason?: string;
  readonly versions?: readonly ModuleVersionUsage[];
  readonly swapRefused?: SwapRefusal;
}

/** An alias move the broker would not follow: the new version failed the check on recently stored alerts. */
export interface SwapRefusal {
  readonly version: string;
  /** One line, e.g. "3 of 200 alerts raise in pre_processing: KeyError: 'magpsf' (candid 1234)". */
  readonly reason: string;
  /** ISO time of the check. */
  readonly at: string;
}

/** Every state a module reports, for those who list them all (metrics give each a series). */
export const MODULE_STATES = ['loading', 'building-environment', 'ready', 'degraded', 'closed'] as const satisfies readonly ModuleStatus['state'][];

export interface ModuleVersionUsage {
  readonly version: string | null;
  readonly scored: number;
  readonly deadLettered: number;
}

/** The distribution of one numeric module output over the stored alerts. */
export interface ScoreHistogram {
  readonly module: string;
  readonly output: string;
  readonly min: number;
  readonly max: number;
  /**
   * Alerts per bin: bin i holds values in [min + i * width, min + (i + 1) * width), width being
   * (max - min) / bins; the last bin also holds max. When min equals max, every value is in bin 0.
   */
  readonly counts: readonly number[];
  /** Alerts with a finite number for this output (the sum of counts). */
  readonly total: number;
}

export interface ScoreHistogramOptions {
  /** Bins per histogram, 1 to 200. */
  readonly bins: number;
  /** Only this module's outputs. */
  readonly module?: string;
}

export interface AlertStore {
  readonly description: string;
  writeAlerts(alerts: readonly EnrichedAlert[]): Promise<WriteResult>;
  writeModuleDeadLetters(letters: readonly ModuleDeadLetter[]): Promise<void>;
  writeSourceDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
  getAlert(alertId: bigint, survey?: Survey): Promise<StoredAlert | undefined>;
  /** Every alert of the object, oldest first. */
  alertsOfObject(objectId: string | bigint): Promise<StoredAlert[]>;
  searchAlerts(options?: SearchOptions): Promise<AlertPage>;
  cutouts(alertId: bigint, survey?: Survey): Promise<Cutouts>;
  countAlerts(): Promise<number>;
  deadLetters(options?: { module?: string; limit?: number }): Promise<StoredDeadLetter[]>;
  saveRunStatus(status: BrokerRunStatus): Promise<void>;
  /** Newest first; a run saved as running whose process is gone reads as interrupted (liveRunStatuses). */
  runStatuses(limit?: number): Promise<BrokerRunStatus[]>;
  /**
   * Per module and numeric output, the histogram of its values over the stored scores, in the
   * modules' order then by output name. Outputs with no finite number (text, booleans) are left out.
   */
  scoreHistograms(options: ScoreHistogramOptions): Promise<ScoreHistogram[]>;
  /** The alerts both the module and its shadow alias scored (each side's latest outputs), most recently stored first. */
  comparisonRows(options: ComparisonRowsOptions): Promise<ComparisonRow[]>;
  close(): Promise<void>;
}

/** The alert of a stored row, rebuilt from its payload (light curve included). */
export type StoredAlertToAlert = (stored: StoredAlert) => Alert;
