/**
 * Typed reads of a YAML document that remember where every value was written, so that any
 * error names the file, line, column and key path. Every check of a config value goes through
 * here: unknown keys (with a did-you-mean), required keys, and each value's expected type.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import { BrokerConfigError } from './broker-config-error.js';
import { didYouMean } from './did-you-mean.js';
import { parseDuration } from './parse-duration.js';

/** Where a value was written, kept for checks made after loading (a model's signature). */
export interface ConfigPosition {
  readonly file: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  readonly column: number;
  readonly key: string;
}

/** At most `max`, and why: a bound is there to stop a typo from exhausting the machine. */
export interface UpperBound {
  readonly max: number;
  readonly why: string;
}

/** A value in the document with its key path ("modules[1].batch_size") and its node. */
export interface ConfigValue {
  readonly key: string;
  readonly node: Node | null;
  /** Where to point when the value is absent: the enclosing mapping. */
  readonly parent?: Node | null;
}

export class ConfigReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** An error at the value (or `offset` characters into it). */
  error(value: ConfigValue, reason: string, offset = 0): BrokerConfigError {
    const { line, column } = this.position(value, offset);
    return new BrokerConfigError(this.file, line, column, value.key, reason);
  }

  position(value: ConfigValue, offset = 0): ConfigPosition {
    const start = (value.node ?? value.parent)?.range?.[0];
    if (start === undefined) return { file: this.file, line: 0, column: 0, key: value.key };
    const { line, col } = this.lines.linePos(start + offset);
    return { file: this.file, line, column: col, key: value.key };
  }

  /** A mapping's entries; a key not in `known` fails, naming the closest known key. */
  mapping(value: ConfigValue, known: readonly string[], required: readonly string[] = []): Map<string, ConfigValue> {
    if (!isMap(value.node)) throw this.error(value, `expected a mapping (key: value lines), got ${describe(value.node)}`);
    const entries = new Map<string, ConfigValue>();
    for (const pair of value.node.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = value.key ? `${value.key}.${name}` : name;
      if (!known.includes(name)) {
        const guess = didYouMean(name, known);
        const hint = guess ? `did you mean '${guess}'?` : `expected one of ${known.join(', ')}`;
        throw this.error({ key, node: pair.key }, `unknown key '${name}'; ${hint}`);
      }
      entries.set(name, { key, node: pair.value ?? null, parent: pair.key });
    }
    for (const name of required) {
      if (!entries.has(name) || isNull(entries.get(name)!.node)) {
        throw this.error({ key: value.key ? `${value.key}.${name}` : name, node: null, parent: value.node }, `required key '${name}' is missing`);
      }
    }
    return entries;
  }

  list(value: ConfigValue): ConfigValue[] {
    if (!isSeq(value.node)) throw this.error(value, `expected a list (- item lines, or [a, b]), got ${describe(value.node)}`);
    return (value.node.items as (Node | null)[]).map((node, i) => ({ key: `${value.key}[${i}]`, node, parent: value.node }));
  }

  string(value: ConfigValue): string {
    const scalar = isScalar(value.node) ? value.node.value : undefined;
    if (typeof scalar !== 'string' || scalar.trim() === '') throw this.error(value, `expected a non-empty text, got ${describe(value.node)}`);
    return scalar.trim();
  }

  /** A name usable as an output column or a module reference. */
  name(value: ConfigValue): string {
    const text = this.string(value);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) throw this.error(value, `expected a name of letters, digits and _ (not starting with a digit), got '${text}'`);
    return text;
  }

  wholeNumber(value: ConfigValue, min: number, bound?: UpperBound): number {
    const raw = isScalar(value.node) ? value.node.value : undefined;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min) {
      throw this.error(value, `expected a whole number ${bound ? `from ${min} to ${bound.max}` : `>= ${min}`}, got ${describe(value.node)}`);
    }
    if (bound && raw > bound.max) throw this.error(value, `expected at most ${bound.max}, got ${raw}: ${bound.why}`);
    return raw;
  }

  boolean(value: ConfigValue): boolean {
    const raw = isScalar(value.node) ? value.node.value : undefined;
    if (typeof raw !== 'boolean') throw this.error(value, `expected true or false, got ${describe(value.node)}`);
    return raw;
  }

  /** Milliseconds; `allowZero` for settings where 0 means "never"; `bound.max` in milliseconds. */
  duration(value: ConfigValue, allowZero: boolean, bound?: UpperBound): number {
    const raw = isScalar(value.node) ? value.node.value : undefined;
    const ms = parseDuration(raw);
    if (ms === undefined || (!allowZero && ms === 0)) {
      const zero = allowZero ? ', or 0 for never' : '';
      throw this.error(value, `expected a duration such as 60s, 500ms, 2m or a number of seconds${zero}, got ${describe(value.node)}`);
    }
    if (bound && ms > bound.max) throw this.error(value, `expected at most ${formatDuration(bound.max)}, got ${describe(value.node)}: ${bound.why}`);
    return ms;
  }

  /** Where a value's text starts inside its node, for pointing at a character of it (a block scalar's text starts on the next line). */
  textOffset(value: ConfigValue): number {
    const node = value.node;
    if (!isScalar(node)) return 0;
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return 1;
    return node.type === 'PLAIN' ? 0 : -1;
  }
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** What a config holds where a value was expected, for "got ..." in messages. */
export function describe(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
  return String(node);
}
