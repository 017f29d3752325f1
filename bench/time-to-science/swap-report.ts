/**
 * bench/time-to-science's numbers: one row per alias move, each stage's seconds, and the goal's
 * verdict (<= 2 s with the environment built, <= 15 s when it must be built).
 */
import type { SwapTimeline } from './swap-timeline.js';

export const GOALS: Record<SwapTimeline['kind'], number | undefined> = { warm: 2, rollback: 2, onnx: 2, cold: 15 };

const KIND_WORDS: Record<SwapTimeline['kind'], string> = {
  warm: 'warm (environment built)',
  rollback: 'back to the version just replaced',
  onnx: 'ONNX (in-process)',
  cold: 'cold (environment built from cached wheels)',
};

const s = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));

export function totalSeconds(t: SwapTimeline): number {
  return (t.firstStoredAt - t.movedAt) / 1000;
}

/** Header and rows: alias moved -> first stored alert, and its stages. */
export function swapRows(timelines: readonly SwapTimeline[]): string[][] {
  const rows = [
    [
      'alias moved to',
      'total s',
      'goal',
      'noticed s',
      'env build s',
      'model worker s (interpreter / import mlflow / load)',
      'preprocessing worker s',
      'swap check s',
      'last worker ready -> first stored s',
    ],
  ];
  for (const t of timelines) {
    const goal = GOALS[t.kind];
    const total = totalSeconds(t);
    const lastReady = Math.max(t.model?.at ?? 0, t.preprocessing?.at ?? 0);
    rows.push([
      `${KIND_WORDS[t.kind]}: ${t.module} ${t.version}`,
      s(total),
      goal === undefined ? '' : `<= ${goal} s ${total <= goal ? 'met' : 'missed'}`,
      s(t.noticedAt === undefined ? undefined : (t.noticedAt - t.movedAt) / 1000),
      t.builds.length === 0 ? '0' : t.builds.map((b) => b.toFixed(1)).join(' + '),
      t.model ? `${s(t.model.readyS)} (${s(t.model.interpreterS)} / ${s(t.model.importS)} / ${s(t.model.loadS)})` : '-',
      t.preprocessing ? s(t.preprocessing.readyS) : '-',
      s(t.checkS),
      lastReady > 0 ? s((t.firstStoredAt - lastReady) / 1000) : '-',
    ]);
  }
  return rows;
}

/** Per kind: the range of totals over the rounds, e.g. "1.42-1.87 s". */
export function summaryRows(timelines: readonly SwapTimeline[]): string[][] {
  const rows = [['alias moved -> first scored alert', 'rounds', 'min s', 'max s', 'goal']];
  for (const kind of Object.keys(KIND_WORDS) as SwapTimeline['kind'][]) {
    const totals = timelines.filter((t) => t.kind === kind).map(totalSeconds);
    if (totals.length === 0) continue;
    const goal = GOALS[kind];
    const worst = Math.max(...totals);
    rows.push([KIND_WORDS[kind], String(totals.length), s(Math.min(...totals)), s(worst), goal === undefined ? '' : `<= ${goal} s: ${worst <= goal ? 'met' : 'missed'}`]);
  }
  return rows;
}
