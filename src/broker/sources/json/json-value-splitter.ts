/**
 * Splits a byte stream into its top-level JSON objects without parsing them: JSON lines,
 * objects one after another (pretty-printed alerts), or one top-level array whose elements are
 * the objects. Scans bytes (the structural characters are ASCII, so UTF-8 needs no decoding
 * here) and keeps only the current object in memory. Text that does not start an object or an
 * array runs to the end of its line and comes out as one piece, for the parser to refuse.
 */

export interface JsonValueText {
  readonly bytes: Buffer;
  /** Byte offset of the value's first byte. */
  readonly byteOffset: number;
  /** 1-based line of the value's first byte. */
  readonly line: number;
}

const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, NEWLINE = 0x0a;
const isSpace = (b: number) => b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;

export class JsonValueSplitter {
  private parts: Buffer[] = [];
  private mode: 'between' | 'value' | 'stray' = 'between';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private offset = 0;
  private line = 1;
  /** Inside one top-level array: its elements are the values. */
  private inArray = false;
  private sawAnything = false;
  private start = { byteOffset: 0, line: 1 };

  /** The values this chunk completes. */
  push(chunk: Buffer): JsonValueText[] {
    const done: JsonValueText[] = [];
    let from = 0;
    const finish = (end: number) => {
      this.parts.push(chunk.subarray(from, end));
      done.push({ bytes: Buffer.concat(this.parts), ...this.start });
      this.parts = [];
      this.mode = 'between';
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.mode === 'between') {
        if (b === NEWLINE) this.line++;
        if (isSpace(b) || (this.inArray && b === COMMA)) continue;
        if (this.inArray && b === CLOSE_ARRAY) {
          this.inArray = false;
          continue;
        }
        if (!this.sawAnything && b === OPEN_ARRAY && !this.inArray) {
          this.sawAnything = true;
          this.inArray = true;
          continue;
        }
        this.sawAnything = true;
        this.start = { byteOffset: this.offset + i, line: this.line };
        from = i;
        if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
          this.mode = 'value';
          this.depth = 1;
          this.inString = false;
          this.escaped = false;
        } else {
          this.mode = 'stray';
        }
        continue;
      }
      if (b === NEWLINE) this.line++;
      if (this.mode === 'stray') {
        if (b === NEWLINE) finish(i);
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
      } else if (b === QUOTE) {
        this.inString = true;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        this.depth++;
      } else if ((b === CLOSE_OBJECT || b === CLOSE_ARRAY) && --this.depth === 0) {
        finish(i + 1);
      }
    }
    if (this.mode !== 'between') this.parts.push(Buffer.from(chunk.subarray(from)));
    this.offset += chunk.length;
    return done;
  }

  /** At the end of the stream: the unfinished value (a truncated file) or a stray last line, if any. */
  end(): (JsonValueText & { readonly complete: boolean }) | undefined {
    if (this.mode === 'between') return undefined;
    const rest = { bytes: Buffer.concat(this.parts), ...this.start, complete: this.mode === 'stray' };
    this.parts = [];
    this.mode = 'between';
    return rest;
  }
}
