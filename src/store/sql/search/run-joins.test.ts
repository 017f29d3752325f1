import { describe, expect, it } from 'vitest';
import { parseRunFilter, parseRunOrderBy } from '../../../tracking/search/run-search.js';
import { planRunJoins } from './run-joins.js';

const plan = (filter: string | undefined, ...orderBy: string[]) =>
  planRunJoins(parseRunFilter(filter), parseRunOrderBy(orderBy)).map((j) => `${j.alias}:${j.entity}.${j.name}`);

describe('planRunJoins', () => {
  it('joins no metric the filter compares (SQLite would walk its index across every experiment)', () => {
    expect(plan('metrics.acc > 0.5', 'metrics.acc DESC')).toEqual([]);
    expect(plan('metrics.acc = 1 AND metrics.acc != 2', 'metrics.acc')).toEqual([]);
  });

  it('left-joins the order keys when the filter tests run attributes only', () => {
    expect(plan('metrics.acc != 0.5', 'metrics.acc DESC')).toEqual([]);
    expect(plan('start_time > 5', 'params.p', 'metrics.acc')).toEqual(['o0:param.p', 'o1:metric.acc']);
    expect(plan(undefined, 'start_time', 'tags.t DESC')).toEqual(['o0:tag.t']);
  });

  it('leaves order keys to subqueries when the filter tests another table, which narrows the runs first', () => {
    expect(plan("params.model = 'rf'", 'metrics.acc DESC')).toEqual([]);
    expect(plan("metrics.acc > 0.5 AND params.model = 'rf'", 'metrics.acc DESC', 'metrics.loss')).toEqual([]);
    expect(plan("datasets.name = 'mnist'", 'tags.t')).toEqual([]);
  });
});
