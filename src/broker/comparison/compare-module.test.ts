// compareModule against values worked by hand on small inputs (dyadic scores, so sums are exact).
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../common/mlflow-error.js';
import type { ComparisonRow } from '../store/alert-store.js';
import { compareModule, compareShadow, rocAuc, type ComparisonLabels } from './compare-module.js';

function row(alertId: number, champion: unknown, shadow: unknown, versions: [string | null, string | null] = ['1', '2']): ComparisonRow {
  return {
    survey: 'ztf',
    alertId: BigInt(alertId),
    objectId: `ZTF${alertId}`,
    time: 2460000 + alertId,
    champion: { version: versions[0], outputs: { kind: 'x', snia_score: champion as number } },
    shadow: { version: versions[1], outputs: { kind: 'y', snia_score: shadow as number } },
  };
}

const FOUR = [row(30, 0.875, 0.75), row(10, 0.25, 0.625), row(20, 0.5, 0.375), row(40, 0.125, 0.125)];

describe('compareShadow', () => {
  it('counts, agreement at the threshold (>= is positive), |difference| and Pearson on four alerts', () => {
    const c = compareShadow('challenger', FOUR, 'snia_score', 0.5);
    expect(c.count).toBe(4);
    // 30 and 40 on the same side; 10 (0.25 / 0.625) and 20 (0.5 is positive / 0.375) not.
    expect(c.agreement).toBe(0.5);
    expect(c.meanAbsDifference).toBe((0.125 + 0.375 + 0.125 + 0) / 4);
    expect(c.maxAbsDifference).toBe(0.375);
    // Deviations from the means 0.4375 and 0.46875: sxy 0.1953125, sxx 0.328125, syy 0.23046875.
    expect(c.correlation).toBeCloseTo(0.1953125 / Math.sqrt(0.328125 * 0.23046875), 12);
    expect(c.championVersions).toEqual(['1']);
    expect(c.shadowVersions).toEqual(['2']);
  });

  it('bins both sides over [0, 1] in 20 bins when every score is a probability', () => {
    const { histogram } = compareShadow('challenger', FOUR, 'snia_score', 0.5);
    expect(histogram.edges).toHaveLength(21);
    expect(histogram.edges[0]).toBe(0);
    expect(histogram.edges[3]).toBe(0.15);
    expect(histogram.edges[20]).toBe(1);
    const at = (bins: number[]) => Object.fromEntries(bins.map((n, i) => [i, n]).filter(([, n]) => n > 0));
    expect(at([...histogram.champion])).toEqual({ 17: 1, 5: 1, 10: 1, 2: 1 });
    expect(at([...histogram.shadow])).toEqual({ 15: 1, 12: 1, 7: 1, 2: 1 });
  });

  it('bins from min to max otherwise, the maximum in the last bin; equal scores get a span of 1', () => {
    const wide = compareShadow('c', [row(1, 2, 3), row(2, 4, 5), row(3, 6, 7)], 'snia_score', 0.5);
    expect(wide.histogram.edges[0]).toBe(2);
    expect(wide.histogram.edges[20]).toBe(7);
    expect(wide.histogram.edges[1]).toBe(2.25);
    expect(wide.histogram.champion.map((n, i) => (n ? i : -1)).filter((i) => i >= 0)).toEqual([0, 8, 16]);
    expect(wide.histogram.shadow.map((n, i) => (n ? i : -1)).filter((i) => i >= 0)).toEqual([4, 12, 19]);
    const flat = compareShadow('c', [row(1, 5, 5), row(2, 5, 5)], 'snia_score', 0.5);
    expect([flat.histogram.edges[0], flat.histogram.edges[20]]).toEqual([5, 6]);
    expect(flat.histogram.champion[0]).toBe(2);
    expect(flat.correlation).toBeNull();
  });

  it('lists the largest |difference| first, equal ones by alert id, at most 20', () => {
    const c = compareShadow('challenger', FOUR, 'snia_score', 0.5);
    expect(c.disagreements.map((d) => d.alertId)).toEqual([10n, 20n, 30n, 40n]);
    expect(c.disagreements[0]).toEqual({ survey: 'ztf', alertId: 10n, objectId: 'ZTF10', champion: 0.25, shadow: 0.625, difference: 0.375 });
    expect(c.disagreements[1]!.difference).toBe(-0.125);
    const many = Array.from({ length: 25 }, (_, i) => row(100 + i, 0, i / 32));
    const top = compareShadow('c', many, 'snia_score', 0.5).disagreements;
    expect(top).toHaveLength(20);
    expect(top[0]!.alertId).toBe(124n);
    expect(top[19]!.alertId).toBe(105n);
  });

  it('leaves out alerts without a finite number on both sides; constant or single scores have no correlation', () => {
    const c = compareShadow('c', [row(1, 0.5, NaN), row(2, null, 0.5), row(3, 'high', 0.5), row(4, 0.25, 0.75)], 'snia_score', 0.5);
    expect(c.count).toBe(1);
    expect(c.correlation).toBeNull();
    expect(c.agreement).toBe(0);
    const constant = compareShadow('c', [row(1, 0.25, 0.5), row(2, 0.25, 0.75), row(3, 0.25, 1)], 'snia_score', 0.5);
    expect(constant.correlation).toBeNull();
    const none = compareShadow('c', [], 'snia_score', 0.5);
    expect([none.count, none.agreement, none.correlation, none.meanAbsDifference, none.maxAbsDifference]).toEqual([0, null, null, null, null]);
    expect(none.histogram.champion.every((n) => n === 0)).toBe(true);
  });

  it('orders the versions seen, numbers by value and a folder (null) last', () => {
    const c = compareShadow('c', [row(1, 0.5, 0.5, ['10', null]), row(2, 0.5, 0.5, ['2', '3']), row(3, 0.5, 0.5, ['10', '3'])], 'snia_score', 0.5);
    expect(c.championVersions).toEqual(['2', '10']);
    expect(c.shadowVersions).toEqual(['3', null]);
  });
});

describe('label metrics', () => {
  // 30 and 20 are SN Ia, 10 is not, 40 has no label.
  const classes: Record<string, string> = { '30': 'snia', '20': 'snia', '10': 'other' };
  const labels: ComparisonLabels = { source: 'labels.jsonl', positive: 'snia', classOf: (r) => classes[String(r.alertId)] };

  it('precision, recall, ROC AUC and the confusion matrix of each side over the labelled alerts', () => {
    const c = compareShadow('challenger', FOUR, 'snia_score', 0.5, labels);
    expect(c.labels).toMatchObject({ source: 'labels.jsonl', positive: 'snia', labelled: 3, positives: 2 });
    // Champion: 0.875 and 0.5 called positive (both SN Ia), 0.25 (other) negative: perfect.
    expect(c.labels!.champion).toEqual({ precision: 1, recall: 1, rocAuc: 1, confusion: { truePositives: 2, falsePositives: 0, trueNegatives: 1, falseNegatives: 0 } });
    // Shadow: 0.75 (SN Ia) and 0.625 (other) called positive, 0.375 (SN Ia) negative; 0.75 > 0.625 but 0.375 < 0.625.
    expect(c.labels!.shadow).toEqual({ precision: 0.5, recall: 0.5, rocAuc: 0.5, confusion: { truePositives: 1, falsePositives: 1, trueNegatives: 0, falseNegatives: 1 } });
  });

  it('counts a tie between a positive and a negative as half', () => {
    // Pairs (positive, negative): (0.5, 0.5) half, (0.5, 0.2), (0.8, 0.5), (0.8, 0.2) won: 3.5 of 4.
    expect(rocAuc([0.5, 0.5, 0.2, 0.8], [true, false, false, true])).toBe(0.875);
    expect(rocAuc([0.3, 0.3, 0.3], [true, false, true])).toBe(0.5);
  });

  it('gives nulls where a metric is undefined: one class only, nothing predicted positive, no label at all', () => {
    const onlyNegatives: ComparisonLabels = { ...labels, classOf: () => 'other' };
    const low = compareShadow('c', [row(1, 0.25, 0.125), row(2, 0.125, 0.25)], 'snia_score', 0.5, onlyNegatives);
    expect(low.labels!.champion).toEqual({ precision: null, recall: null, rocAuc: null, confusion: { truePositives: 0, falsePositives: 0, trueNegatives: 2, falseNegatives: 0 } });
    const unlabelled = compareShadow('c', FOUR, 'snia_score', 0.5, { ...labels, classOf: () => undefined });
    expect(unlabelled.labels).toBeUndefined();
  });
});

describe('compareModule', () => {
  it('compares the first numeric output by default, each shadow with rows, at 0.5 unless told', () => {
    const c = compareModule({ module: 'snia', modelName: 'snia-model', championAlias: 'champion', shadows: [{ alias: 'challenger', rows: FOUR }, { alias: 'idle', rows: [] }] });
    expect(c).toMatchObject({ module: 'snia', modelName: 'snia-model', championAlias: 'champion', output: 'snia_score', threshold: 0.5 });
    expect(c.shadows.map((s) => s.alias)).toEqual(['challenger']);
    expect(compareModule({ module: 'snia', modelName: 'm', championAlias: null, shadows: [{ alias: 'c', rows: FOUR }], threshold: 0.25 }).shadows[0]!.agreement).toBe(1);
  });

  it('refuses an output no row has as a number, naming those it has', () => {
    const call = () => compareModule({ module: 'snia', modelName: 'm', championAlias: null, shadows: [{ alias: 'c', rows: FOUR }], output: 'kind' });
    expect(call).toThrow(MlflowError);
    expect(call).toThrow("module snia has no numeric output 'kind': its outputs are snia_score");
  });
});
