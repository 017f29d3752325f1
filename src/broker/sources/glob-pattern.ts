/**
 * Shell-style globs for alert paths (Node 20 has no fs.glob): `*` and `?` within one path
 * segment, `**` across segments, `[abc]` / `[!abc]` classes, `{a,b}` alternatives.
 */
import { sep } from 'node:path';

const GLOB_CHARS = /[*?[{]/;

export function isGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/** The folder before the first segment holding a glob character: where matching files are looked for. */
export function globBase(pattern: string): string {
  const segments = pattern.split(sep);
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isGlob(segment)) break;
    fixed.push(segment);
  }
  return fixed.join(sep) || sep;
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let alternatives = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === sep;
        source += slashAfter ? `(?:.*${escape(sep)})?` : '.*';
        i += slashAfter ? 2 : 1;
      } else {
        source += `[^${escape(sep)}]*`;
      }
    } else if (c === '?') {
      source += `[^${escape(sep)}]`;
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '{') {
      alternatives++;
      source += '(?:';
    } else if (c === '}' && alternatives > 0) {
      alternatives--;
      source += ')';
    } else if (c === ',' && alternatives > 0) {
      source += '|';
    } else {
      source += escape(c);
    }
  }
  return new RegExp(`^${source}$`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
