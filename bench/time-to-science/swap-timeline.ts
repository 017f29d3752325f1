/**
 * One alias move measured from outside the broker: when the move was made (the registry's
 * answer), then from the broker's log (each line starts with its ISO time) when it noticed the
 * move and when each worker of the new version was ready, with the parts it reported (the
 * interpreter's start, `import mlflow`, the model's load); from the environment cache's build
 * logs, the builds started meanwhile; and from the alert store, when the first alert scored by
 * the new version was stored (its score row's scored_at).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';

export interface WorkerReady {
  /** Date.now() scale. */
  readonly at: number;
  readonly readyS: number;
  readonly interpreterS: number;
  readonly importS: number;
  readonly loadS: number;
}

export interface SwapTimeline {
  readonly kind: 'warm' | 'rollback' | 'onnx' | 'cold';
  readonly module: string;
  readonly version: string;
  /** Date.now() when the registry answered the move. */
  readonly movedAt: number;
  readonly noticedAt?: number;
  /** Seconds of each environment build started after the move (the model's, a preprocessing step's). */
  readonly builds: readonly number[];
  readonly model?: WorkerReady;
  readonly preprocessing?: WorkerReady;
  /** The swap check's seconds, as the broker logged them ("loaded in 4.1 s, checked in 0.3 s"). */
  readonly checkS?: number;
  readonly firstStoredAt: number;
}

const LINE_TIME = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /;
const READY = /worker pid \d+ ready in ([\d.]+) s: interpreter ([\d.]+) s,(?: import mlflow ([\d.]+) s,)? .* loaded in ([\d.]+) s/;

/** The log lines at or after `since` (Date.now() scale), with their times. */
export function logLinesSince(log: string, since: number): { at: number; text: string }[] {
  return log.split('\n').flatMap((line) => {
    const time = LINE_TIME.exec(line);
    const at = time ? Date.parse(time[1]!) : Number.NaN;
    return at >= since ? [{ at, text: line }] : [];
  });
}

/** The first line naming the module and the version after the move: the broker noticed it. */
export function noticedAt(lines: readonly { at: number; text: string }[], module: string, version: string): number | undefined {
  const names = new RegExp(`\\b${module}\\b.*\\bversion ${version}\\b`);
  return lines.find((l) => names.test(l.text))?.at;
}

/** The ready line of the worker named `[name]` (e.g. "[snia/3]", "[snia/3 preprocessing]"). */
export function workerReady(lines: readonly { at: number; text: string }[], name: string): WorkerReady | undefined {
  for (const line of lines) {
    if (!line.text.includes(`[${name}] worker pid`)) continue;
    const m = READY.exec(line.text);
    if (m) return { at: line.at, readyS: Number(m[1]), interpreterS: Number(m[2]), importS: Number(m[3] ?? 0), loadS: Number(m[4]) };
  }
  return undefined;
}

/** The seconds the new version's check took, from the line saying it was loaded. */
export function checkSeconds(lines: readonly { at: number; text: string }[], module: string, version: string): number | undefined {
  const loaded = new RegExp(`\\b${module}: version ${version} loaded in [\\d.]+ s, checked in ([\\d.]+) s`);
  for (const line of lines) {
    const m = loaded.exec(line.text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Build seconds of every environment whose build began at or after `since`, from <cache>/logs/*.log. */
export function buildsSince(cacheDir: string, since: number): number[] {
  const logs = join(cacheDir, 'logs');
  const seconds: number[] = [];
  for (const file of readdirSync(logs, { withFileTypes: true })) {
    if (!file.isFile() || !file.name.endsWith('.log')) continue;
    let began: number | undefined;
    for (const line of readFileSync(join(logs, file.name), 'utf8').split('\n')) {
      const start = /^=== (\S+) building /.exec(line);
      if (start) began = Date.parse(start[1]!);
      const ready = /^=== ready in ([\d.]+)s/.exec(line);
      if (ready && began !== undefined && began >= since) seconds.push(Number(ready[1]));
    }
  }
  return seconds;
}

/** When the first alert scored by `module` at `version` since `since` was stored (Date.now() scale), or undefined yet. */
export function firstScoredAt(alertsDb: string, module: string, version: string, since: number): number | undefined {
  const db = new Sqlite(alertsDb, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const sql = 'SELECT min(scored_at) FROM alert_scores WHERE module = ? AND version = ? AND scored_at >= ?';
    const first = db.prepare(sql).pluck().get(module, version, new Date(since).toISOString()) as string | null;
    return first ? Date.parse(first) : undefined;
  } finally {
    db.close();
  }
}

/** Alerts stored, and per module the alerts each version scored: every alert scored once, by one version. */
export function scoreCounts(alertsDb: string): { alerts: number; byVersion: { module: string; version: string; alerts: number }[] } {
  const db = new Sqlite(alertsDb, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const alerts = Number(db.prepare('SELECT count(*) FROM alerts').pluck().get());
    const byVersion = db.prepare('SELECT module, version, count(*) AS alerts FROM alert_scores GROUP BY module, version ORDER BY module, CAST(version AS INTEGER)').all() as {
      module: string;
      version: string;
      alerts: number;
    }[];
    return { alerts, byVersion };
  } finally {
    db.close();
  }
}
