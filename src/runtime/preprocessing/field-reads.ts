/**
 * Only the fields a preprocessing step reads cross the module boundary. A Fink alert dict is
 * tens of kilobytes (its history has ~100 fields per entry); a step typically reads a handful.
 * The step's worker learns what it reads on its first alerts (python/aviary_fields.py: every
 * read noted, then the step run again on the cut alert and trusted only if it answers the same);
 * the host then sends each alert cut to the union of those reads. A read outside them comes
 * back as "missed" and that alert is sent again whole, which widens the reads. A step that
 * iterates, measures or copies the whole alert is sent whole alerts, as before.
 *
 * A read spec: key -> spec of the value (a nested mapping, or each mapping of a list, is cut
 * to it; any other value is sent as it is), or null: the whole value.
 */
import type { Logger } from '../../common/logger.js';

export interface ReadSpec {
  readonly [key: string]: ReadSpec | null;
}

/** The batch param that tells the worker how alerts are sent, and the answer column of what it read. */
export const READ_PARAM = 'aviary.read';
export const READ_COLUMN = 'aviary.read';
/** Learning ends when this many alerts in a row added no read (or at MAX_LEARNING_ALERTS). */
export const LEARNING_ALERTS = 200;
const MAX_LEARNING_ALERTS = 2000;
/** A spec from the worker deeper or wider than this is not believed (it is untrusted input). */
const MAX_DEPTH = 16;
const MAX_KEYS = 10_000;

/**
 * An alert that can give one top-level field without being built whole (the broker's Fink dict:
 * finkAlertField), so that cutting it to a few fields costs a few lookups.
 */
export interface FieldSource {
  readonly [FIELD_SOURCE]: true;
  /** The field's value, or `absent`. */
  field(key: string): unknown;
  readonly absent: unknown;
  /** The alert whole. */
  whole(): Record<string, unknown>;
}

export const FIELD_SOURCE: unique symbol = Symbol('aviary.fieldSource');

export function isFieldSource(value: unknown): value is FieldSource {
  return typeof value === 'object' && value !== null && (value as Partial<FieldSource>)[FIELD_SOURCE] === true;
}

/** The source's fields named by the spec, each cut to its own spec: projectFields(source.whole(), spec) without the whole. */
export function cutSource(source: FieldSource, spec: ReadSpec): Record<string, unknown> {
  return cutRecord(spec, (key) => source.field(key), source.absent);
}

/** `value` cut to `spec`: what the host sends. Python's `project` in aviary_fields.py is its twin. */
export function projectFields(value: unknown, spec: ReadSpec | null): unknown {
  if (spec === null) return value;
  if (value instanceof Map) return projectFields(Object.fromEntries(value), spec);
  if (Array.isArray(value)) return value.map((item) => (isPlainRecord(item) || item instanceof Map ? projectFields(item, spec) : item));
  if (!isPlainRecord(value)) return value;
  return cutRecord(spec, (key) => (Object.hasOwn(value, key) ? value[key] : NOT_OWN), NOT_OWN);
}

const NOT_OWN = Symbol('not own');

/** The spec's fields that `valueOf` finds (not `absent`), each cut to its own spec; any key (even "__proto__") an own field. */
function cutRecord(spec: ReadSpec, valueOf: (key: string) => unknown, absent: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(spec)) {
    const value = valueOf(key);
    if (value === absent) continue;
    const projected = projectFields(value, spec[key]!);
    if (key === '__proto__') Object.defineProperty(out, key, { value: projected, enumerable: true, writable: true, configurable: true });
    else out[key] = projected;
  }
  return out;
}

/** Both specs' reads: null (the whole value) wins. */
export function mergeReads(a: ReadSpec | null, b: ReadSpec | null): ReadSpec | null {
  if (a === null || b === null) return null;
  const out: Record<string, ReadSpec | null> = Object.create(null);
  for (const key of Object.keys(a)) out[key] = a[key]!;
  for (const key of Object.keys(b)) out[key] = Object.hasOwn(out, key) ? mergeReads(out[key]!, b[key]!) : b[key]!;
  return out;
}

/** A spec as the worker sent it, checked: a null-prototype copy, or undefined when it is not a believable spec. */
export function readSpecOf(value: unknown): ReadSpec | undefined {
  const budget = { keys: MAX_KEYS };
  const copy = (node: unknown, depth: number): ReadSpec | null | undefined => {
    if (node === null) return null;
    if (depth > MAX_DEPTH || !isPlainRecord(node)) return undefined;
    const out: Record<string, ReadSpec | null> = Object.create(null);
    for (const key of Object.keys(node)) {
      if (--budget.keys < 0) return undefined;
      const child = copy(node[key], depth + 1);
      if (child === undefined) return undefined;
      out[key] = child;
    }
    return out;
  };
  const spec = copy(value, 0);
  return spec === null ? undefined : spec;
}

/** How many fields a spec names, and how many of its lists' entries: for the log line. */
export function describeReads(spec: ReadSpec): string {
  return Object.keys(spec)
    .map((key) => {
      const sub = spec[key];
      if (sub === null) return `${key} (whole)`;
      const inner = Object.keys(sub);
      return inner.length > 0 ? `${key}[${inner.join(', ')}]` : key;
    })
    .join(', ');
}

export type ReadMode =
  /** Whole alerts, each read noted. */
  | { readonly kind: 'learn' }
  /** Alerts cut to the spec. */
  | { readonly kind: 'fields'; readonly spec: ReadSpec }
  /** Whole alerts, nothing noted: the step needs them whole. */
  | { readonly kind: 'whole' };

/** What one preprocessing step reads, learned over its first alerts. */
export class FieldReads {
  private spec: ReadSpec = Object.create(null);
  private signature = '{}';
  private learned = 0;
  /** Alerts learned since the reads last grew. */
  private stable = 0;
  /** Learning is over: reads found later widen the reads without learning again. */
  private learnt = false;
  private whole = false;
  /** Set while a learning request is out: other batches wait for what it learns rather than learn too. */
  private learning?: { done: Promise<void>; end: () => void };

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  mode(): ReadMode {
    if (this.whole) return { kind: 'whole' };
    return this.learnt ? { kind: 'fields', spec: this.spec } : { kind: 'learn' };
  }

  /** The mode of the next request, once no learning request is out. A "learn" answer makes this
   * caller the learner: it sends at most `learnMore` alerts, then calls `learn` and `finishLearning`. */
  async next(): Promise<ReadMode> {
    while (this.learning) await this.learning.done;
    const mode = this.mode();
    if (mode.kind === 'learn') {
      let end!: () => void;
      const done = new Promise<void>((resolve) => (end = resolve));
      this.learning = { done, end };
    }
    return mode;
  }

  /** Alerts still to learn from. */
  get learnMore(): number {
    return Math.max(1, LEARNING_ALERTS - this.stable);
  }

  finishLearning(): void {
    const learning = this.learning;
    this.learning = undefined;
    learning?.end();
  }

  /** The worker's answer to a learning batch: per alert, a spec, "whole", or null (not read: the alert was not valid JSON). */
  learn(reads: readonly unknown[]): void {
    if (this.whole) return;
    const wasLearning = !this.learnt;
    const before = this.signature;
    for (const read of reads) {
      if (read === null || read === undefined) continue;
      const spec = read === 'whole' ? undefined : readSpecOf(read);
      if (!spec) {
        this.whole = true;
        this.logger.info(`${this.name}: reads the alert whole; whole alerts are sent to it`);
        return;
      }
      this.spec = mergeReads(this.spec, spec)!;
      const signature = JSON.stringify(this.spec);
      this.stable = signature === this.signature ? this.stable + 1 : 0;
      this.signature = signature;
      this.learned++;
      if (this.stable >= LEARNING_ALERTS || this.learned >= MAX_LEARNING_ALERTS) this.learnt = true;
    }
    if (wasLearning && this.learnt) {
      this.logger.info(`${this.name}: reads ${describeReads(this.spec)}; only those fields are sent to it`);
    } else if (!wasLearning && this.signature !== before) {
      this.logger.info(`${this.name}: also reads more fields of some alerts; now sent ${describeReads(this.spec)}`);
    }
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Date) && !(value instanceof Map);
}
