/**
 * Aviary beside what a user would write instead: plain_python_broker.py, one Python process
 * scoring the same alerts with the same preprocessing and models, run in turn with the
 * three-module Aviary run (Aviary, plain, Aviary, plain, ...), each measured as a process tree
 * (wall time, CPU, peak RSS; process-tree.ts), and every alert's scores compared.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mlflowClientEnv } from '../../tests/ts/runtime/training.js';
import { endToEndRun, type EndToEndRun, type ModuleSetup } from './end-to-end.js';
import { sampleTree, type TreeUsage } from './process-tree.js';
import { int } from './report.js';

const here = import.meta.dirname;
/** The broker config's outputs, by module (end-to-end.ts configText). */
const OUTPUTS: Record<string, string> = { pre: 'pre_score', fields: 'fields_score', boosted: 'boosted_score' };
const SCORE_NAMES = ['pre_score', 'fields_score', 'boosted_score'] as const;
export const PARITY_TOLERANCE = 1e-9;

/** candid (exact digits) -> the three scores, in SCORE_NAMES order. */
type Scores = Map<string, number[]>;

export interface SideRun extends TreeUsage {
  readonly alerts: number;
  /** From the start (runBroker's call, or the process's spawn) to the end: models loaded included. */
  readonly wallSeconds: number;
  /** Alerts over the time from the first alert read (Aviary) or the models loaded (plain) to the end. */
  readonly flowingAlertsPerSecond: number;
}

export interface Round {
  readonly aviary: SideRun;
  readonly aviaryRun: EndToEndRun;
  readonly plain: SideRun;
  readonly parity: Parity;
}

export interface Parity {
  readonly compared: number;
  /** Candids one side has and the other lacks. */
  readonly missing: number;
  /** Scores (alerts x 3) bit-identical on both sides. */
  readonly identical: number;
  readonly maxAbsDiff: number;
  /** Scores not bit-identical, by output name. */
  readonly differing: Readonly<Record<string, number>>;
}

function aviaryScores(dbFile: string): Scores {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db.prepare('SELECT alert_id, module, outputs FROM alert_scores').safeIntegers(true).all() as { alert_id: bigint; module: string; outputs: string }[];
    const out: Scores = new Map();
    for (const row of rows) {
      const key = String(row.alert_id);
      const scores = out.get(key) ?? [NaN, NaN, NaN];
      const name = OUTPUTS[row.module];
      if (name) scores[SCORE_NAMES.indexOf(name as (typeof SCORE_NAMES)[number])] = (JSON.parse(row.outputs) as Record<string, number>)[name]!;
      out.set(key, scores);
    }
    return out;
  } finally {
    db.close();
  }
}

function plainScores(file: string): Scores {
  const out: Scores = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [candid, ...scores] = line.split('\t');
    out.set(candid!, scores.map(Number));
  }
  return out;
}

export function compareScores(a: Scores, b: Scores): Parity {
  let compared = 0;
  let identical = 0;
  let maxAbsDiff = 0;
  let missing = 0;
  const differing: Record<string, number> = {};
  for (const key of b.keys()) if (!a.has(key)) missing++;
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y) {
      missing++;
      continue;
    }
    compared++;
    for (let i = 0; i < SCORE_NAMES.length; i++) {
      if (Object.is(x[i], y[i])) identical++;
      else {
        differing[SCORE_NAMES[i]!] = (differing[SCORE_NAMES[i]!] ?? 0) + 1;
        maxAbsDiff = Math.max(maxAbsDiff, Number.isFinite(x[i]! - y[i]!) ? Math.abs(x[i]! - y[i]!) : Infinity);
      }
    }
  }
  return { compared, missing, identical, maxAbsDiff, differing };
}

async function plainRun(python: string, alertsDir: string, setup: ModuleSetup, work: string, batchSize: number): Promise<{ side: SideRun; scores: Scores }> {
  const scoresFile = join(work, 'plain-scores.tsv');
  const began = performance.now();
  const child = spawn(python, [join(here, 'plain_python_broker.py'), alertsDir, join(work, 'plain.db'), scoresFile, '--batch-size', String(batchSize)], {
    env: { ...process.env, ...mlflowClientEnv(setup.server.url) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = sampleTree(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallSeconds = (performance.now() - began) / 1000;
  const usage = sampler.stop();
  if (code !== 0) throw new Error(`plain_python_broker.py failed (${code}):\n${stderr.slice(-4000)}`);
  const own = JSON.parse(stdout) as { alerts: number; alertsPerSecond: number; cpuSeconds: number };
  // CPU from getrusage at the script's end: every tick (its /proc samples miss the last ~100 ms).
  const side = { alerts: own.alerts, wallSeconds, flowingAlertsPerSecond: own.alertsPerSecond, cpuSeconds: own.cpuSeconds, peakRssBytes: usage.peakRssBytes, processes: usage.processes, byKind: usage.byKind };
  return { side, scores: plainScores(scoresFile) };
}

/** One round: Aviary's three-module run, then (or first, on odd rounds) the plain script, on the same alerts. */
export async function versusRound(
  round: number,
  python: string,
  alertsDir: string,
  expected: number,
  setup: ModuleSetup,
  scratch: string,
  batchSize: number,
  say: (line: string) => void,
): Promise<Round> {
  const work = join(scratch, `plain-${round}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  let aviaryScoresRead: Scores = new Map();
  const aviarySide = async () => {
    const sampler = sampleTree(process.pid);
    const run = await endToEndRun('real, 3 modules', alertsDir, expected, setup, scratch, batchSize, say, false, (db) => (aviaryScoresRead = aviaryScores(db)));
    const usage = sampler.stop();
    const side: SideRun = { alerts: run.summary.alertsStored, wallSeconds: run.wallSeconds, flowingAlertsPerSecond: run.flowingAlertsPerSecond, ...usage };
    return { run, side };
  };
  try {
    const first = round % 2 === 0 ? 'aviary' : 'plain';
    let aviary: Awaited<ReturnType<typeof aviarySide>> | undefined;
    let plain: Awaited<ReturnType<typeof plainRun>> | undefined;
    for (const side of first === 'aviary' ? ['aviary', 'plain'] : ['plain', 'aviary']) {
      if (side === 'aviary') aviary = await aviarySide();
      else plain = await plainRun(python, alertsDir, setup, work, batchSize);
      say(`  ${side === 'aviary' ? 'Aviary' : 'plain Python'}: ${int((side === 'aviary' ? aviary! : plain!).side.flowingAlertsPerSecond)} alerts/s after setup`);
    }
    const parity = compareScores(aviaryScoresRead, plain!.scores);
    return { aviary: aviary!.side, aviaryRun: aviary!.run, plain: plain!.side, parity };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Aviary's process tree by kind of process, in the round of median speed: which process spends the CPU and holds the memory. */
export function processTable(rounds: readonly Round[]): string[][] {
  const sorted = [...rounds].sort((a, b) => a.aviary.flowingAlertsPerSecond - b.aviary.flowingAlertsPerSecond);
  const side = sorted[sorted.length >> 1]!.aviary;
  const rows: string[][] = [['Aviary, by process (median round)', 'processes', 'CPU s', 'CPU per alert, ms', 'peak RSS of one, MB']];
  for (const k of side.byKind) {
    rows.push([k.kind, int(k.processes), k.cpuSeconds.toFixed(2), ((k.cpuSeconds * 1000) / Math.max(1, side.alerts)).toFixed(3), (k.peakRssBytes / 1e6).toFixed(0)]);
  }
  return rows;
}

export function parityLine(p: Parity): string {
  const total = p.compared * SCORE_NAMES.length;
  const head = `${int(p.compared)} alerts compared, ${p.missing} candids on one side only`;
  if (p.identical === total) return `${head}; all ${int(total)} scores bit-identical`;
  return `${head}; ${int(p.identical)} of ${int(total)} scores bit-identical (differing: ${Object.entries(p.differing).map(([k, n]) => `${k} ${n}`).join(', ')}), largest difference ${p.maxAbsDiff.toExponential(2)} (${p.maxAbsDiff <= PARITY_TOLERANCE ? 'within' : 'OVER'} ${PARITY_TOLERANCE})`;
}

export function parityHolds(p: Parity, expected: number): boolean {
  return p.missing === 0 && p.compared === expected && p.maxAbsDiff <= PARITY_TOLERANCE;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** metric | Aviary | plain Python script | ratio (Aviary / plain), each the median over the rounds. */
export function versusTable(rounds: readonly Round[]): string[][] {
  const rows: string[][] = [[`median of ${rounds.length} round(s)`, 'Aviary', 'plain Python script', 'ratio (Aviary / plain)']];
  const row = (label: string, value: (s: SideRun) => number, format: (n: number) => string) => {
    const a = median(rounds.map((r) => value(r.aviary)));
    const p = median(rounds.map((r) => value(r.plain)));
    rows.push([label, format(a), format(p), p === 0 ? 'n/a' : `${(a / p).toFixed(2)}x`]);
  };
  row('alerts scored', (s) => s.alerts, int);
  row('alerts/s, whole run (models loaded included)', (s) => s.alerts / s.wallSeconds, int);
  row('alerts/s after setup (first alert read / models loaded)', (s) => s.flowingAlertsPerSecond, int);
  row('wall time, s', (s) => s.wallSeconds, (n) => n.toFixed(2));
  row('CPU time of the process tree, s', (s) => s.cpuSeconds, (n) => n.toFixed(2));
  row('CPU per alert, ms', (s) => (s.cpuSeconds * 1000) / Math.max(1, s.alerts), (n) => n.toFixed(2));
  row('peak RSS of the process tree, MB', (s) => s.peakRssBytes / 1e6, (n) => n.toFixed(0));
  row('processes seen in the tree', (s) => s.processes, int);
  return rows;
}
