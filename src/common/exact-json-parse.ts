/**
 * The reader matching exact-json.ts: standard JSON, where an integer outside JavaScript's safe
 * range (|n| > 2^53 - 1) becomes a BigInt instead of a rounded number, and Python's `NaN`,
 * `Infinity` and `-Infinity` are accepted. Anything else malformed throws a SyntaxError naming
 * the character offset.
 */
export function parseExactJson(text: string, options: { readonly number?: (written: string) => unknown } = {}): unknown {
  const parser = new Parser(text, options.number);
  parser.skipSpace();
  const value = parser.value();
  parser.skipSpace();
  if (parser.at < text.length) parser.fail('unexpected text after the value');
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const SPECIAL: Record<string, unknown> = { true: true, false: false, null: null, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

class Parser {
  at = 0;
  constructor(
    private readonly text: string,
    /** Reads each number from its text instead (`options.number`): e.g. to keep how it was written. */
    private readonly readNumber?: (written: string) => unknown,
  ) {}

  fail(message: string): never {
    throw new SyntaxError(`JSON: ${message} at offset ${this.at}`);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.at++;
    }
  }

  value(): unknown {
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const word of Object.keys(SPECIAL)) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return SPECIAL[word];
      }
    }
    return this.number();
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return result;
    }
    for (;;) {
      if (this.text[this.at] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail("expected ':'");
      this.at++;
      this.skipSpace();
      // defineProperty: a key named "__proto__" stays an ordinary field.
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === '}') return result;
      if (next !== ',') this.fail("expected ',' or '}'");
      this.skipSpace();
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === ']') return result;
      if (next !== ',') this.fail("expected ',' or ']'");
      this.skipSpace();
    }
  }

  private string(): string {
    const start = this.at;
    let end = start + 1;
    const t = this.text;
    while (end < t.length && t[end] !== '"') end += t[end] === '\\' ? 2 : 1;
    if (end >= t.length) this.fail('unterminated string');
    this.at = end + 1;
    try {
      return JSON.parse(t.slice(start, end + 1)) as string;
    } catch {
      this.at = start;
      return this.fail('invalid string');
    }
  }

  private number(): unknown {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('unexpected character');
    this.at += match[0].length;
    if (this.readNumber) return this.readNumber(match[0]);
    const isInteger = match[1] === undefined && match[2] === undefined;
    const number = Number(match[0]);
    return isInteger && !Number.isSafeInteger(number) ? BigInt(match[0]) : number;
  }
}
