import { describe, expect, it } from 'vitest';
import { parseRunFilter, parseRunOrderBy } from '../../../tracking/search/run-search.js';
import { planRunJoins } from './run-joins.js';

const plan = (filter: string | undefined, ...orderBy: string[]) =>
  planRunJoins(parseRunFilter(filter), parseRunOrderBy(orderBy)).map((j) => `${j.alias}:${j.entity}.${j.name}`);

describe('planRunJoins', () => {
  it('joins a metric the filter compares and the order sorts on once, for both (runs stay the outer loop)', () => {
    expect(plan('metrics.acc > 0.5', 'metrics.acc DESC')).toEqual(['o0:metric.acc']);
    expect(plan('metrics.acc = 1 AND metrics.acc != 2', 'metrics.acc')).toEqual(['o0:metric.acc']);
    expect(plan('metrics.acc > 0.5', 'metrics.loss')).toEqual([]);
  });

  it('left-joins the order keys when the filter tests run attributes only', () => {
    expect(plan('metrics.acc != 0.5', 'metrics.acc DESC', 'params.p')).toEqual(['o0:metric.acc', 'o1:param.p']);
    expect(plan('start_time > 5', 'params.p', 'metrics.acc')).toEqual(['o0:param.p', 'o1:metric.acc']);
    expect(plan(undefined, 'start_time', 'tags.t DESC')).toEqual(['o0:tag.t']);
  });

  it('leaves order keys to subqueries when the filter tests another table, which narrows the runs first', () => {
    expect(plan("params.model = 'rf'", 'metrics.acc DESC')).toEqual([]);
    expect(plan("metrics.acc > 0.5 AND params.model = 'rf'", 'metrics.acc DESC', 'metrics.loss')).toEqual(['o0:metric.acc']);
    expect(plan("datasets.name = 'mnist'", 'tags.t')).toEqual([]);
  });
});
