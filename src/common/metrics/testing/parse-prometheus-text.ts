/**
 * Test support: a strict reader of Prometheus' text format 0.0.4, written from the format's
 * description, not from our renderer, so that tests check what a scraper would accept. It
 * throws, naming the line, on anything a scraper would refuse or misread: a sample without its
 * `# HELP` and `# TYPE`, a family split or repeated, a series given twice, a bad escape, a
 * histogram whose buckets are not cumulative or whose `+Inf` bucket is not its count. It also
 * holds our own rules: counters end in `_total` and never go below 0.
 */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly samples: ParsedSample[];
}

export interface ParsedMetrics {
  readonly families: ReadonlyMap<string, ParsedFamily>;
  /** The value of the one sample named so whose labels include `labels`; throws when there is none or several. */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
  /** Every sample named so, whatever its labels. */
  samples(name: string): ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): ParsedMetrics {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text does not end with a newline');
  const families = new Map<string, ParsedFamily>();
  const helps = new Map<string, string>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | undefined;
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1} '${line}': ${why}`);
    };
    if (line.startsWith('#')) {
      const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(line);
      if (!meta) return; // a comment
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (families.has(name) || finished.has(name)) fail(`${name} is described twice`);
      if (kind === 'HELP') {
        if (helps.has(name)) fail(`a second HELP for ${name}`);
        helps.set(name, unescape(rest, false, fail));
      } else {
        if (!TYPES.has(rest)) fail(`unknown type '${rest}'`);
        if (!helps.has(name)) fail(`TYPE of ${name} before its HELP`);
        if (current !== undefined) finished.add(current);
        families.set(name, { name, help: helps.get(name)!, type: rest, samples: [] });
        current = name;
      }
      return;
    }
    if (line.trim() === '') fail('an empty line');
    const match = SAMPLE.exec(line) ?? fail('not a sample line');
    const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
    const family = familyOf(name, families) ?? fail(`${name} has no HELP and TYPE before it`);
    if (family.name !== current) fail(`${name} is apart from the rest of ${family.name}`);
    const labels = parseLabels(labelText ?? '', fail);
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    if (series.has(key)) fail(`the series ${key} is given twice`);
    series.add(key);
    const value = parseValue(valueText) ?? fail(`'${valueText}' is not a number`);
    if (family.type === 'counter' && !(value >= 0)) fail('a counter below 0');
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) {
    if (family.type === 'counter' && !family.name.endsWith('_total')) throw new Error(`counter ${family.name} does not end in _total`);
    if (family.type === 'histogram') checkHistogram(family);
  }
  const samples = (name: string) => [...families.values()].flatMap((f) => f.samples.filter((s) => s.name === name));
  return {
    families,
    samples,
    value: (name, labels = {}) => {
      const found = samples(name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (found.length !== 1) throw new Error(`${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
      return found[0]!.value;
    },
  };
}

function familyOf(sampleName: string, families: ReadonlyMap<string, ParsedFamily>): ParsedFamily | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  const suffix = /_(bucket|sum|count)$/.exec(sampleName);
  const base = suffix ? families.get(sampleName.slice(0, -suffix[0].length)) : undefined;
  return base && (base.type === 'histogram' || (base.type === 'summary' && suffix![1] !== 'bucket')) ? base : undefined;
}

function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*="/.exec(text.slice(at))?.[0] ?? fail(`bad label at '${text.slice(at)}'`);
    const label = name.slice(0, -2);
    if (label in labels) fail(`label ${label} twice`);
    at += name.length;
    let raw = '';
    for (;;) {
      const c = text[at] ?? fail(`label ${label}: unterminated value`);
      at += 1;
      if (c === '"') break;
      if (c === '\\') {
        raw += c + (text[at] ?? fail('a trailing backslash'));
        at += 1;
      } else raw += c;
    }
    labels[label] = unescape(raw, true, fail);
    if (at < text.length) {
      if (text[at] !== ',') fail(`expected ',' after label ${label}`);
      at += 1;
    }
  }
  return labels;
}

/** Help text escapes \\ and \n; label values also \". */
function unescape(text: string, quote: boolean, fail: (why: string) => never): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quote) return '"';
    return fail(`bad escape \\${c}`);
  });
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** Per series: `le` increasing, counts cumulative, `+Inf` last and equal to `_count`, `_sum` present. */
function checkHistogram(family: ParsedFamily): void {
  const bySeries = new Map<string, ParsedSample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    bySeries.set(key, [...(bySeries.get(key) ?? []), sample]);
  }
  for (const [key, samples] of bySeries) {
    const where = `${family.name} ${key}`;
    const buckets = samples.filter((s) => s.name === `${family.name}_bucket`);
    const count = samples.find((s) => s.name === `${family.name}_count`);
    if (!count || !samples.some((s) => s.name === `${family.name}_sum`)) throw new Error(`${where}: no _sum or _count`);
    const bounds = buckets.map((b) => parseValue(b.labels.le ?? '') ?? NaN);
    if (bounds.at(-1) !== Infinity) throw new Error(`${where}: the last bucket is not le="+Inf"`);
    bounds.forEach((le, i) => {
      if (Number.isNaN(le) || (i > 0 && le <= bounds[i - 1]!)) throw new Error(`${where}: bucket bounds not increasing`);
      if (i > 0 && buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${where}: bucket counts not cumulative`);
    });
    if (buckets.at(-1)!.value !== count.value) throw new Error(`${where}: the +Inf bucket (${buckets.at(-1)!.value}) is not the count (${count.value})`);
  }
}
