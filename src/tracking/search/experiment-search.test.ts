import { describe, expect, it } from 'vitest';
import { parseExperimentFilter, parseExperimentOrderBy } from './experiment-search.js';

describe('parseExperimentFilter', () => {
  it('reads attributes with or without the attribute. prefix, and tags', () => {
    expect(parseExperimentFilter("name = 'a' AND attribute.name LIKE 'b%' AND tags.t != 'x' AND tag.u IS NULL").map((c) => c.key)).toEqual([
      { entity: 'attribute', name: 'name' },
      { entity: 'attribute', name: 'name' },
      { entity: 'tag', name: 't' },
      { entity: 'tag', name: 'u' },
    ]);
    expect(parseExperimentFilter('creation_time > 5 AND last_update_time <= 10').map((c) => c.type)).toEqual(['number', 'number']);
  });

  it('reads experiment_id with =, != and lists of quoted integers', () => {
    expect(parseExperimentFilter("experiment_id IN ('1', '2')")[0]).toMatchObject({ type: 'list', values: ['1', '2'] });
    expect(parseExperimentFilter("experiment_id != '0'")[0]).toMatchObject({ type: 'string', op: '!=' });
  });

  it('follows MLflow: only attribute, tag and tags are prefixes', () => {
    expect(() => parseExperimentFilter("attributes.name = 'x'")).toThrow(
      /^Invalid entity type 'attributes'\. Valid values are \['attribute', 'tag', 'tags'\]/,
    );
    expect(() => parseExperimentFilter('metrics.a > 1')).toThrow(/^Invalid entity type 'metrics'/);
  });

  it('refuses what MLflow refuses', () => {
    expect(() => parseExperimentFilter("experiment_id IN ('1', 'x')")).toThrow(
      /^Invalid experiment ID 'x'\. Experiment ID must be a valid integer\. .*at position 17/,
    );
    expect(() => parseExperimentFilter("experiment_id > '1'")).toThrow(/^Invalid comparator '>'/);
    expect(() => parseExperimentFilter('creation_time > 1.5')).toThrow(/^Invalid value for numeric attribute 'creation_time': '1\.5'/);
    expect(() => parseExperimentFilter("name IN ('a')")).toThrow(/^Only \['experiment_id'\] attributes support comparison with a list/);
    expect(() => parseExperimentFilter('name IS NULL')).toThrow(/^IS NULL \/ IS NOT NULL is only supported for tags, not for 'attribute' 'name'/);
    expect(() => parseExperimentFilter("lifecycle_stage = 'active'")).toThrow(/^Invalid attribute key 'lifecycle_stage'/);
  });
});

describe('parseExperimentOrderBy', () => {
  it("falls back to MLflow's default order", () => {
    expect(parseExperimentOrderBy(undefined)).toEqual([
      { key: { entity: 'attribute', name: 'creation_time' }, ascending: false },
      { key: { entity: 'attribute', name: 'experiment_id' }, ascending: true },
    ]);
    expect(parseExperimentOrderBy([])).toHaveLength(2);
  });

  it('orders by attributes only', () => {
    expect(parseExperimentOrderBy(['name DESC'])).toEqual([{ key: { entity: 'attribute', name: 'name' }, ascending: false }]);
    expect(() => parseExperimentOrderBy(['tags.t'])).toThrow(/^Invalid order_by entity: tag/);
  });
});
