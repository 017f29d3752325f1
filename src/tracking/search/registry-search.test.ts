import { describe, expect, it } from 'vitest';
import { parseModelVersionFilter, parseModelVersionOrderBy } from './model-version-search.js';
import { splitPromptFilter } from './prompt-filter.js';
import { parseRegisteredModelFilter, parseRegisteredModelOrderBy } from './registered-model-search.js';

describe('registered model grammar', () => {
  it('reads name (lists too) and tags', () => {
    expect(parseRegisteredModelFilter("name IN ('a', 'b') AND tags.`team name` LIKE 'v%' AND attribute.name != 'c'").map((c) => c.key)).toEqual([
      { entity: 'attribute', name: 'name' },
      { entity: 'tag', name: 'team name' },
      { entity: 'attribute', name: 'name' },
    ]);
  });

  it('refuses other attributes, IS NULL and tag lists', () => {
    expect(() => parseRegisteredModelFilter("description = 'x'")).toThrow(/^Invalid attribute key 'description'/);
    expect(() => parseRegisteredModelFilter("tags.t IN ('x')")).toThrow(/^Invalid comparator 'IN'/);
    expect(() => parseRegisteredModelFilter('tags.t IS NULL')).toThrow(/^Invalid comparator 'IS NULL'/);
  });

  it('orders by bare keys, timestamp meaning the last update', () => {
    expect(parseRegisteredModelOrderBy(['timestamp DESC', 'name'])).toEqual([
      { key: { entity: 'attribute', name: 'last_updated_timestamp' }, ascending: false },
      { key: { entity: 'attribute', name: 'name' }, ascending: true },
    ]);
    expect(() => parseRegisteredModelOrderBy(['timestamp', 'last_updated_timestamp'])).toThrow(/^`order_by` contains duplicate fields/);
    expect(() => parseRegisteredModelOrderBy(['attribute.name'])).toThrow(/^Invalid entity type 'attribute'/);
    expect(() => parseRegisteredModelOrderBy(['creation_timestamp'])).toThrow(/^Invalid attribute key 'creation_timestamp'/);
  });
});

describe('model version grammar', () => {
  it('reads its attributes, version_number bare or quoted', () => {
    expect(parseModelVersionFilter("name = 'm' AND version_number >= 2 AND version_number != '3' AND run_id IN ('r') AND source_path LIKE 'runs:/%'")).toEqual([
      { type: 'string', key: { entity: 'attribute', name: 'name' }, op: '=', value: 'm' },
      { type: 'number', key: { entity: 'attribute', name: 'version_number' }, op: '>=', value: 2 },
      { type: 'number', key: { entity: 'attribute', name: 'version_number' }, op: '!=', value: 3 },
      { type: 'list', key: { entity: 'attribute', name: 'run_id' }, op: 'IN', values: ['r'] },
      { type: 'string', key: { entity: 'attribute', name: 'source_path' }, op: 'LIKE', value: 'runs:/%' },
    ]);
  });

  it('refuses what MLflow refuses', () => {
    expect(() => parseModelVersionFilter('version_number = 1.5')).toThrow(/^Invalid value for numeric attribute 'version_number': '1\.5'/);
    expect(() => parseModelVersionFilter("version_number = 'x'")).toThrow(/^Expected numeric value type for numeric attribute: version_number/);
    expect(() => parseModelVersionFilter("source_path IN ('a')")).toThrow(/^Only \['name', 'run_id'\] attributes support comparison with a list/);
    expect(() => parseModelVersionFilter('creation_timestamp > 1')).toThrow(/^Invalid attribute key 'creation_timestamp'/);
  });

  it("orders by its attributes, MLflow's default when none", () => {
    expect(parseModelVersionOrderBy(undefined).map((o) => [o.key.name, o.ascending])).toEqual([
      ['last_updated_timestamp', false],
      ['name', true],
      ['version_number', false],
    ]);
    expect(parseModelVersionOrderBy(['creation_timestamp ASC'])).toEqual([{ key: { entity: 'attribute', name: 'creation_timestamp' }, ascending: true }]);
    expect(() => parseModelVersionOrderBy(['tags.t'])).toThrow(/^Invalid order_by entity: tag/);
  });
});

describe('splitPromptFilter', () => {
  const split = (filter: string) => splitPromptFilter(parseRegisteredModelFilter(filter));

  it('leaves prompts out by default and drops comparisons on the prompt tag', () => {
    expect(split("name = 'a'")).toMatchObject({ excludePrompts: true, comparisons: [{ key: { name: 'name' } }] });
    expect(split("tags.`mlflow.prompt.is_prompt` = 'false' AND name = 'a'")).toMatchObject({
      excludePrompts: true,
      comparisons: [{ key: { name: 'name' } }],
    });
  });

  it("keeps prompts when the filter asks for them (= 'true' or != 'false', any case)", () => {
    expect(split("tags.`mlflow.prompt.is_prompt` = 'TRUE'")).toMatchObject({ excludePrompts: false, comparisons: [{ key: { entity: 'tag' } }] });
    expect(split("tags.`mlflow.prompt.is_prompt` != 'false'").excludePrompts).toBe(false);
  });
});
