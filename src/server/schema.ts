/**
 * Request schemas shaped like MLflow's proto messages. A schema both checks a request
 * (JSON body or query string) and gives the handler a typed value. Errors read as MLflow's:
 * INVALID_PARAMETER_VALUE naming the parameter, and what was wrong with it.
 */
import { MlflowError } from '../common/mlflow-error.js';
import { pythonJsonDumps, pythonTypeName } from '../common/python-json.js';
import { isQueryInput, writtenValueAt } from './request-source.js';

/** The whole request a field belongs to: how it was sent shapes what is accepted and how errors show values. */
export interface ParseContext {
  readonly root: unknown;
}

export interface Field<T> {
  readonly required: boolean;
  /** `raw` is never undefined here; `path` names the parameter in errors. */
  parse(raw: unknown, path: string, context?: ParseContext): T;
}

type Infer<F> = F extends Field<infer T> ? T : never;
type Shape = Record<string, Field<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['required'] extends true ? K : never }[keyof S];
export type MessageOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in Exclude<keyof S, RequiredKeys<S>>]?: Infer<S[K]>;
};

const HINT = 'See the API docs for more information about request parameters.';

/**
 * The offending value for a message, as MLflow's Python server prints it (json.dumps, sorted
 * keys, numbers as the request wrote them): short, and safe on any input (a deeply nested body
 * overflows a recursive writer).
 */
function shown(value: unknown): string {
  let text: string;
  try {
    text = pythonJsonDumps(value, { compact: true, sortKeys: true });
  } catch {
    text = `<${pythonTypeName(value)}>`;
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function invalidValue(path: string, raw: unknown, context: ParseContext | undefined): MlflowError {
  const written = context && typeof raw !== 'string' ? writtenValueAt(context.root, path) : undefined;
  const value = written ? written.value : raw;
  return MlflowError.invalid(
    `Invalid value ${shown(value)} for parameter '${path}' supplied:  Hint: Value was of type '${pythonTypeName(value)}'. ${HINT}`,
  );
}

export function missing(path: string): MlflowError {
  return MlflowError.invalid(`Missing value for required parameter '${path}'. ${HINT}`);
}

function field<T>(parse: (raw: unknown, path: string, context?: ParseContext) => T) {
  const optional: Field<T> & { required: false; req(): Field<T> & { required: true } } = {
    required: false,
    parse,
    req: () => ({ required: true, parse }),
  };
  return optional;
}

export const string = () =>
  field<string>((raw, path, context) => {
    if (typeof raw === 'string') return raw;
    throw invalidValue(path, raw, context);
  });

/** proto int64: a JSON number or a decimal string (query strings are always strings). */
export const int64 = () =>
  field<number>((raw, path, context) => {
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw);
    throw invalidValue(path, raw, context);
  });

/** proto double: a JSON number, or "NaN" / "Infinity" / "-Infinity" (and numeric strings). */
export const double = () =>
  field<number>((raw, path, context) => {
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'string') {
      if (raw === 'NaN') return Number.NaN;
      if (raw === 'Infinity' || raw === 'inf') return Number.POSITIVE_INFINITY;
      if (raw === '-Infinity' || raw === '-inf') return Number.NEGATIVE_INFINITY;
      const n = Number(raw);
      if (raw.trim() !== '' && !Number.isNaN(n)) return n;
    }
    throw invalidValue(path, raw, context);
  });

export const bool = () =>
  field<boolean>((raw, path, context) => {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw invalidValue(path, raw, context);
  });

/** A proto enum given by name, as MLflow's JSON uses them. */
export const enumOf = <const E extends string>(values: readonly E[]) =>
  field<E>((raw, path, context) => {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as E;
    throw invalidValue(path, raw, context);
  });

/**
 * A repeated field. A query string gives one value as a plain string: it is taken as a list of
 * one. In a JSON body anything but a list is refused, naming the field (as MLflow does).
 */
export const list = <T>(item: Field<T>) =>
  field<T[]>((raw, path, context) => {
    const single = typeof raw === 'string' && (context === undefined || isQueryInput(context.root));
    const items = Array.isArray(raw) ? raw : single ? [raw] : undefined;
    if (!items) throw invalidValue(path, raw, context);
    return items.map((v, i) => item.parse(v, `${path}[${i}]`, context));
  });

export const message = <S extends Shape>(shape: S) =>
  field<MessageOf<S>>((raw, path, context) => parseMessage(shape, raw, path, context));

export function parseMessage<S extends Shape>(shape: S, raw: unknown, path = '', context: ParseContext = { root: raw }): MessageOf<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidValue(path || 'request', raw, context);
  }
  const source = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(shape)) {
    const value = source[name];
    const at = path ? `${path}.${name}` : name;
    // MLflow counts an empty string as missing for required fields (proto JSON has no "unset" string).
    if (value === undefined || value === null || (f.required && value === '')) {
      if (f.required) throw missing(at);
      continue;
    }
    out[name] = f.parse(value, at, context);
  }
  return out as MessageOf<S>;
}
