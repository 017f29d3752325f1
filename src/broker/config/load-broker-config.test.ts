import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrokerConfigError } from './broker-config-error.js';
import { loadBrokerConfig, parseBrokerConfig } from './load-broker-config.js';

const FILE = '/srv/broker/broker.yaml';

/** The error parsing `text` raises. */
function errorOf(text: string): BrokerConfigError {
  try {
    parseBrokerConfig(text, FILE);
  } catch (err) {
    if (err instanceof BrokerConfigError) return err;
    throw err;
  }
  throw new Error('the config was accepted');
}

const VALID = `
batch_size: 200
follow_registry: 2s
modules:
  - name: snia
    model: models:/snia@champion
    outputs: [snia_score]
    inputs: [magpsf, candidate.sigmapsf, {real: drb}]
    timeout: 500ms
  - name: early
    model: ./models/early
    outputs: {early_score: probabilities_1, early_label: label}
    reads: [snia]
    preprocessing: pre
    batch_size: 50
    workers: 2
filters:
  - name: early_snia
    expression: snia_score > 0.7 and drb > 0.5
    output: out/early_snia.jsonl
  - name: all
    expression: "early_score >= 0"
    output: /data/all.avro
`;

describe('parseBrokerConfig', () => {
  it('reads every key, with defaults, durations in ms and paths against the config folder', () => {
    const config = parseBrokerConfig(VALID, FILE);
    expect(config.file).toBe(FILE);
    expect(config.batchSize).toBe(200);
    expect(config.followRegistryMs).toBe(2000);
    const { at: first, ...snia } = config.modules[0]!;
    expect(snia).toEqual({
      name: 'snia',
      model: 'models:/snia@champion',
      outputs: ['snia_score'],
      inputs: [
        { column: 'magpsf', field: 'magpsf' },
        { column: 'sigmapsf', field: 'candidate.sigmapsf' },
        { column: 'real', field: 'drb' },
      ],
      reads: [],
      batchSize: 200,
      timeoutMs: 500,
      workers: 1,
    });
    // Kept for the checks made once the model is loaded.
    expect(first!.inputItems.map((p) => `${p.line}:${p.column} ${p.key}`)).toEqual(['8:14 modules[0].inputs[0]', '8:22 modules[0].inputs[1]', '8:43 modules[0].inputs[2]']);
    expect(first!.outputs).toEqual({ file: FILE, line: 7, column: 14, key: 'modules[0].outputs' });
    const { at: second, ...early } = config.modules[1]!;
    expect(second!.outputItems.map((p) => `${p.line}:${p.column} ${p.key}`)).toEqual(['12:28 modules[1].outputs.early_score', '12:58 modules[1].outputs.early_label']);
    expect(early).toEqual({
      name: 'early',
      model: '/srv/broker/models/early',
      outputs: { early_score: 'probabilities_1', early_label: 'label' },
      reads: ['snia'],
      preprocessing: '/srv/broker/pre',
      batchSize: 50,
      timeoutMs: 60_000,
      workers: 2,
    });
    expect(config.filters).toEqual([
      { name: 'early_snia', expression: 'snia_score > 0.7 and drb > 0.5', output: '/srv/broker/out/early_snia.jsonl', format: 'jsonl', cutouts: false },
      { name: 'all', expression: 'early_score >= 0', output: '/data/all.avro', format: 'avro', cutouts: true },
    ]);
  });

  it('takes 0 for follow_registry (never) and a number of seconds, and defaults both batch size and following', () => {
    const base = 'modules:\n  - {name: a, model: /m, outputs: [x]}\n';
    expect(parseBrokerConfig(`follow_registry: 0\n${base}`, FILE).followRegistryMs).toBe(0);
    expect(parseBrokerConfig(`follow_registry: 1.5\n${base}`, FILE).followRegistryMs).toBe(1500);
    const defaults = parseBrokerConfig(base, FILE);
    expect(defaults.batchSize).toBe(1000);
    expect(defaults.followRegistryMs).toBe(5000);
    expect(defaults.maxBatchWaitMs).toBe(500);
    expect(parseBrokerConfig(`max_batch_wait: 2s\n${base}`, FILE).maxBatchWaitMs).toBe(2000);
    expect(parseBrokerConfig(`max_batch_wait: 0\n${base}`, FILE).maxBatchWaitMs).toBe(0);
    expect(errorOf(`max_batch_wait: soon\n${base}`).message).toContain('max_batch_wait: expected a duration');
    expect(defaults.filters).toEqual([]);
    expect(defaults.modules[0]!.batchSize).toBe(1000);
  });

  it('points at a bad value: file, line, column, key path, and what was found', () => {
    const error = errorOf('modules:\n  - name: a\n    model: /m\n    outputs: [x]\n  - name: b\n    model: /m\n    batch_size: abc\n    outputs: [y]\n');
    expect(error.message).toBe("/srv/broker/broker.yaml:7:17: modules[1].batch_size: expected a whole number from 1 to 10000, got 'abc'");
    expect([error.line, error.column, error.key]).toEqual([7, 17, 'modules[1].batch_size']);
    expect(errorOf('modules:\n  - {name: a, model: /m, outputs: [x], timeout: soon}\n').message).toBe(
      "/srv/broker/broker.yaml:2:49: modules[0].timeout: expected a duration such as 60s, 500ms, 2m or a number of seconds, got 'soon'",
    );
    expect(errorOf('modules:\n  - {name: a, model: /m, outputs: [x], timeout: 0}\n').message).toContain('modules[0].timeout: expected a duration');
    expect(errorOf('modules:\n  - {name: 1a, model: /m, outputs: [x]}\n').message).toContain("modules[0].name: expected a name of letters, digits and _ (not starting with a digit), got '1a'");
  });

  it('names a missing required key at its mapping, and an unknown key with the closest known one', () => {
    expect(errorOf('modules:\n  - name: a\n    outputs: [x]\n').message).toBe("/srv/broker/broker.yaml:2:5: modules[0].model: required key 'model' is missing");
    expect(errorOf('modules:\n  - name: a\n    model: /m\n    outputs: [x]\n    batchsize: 3\n').message).toBe(
      "/srv/broker/broker.yaml:5:5: modules[0].batchsize: unknown key 'batchsize'; did you mean 'batch_size'?",
    );
    expect(errorOf('modules: []\nfilter: []\n').message).toBe("/srv/broker/broker.yaml:2:1: filter: unknown key 'filter'; did you mean 'filters'?");
    expect(errorOf('modules: []\ncolour: red\n').message).toContain("unknown key 'colour'; expected one of modules, filters, source, batch_size, max_batch_wait, follow_registry");
    expect(errorOf('batch_size: 3\n').message).toContain("modules: required key 'modules' is missing");
    expect(errorOf('').message).toContain('the file is empty');
  });

  it('refuses duplicate names, unknown or cyclic reads, and outputs emitted twice', () => {
    const two = (a: string, b: string) => `modules:\n  - {name: a, model: /m, outputs: [x]${a}}\n  - {name: b, model: /m, outputs: [y]${b}}\n`;
    expect(errorOf('modules:\n  - {name: a, model: /m, outputs: [x]}\n  - {name: a, model: /m, outputs: [y]}\n').message).toBe(
      "/srv/broker/broker.yaml:3:12: modules[1].name: another module is already named 'a': module names must be unique",
    );
    expect(errorOf(two('', ', reads: [c]')).message).toBe("/srv/broker/broker.yaml:3:48: modules[1].reads[0]: no module is named 'c'; the modules are a, b");
    expect(errorOf(two(', reads: [bb]', '')).message).toContain("no module is named 'bb'; did you mean 'b'?");
    expect(errorOf(two(', reads: [a]', '')).message).toContain("modules[0].reads[0]: module 'a' cannot read its own outputs");
    expect(errorOf(two(', reads: [b]', ', reads: [a]')).message).toBe(
      '/srv/broker/broker.yaml:2:48: modules[0].reads[0]: modules read each other in a cycle: a -> b -> a: a module can only read modules that do not read it back',
    );
    const twice = errorOf('modules:\n  - {name: a, model: /m, outputs: [x]}\n  - {name: b, model: /m, outputs: {x: label}}\n');
    expect(twice.message).toBe("/srv/broker/broker.yaml:3:35: modules[1].outputs: output 'x' is also emitted by module 'a': rename one of them");
    expect(errorOf('modules:\n  - {name: a, model: /m, outputs: [x, x]}\n').message).toContain("modules[0].outputs[1]: output 'x' is named twice");
  });

  it('refuses workers, batch sizes and timeouts beyond their bounds, saying why', () => {
    const module = (extra: string) => `modules:\n  - {name: a, model: /m, outputs: [x]${extra}}\n`;
    expect(errorOf(module(', workers: 100000')).message).toBe(
      '/srv/broker/broker.yaml:2:49: modules[0].workers: expected at most 32, got 100000: each worker is a Python process holding its own copy of the model (use batch_size for throughput)',
    );
    expect(parseBrokerConfig(module(', workers: 32'), FILE).modules[0]!.workers).toBe(32);
    expect(errorOf(module(', workers: 0')).message).toContain("modules[0].workers: expected a whole number from 1 to 32, got 0");
    expect(errorOf(module(', batch_size: 10001')).message).toMatch(/^\/srv\/broker\/broker\.yaml:2:52: modules\[0\]\.batch_size: expected at most 10000, got 10001: /);
    expect(errorOf(`batch_size: 1000000\n${module('')}`).message).toBe(
      '/srv/broker/broker.yaml:1:13: batch_size: expected at most 10000, got 1000000: up to three batches of alerts (with their cutouts) are held in memory at once',
    );
    expect(errorOf(module(', timeout: 2h')).message).toBe(
      '/srv/broker/broker.yaml:2:49: modules[0].timeout: expected at most 1h, got \'2h\': the timeout is what frees a hung worker; a longer one lets a stuck model stall the run for hours',
    );
    expect(errorOf(module(', timeout: 3601')).message).toContain('modules[0].timeout: expected at most 1h, got 3601');
    expect(parseBrokerConfig(module(', timeout: 1h, batch_size: 10000'), FILE).modules[0]).toMatchObject({ timeoutMs: 3_600_000, batchSize: 10_000 });
  });

  it('takes network: true (the module sandbox keeps the network), default off, and refuses anything but a boolean', () => {
    const module = (extra: string) => `modules:\n  - {name: a, model: /m, outputs: [x]${extra}}\n`;
    expect(parseBrokerConfig(module(', network: true'), FILE).modules[0]!.network).toBe(true);
    expect(parseBrokerConfig(module(''), FILE).modules[0]!.network).toBeUndefined();
    expect(parseBrokerConfig(module(', network: false'), FILE).modules[0]!.network).toBeUndefined();
    expect(errorOf(module(', network: yes please')).message).toBe("/srv/broker/broker.yaml:2:49: modules[0].network: expected true or false, got 'yes please'");
  });

  it('takes inputs as fields (the column named by the last part) or {column: field}, and refuses two inputs filling one column', () => {
    const module = (inputs: string) => parseBrokerConfig(`modules:\n  - {name: a, model: /m, outputs: [x], inputs: ${inputs}}\n`, FILE).modules[0]!.inputs;
    expect(module('[candidate.sigmapsf, lc_features_g.amplitude, {sigma_g: candidate.sigmapsf}]')).toEqual([
      { column: 'sigmapsf', field: 'candidate.sigmapsf' },
      { column: 'amplitude', field: 'lc_features_g.amplitude' },
      { column: 'sigma_g', field: 'candidate.sigmapsf' },
    ]);
    const error = (inputs: string) => errorOf(`modules:\n  - {name: a, model: /m, outputs: [x], inputs: ${inputs}}\n`).message;
    expect(error('[magpsf, candidate.magpsf]')).toBe(
      "/srv/broker/broker.yaml:2:57: modules[0].inputs[1]: column 'magpsf' is already filled from 'magpsf': name this one's column, e.g. {magpsf_2: candidate.magpsf}",
    );
    expect(error('[magpsf, {a: b, c: d}]')).toContain(
      'modules[0].inputs[1]: expected an alert field (magpsf, candidate.sigmapsf: the column is named by its last part) or {column: field}, got a mapping of 2 entries',
    );
    expect(error('[magpsf, 3]')).toContain('modules[0].inputs[1]: expected an alert field (magpsf, candidate.sigmapsf: the column is named by its last part) or {column: field}, got 3');
    expect(error('[magpsf, {sigma: }]')).toContain('modules[0].inputs[1].sigma: expected a non-empty text, got nothing');
  });

  it('reads shadow aliases and labels, and refuses shadows without a registered model, its own alias, twice, or labels from nowhere', () => {
    const module = (extra: string, model = 'models:/snia@champion') => `modules:\n  - {name: snia, model: "${model}", outputs: [snia_score]${extra}}\n`;
    const read = parseBrokerConfig(module(', shadow: [challenger, v2-candidate], labels: {file: night/_labels.jsonl, positive: snia}'), FILE).modules[0]!;
    expect(read.shadow).toEqual(['challenger', 'v2-candidate']);
    expect(read.labels).toEqual({ file: '/srv/broker/night/_labels.jsonl', positive: 'snia' });
    expect(parseBrokerConfig(module(', labels: {field: is_snia, positive: true}'), FILE).modules[0]!.labels).toEqual({ field: 'is_snia', positive: 'true' });
    expect(parseBrokerConfig(module(', shadow: [challenger]', 'models:/snia/3'), FILE).modules[0]!.shadow).toEqual(['challenger']);
    expect(parseBrokerConfig(module(''), FILE).modules[0]!.shadow).toBeUndefined();
    expect(errorOf(module(', shadow: [challenger]', '/models/snia')).message).toContain('modules[0].shadow: shadow aliases need a registered model (models:/name@alias or models:/name/3); the module\'s model is /models/snia');
    expect(errorOf(module(', shadow: [champion]')).message).toContain("modules[0].shadow[0]: 'champion' is the alias the module itself follows");
    expect(errorOf(module(', shadow: [a, a]')).message).toContain("modules[0].shadow[1]: shadow 'a' is named twice");
    expect(errorOf(module(', shadow: ["a b"]')).message).toContain("modules[0].shadow[0]: 'a b' is not an alias name");
    expect(errorOf(module(', labels: {positive: snia}')).message).toContain('modules[0].labels: labels need a file');
    expect(errorOf(module(', labels: {file: a, field: b, positive: snia}')).message).toContain('modules[0].labels.field: labels come from a file or from a field, not both');
    expect(errorOf(module(', labels: {file: a}')).message).toContain("modules[0].labels.positive: required key 'positive' is missing");
  });

  it("checks a filter naming a shadow's output: the module, its shadow alias and the output exist", () => {
    const config = (expression: string) => `modules:\n  - {name: snia, model: "models:/snia@champion", outputs: [snia_score], shadow: [challenger]}\nfilters:\n  - {name: f, expression: "${expression}", output: out.jsonl}\n`;
    expect(parseBrokerConfig(config('snia@challenger.snia_score > 0.5 and snia_score < 0.5'), FILE).filters[0]!.expression).toBe('snia@challenger.snia_score > 0.5 and snia_score < 0.5');
    expect(errorOf(config('snai@challenger.snia_score > 0.5')).message).toContain("filter 'f' reads snai@challenger.snia_score, but no module is named 'snai'");
    expect(errorOf(config('snia@candidate.snia_score > 0.5')).message).toContain("module 'snia' has no shadow 'candidate' (its shadows: challenger)");
    expect(errorOf(config('snia@challenger.score > 0.5')).message).toContain('name one of the module\'s outputs (snia@challenger.snia_score)');
    expect(errorOf(config('snia@challenger > 0.5')).message).toContain('name one of the module\'s outputs');
  });

  it("asks for reads when a module's inputs take another module's output", () => {
    const error = errorOf('modules:\n  - {name: a, model: /m, outputs: [x]}\n  - {name: b, model: /m, outputs: [y], inputs: [magpsf, x]}\n');
    expect(error.message).toBe("/srv/broker/broker.yaml:3:57: modules[1].inputs[1]: 'x' is an output of module 'a': add 'a' to this module's reads so that it runs first");
  });

  it('reports a filter syntax error at its line and column, with the expression and a caret', () => {
    const text = 'modules: []\nfilters:\n  - name: f\n    expression: snia_score >> 0.7\n    output: f.jsonl\n';
    const error = errorOf(text);
    expect(error.line).toBe(4);
    expect(error.key).toBe('filters[0].expression');
    const lines = error.message.split('\n');
    expect(lines[1]).toBe('  snia_score >> 0.7');
    const caret = lines[2]!.indexOf('^') - 2;
    expect(caret).toBeGreaterThanOrEqual(10);
    expect(error.column).toBe(17 + caret);
    const quoted = errorOf('modules: []\nfilters:\n  - {name: f, expression: "a > ", output: f.jsonl}\n');
    expect(quoted.key).toBe('filters[0].expression');
    expect(quoted.column).toBeGreaterThan(28);
  });

  it('tells the output format from the extension, and refuses an unknown one and two filters on one file', () => {
    const filter = (output: string, extra = '') => `modules: []\nfilters:\n  - {name: f, expression: a > 1, output: ${output}${extra}}\n`;
    expect(parseBrokerConfig(filter('x.json'), FILE).filters[0]!.format).toBe('jsonl');
    expect(parseBrokerConfig(filter('x.out', ', format: avro, cutouts: false'), FILE).filters[0]).toMatchObject({ format: 'avro', cutouts: false });
    expect(errorOf(filter('x.csv')).message).toContain(
      "filters[0].output: cannot tell the format of '/srv/broker/x.csv' from its extension: use .jsonl (or .json) for JSON lines, .avro for Avro, or say format: jsonl | avro",
    );
    expect(errorOf(filter('x.jsonl', ', format: parquet')).message).toContain("filters[0].format: expected jsonl or avro for a file, got 'parquet'");
    expect(errorOf(filter('x.jsonl', ', format: fink')).message).toContain("expected jsonl or avro for a file (fink is a Kafka format: output: kafka://host:port/topic), got 'fink'");
    const both = errorOf('modules: []\nfilters:\n  - {name: f, expression: a > 1, output: out/x.jsonl}\n  - {name: g, expression: a > 2, output: ./out/../out/x.jsonl}\n');
    expect(both.message).toBe("/srv/broker/broker.yaml:4:42: filters[1].output: filter 'f' already writes /srv/broker/out/x.jsonl: give each filter its own output file");
    expect(errorOf('modules: []\nfilters:\n  - {name: f, expression: a > 1, output: x.jsonl}\n  - {name: f, expression: a > 2, output: y.jsonl}\n').message).toContain(
      "filters[1].name: another filter is already named 'f'",
    );
  });

  it('reads a Kafka output: format fink by default, cutouts kept, a registry for confluent, SASL with the password in the environment', () => {
    const filter = (extra = '', output = 'kafka://k1:9092,k2:9092/early') => `modules: []\nfilters:\n  - {name: f, expression: a > 1, output: "${output}"${extra}}\n`;
    expect(parseBrokerConfig(filter(), FILE).filters[0]).toMatchObject({ output: 'kafka://k1:9092,k2:9092/early', format: 'fink', cutouts: true });
    expect(parseBrokerConfig(filter(', format: confluent, schema_registry: ./schemas'), FILE).filters[0]).toMatchObject({ format: 'confluent', schemaRegistry: '/srv/broker/schemas' });
    expect(parseBrokerConfig(filter(', format: confluent, schema_registry: "http://registry:8081"'), FILE).filters[0]!.schemaRegistry).toBe('http://registry:8081');
    const secure = parseBrokerConfig(filter(', security: {protocol: sasl_plaintext, username: alice, password_env: FINK_PW}'), FILE).filters[0]!;
    expect(secure.security).toEqual({ protocol: 'sasl_plaintext', mechanism: 'SCRAM-SHA-512', username: 'alice', passwordEnv: 'FINK_PW' });
    expect(errorOf(filter(', format: confluent')).message).toContain('filters[0].schema_registry: format confluent needs schema_registry');
    expect(errorOf(filter(', format: avro')).message).toContain("filters[0].format: expected fink, container, confluent for a Kafka output, got 'avro'");
    expect(errorOf(filter(', schema_registry: ./s')).message).toContain('schema_registry is for format confluent (this output is fink)');
    expect(errorOf(filter('', 'kafka://k1:9092/a,b')).message).toContain('filters[0].output: kafka://k1:9092/a,b: an output writes one topic');
    expect(errorOf(filter('', 'kafka://k1/a')).message).toContain('bootstrap server "k1" is not host:port');
    expect(errorOf(filter(', security: {protocol: sasl_ssl, username: alice, password: hunter2}')).message).toContain('filters[0].security.password: a password is not written in the config');
    expect(errorOf(filter(', security: {protocol: sasl_ssl, username: alice}')).message).toContain('protocol sasl_ssl needs password_env');
    expect(errorOf(filter(', security: {protocol: ssl, username: alice}')).message).toContain('username is for SASL');
    expect(errorOf(filter(', security: {protocol: tls}')).message).toContain("expected one of plaintext, ssl, sasl_plaintext, sasl_ssl, got 'tls'");
    expect(errorOf(`modules: []\nfilters:\n  - {name: f, expression: a > 1, output: x.jsonl, schema_registry: ./s}\n`).message).toContain('schema_registry is for a Kafka output');
  });

  it('reads a source: block (servers as text or list, topics or a pattern, defaults) and refuses what cannot be read', () => {
    const source = (block: string) => `modules: []\nsource:\n${block}`;
    expect(parseBrokerConfig(source('  servers: k1:9092,k2:9092\n  topics: [ztf_public]\n'), FILE).source).toEqual({ servers: ['k1:9092', 'k2:9092'], topics: ['ztf_public'], group: 'aviary', start: 'earliest' });
    const full = parseBrokerConfig(source('  servers: [k1:9092]\n  pattern: "fink_.*"\n  group: night\n  start: latest\n  schema_registry: ./schemas\n  schema: fink.avsc\n  security: {protocol: sasl_ssl, username: bob, password_env: PW}\n'), FILE).source!;
    expect(full).toMatchObject({ pattern: 'fink_.*', group: 'night', start: 'latest', schemaRegistry: '/srv/broker/schemas', schemaFile: '/srv/broker/fink.avsc', security: { protocol: 'sasl_ssl', username: 'bob' } });
    expect(errorOf(source('  servers: k1:9092\n')).message).toContain('source.topics: name the topics to read');
    expect(errorOf(source('  servers: k1:9092\n  topics: [a]\n  pattern: b\n')).message).toContain('source.pattern: give topics or a pattern, not both');
    expect(errorOf(source('  servers: k1\n  topics: [a]\n')).message).toContain('source.servers: bootstrap server "k1" is not host:port');
    expect(errorOf(source('  servers: k1:9092\n  pattern: "fink_("\n')).message).toContain('source.pattern: not a regular expression');
    expect(errorOf(source('  servers: k1:9092\n  topics: [a]\n  start: middle\n')).message).toContain("source.start: expected earliest or latest, got 'middle'");
    expect(errorOf(source('  server: k1:9092\n')).message).toContain("unknown key 'server'; did you mean 'servers'?");
  });

  it('reports YAML syntax errors with their position', () => {
    const error = errorOf('modules:\n  - name: a\n   model: [\n');
    expect(error.line).toBeGreaterThan(1);
    expect(error.message).toMatch(/^\/srv\/broker\/broker\.yaml:\d+:\d+: not valid YAML: /);
  });
});

describe('loadBrokerConfig', () => {
  it('reads the file and resolves paths against its folder; a missing file is a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aviary-config-'));
    try {
      const file = join(dir, 'broker.yaml');
      await writeFile(file, 'modules:\n  - {name: a, model: ../m, outputs: [x]}\n');
      const config = await loadBrokerConfig(file);
      expect(config.modules[0]!.model).toBe(join(dir, '../m'));
      await expect(loadBrokerConfig(join(dir, 'nope.yaml'))).rejects.toThrow(`${join(dir, 'nope.yaml')}: cannot read the broker config: no such file`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
