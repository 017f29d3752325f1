import { describe, expect, it } from 'vitest';
import { parseRunFilter, parseRunOrderBy } from '../../../tracking/search/run-search.js';
import { planRunJoins } from './run-joins.js';

const plan = (filter: string | undefined, ...orderBy: string[]) =>
  planRunJoins(parseRunFilter(filter), parseRunOrderBy(orderBy)).map((j) => `${j.alias}:${j.entity}.${j.name}:${j.inner ? 'inner' : 'left'}`);

describe('planRunJoins', () => {
  it('never inner-joins a bounded metric for an index walk (SQLite would walk every experiment)', () => {
    expect(plan('metrics.acc > 0.5', 'metrics.acc DESC')).toEqual([]);
    expect(plan('metrics.acc = 1 AND metrics.acc != 2', 'metrics.acc')).toEqual([]);
  });

  it('keeps missing and NaN values (a LEFT JOIN) when the filter allows them', () => {
    // != lets NaN through; a bounded metric that is not the first key gives no index order.
    expect(plan('metrics.acc != 0.5', 'metrics.acc DESC')).toEqual([]);
    expect(plan('start_time > 5', 'params.p', 'metrics.acc')).toEqual(['o0:param.p:left', 'o1:metric.acc:left']);
    expect(plan(undefined, 'start_time', 'tags.t DESC')).toEqual(['o0:tag.t:left']);
  });

  it('leaves order keys to subqueries when the filter tests another table, which narrows the runs first', () => {
    expect(plan("params.model = 'rf'", 'metrics.acc DESC')).toEqual([]);
    expect(plan("metrics.acc > 0.5 AND params.model = 'rf'", 'metrics.acc DESC', 'metrics.loss')).toEqual([]);
    expect(plan("datasets.name = 'mnist'", 'tags.t')).toEqual([]);
  });
});
