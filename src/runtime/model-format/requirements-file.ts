/**
 * pip requirement lines as MLflow writes them (python_env.yaml `dependencies`, conda.yaml's
 * `pip:` list, requirements.txt), with `-r file` expanded in place and `-c file` collected as
 * constraints, so an environment spec holds everything and is hashed by content.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { ModelFormatError } from './model-format-error.js';
import { readTextFile } from './yaml-file.js';

export interface Requirements {
  readonly requirements: string[];
  readonly constraints: string[];
}

const INCLUDE = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(.+)$/;
const MAX_DEPTH = 10;

/**
 * `lines` come from `file` (for error messages and relative includes); included files must lie
 * inside `modelDir`, since a downloaded model is not trusted to read the rest of the disk.
 */
export async function expandRequirements(lines: readonly string[], file: string, modelDir: string): Promise<Requirements> {
  const out: Requirements = { requirements: [], constraints: [] };
  await expandInto(out, lines, file, modelDir, false, [file]);
  return out;
}

async function expandInto(out: Requirements, lines: readonly string[], file: string, modelDir: string, asConstraints: boolean, chain: string[]): Promise<void> {
  for (const line of logicalLines(lines)) {
    const include = INCLUDE.exec(line);
    if (!include) {
      (asConstraints ? out.constraints : out.requirements).push(line);
      continue;
    }
    const target = resolve(dirname(file), include[2]!.trim());
    const inside = relative(modelDir, target);
    if (inside.startsWith(`..${sep}`) || inside === '..' || resolve(modelDir, inside) !== target) {
      throw new ModelFormatError(file, `"${line}" refers to a file outside the model folder`);
    }
    if (chain.includes(target) || chain.length > MAX_DEPTH) throw new ModelFormatError(file, `"${line}" includes itself (through ${chain.join(' -> ')})`);
    const text = await readTextFile(target);
    if (text === undefined) throw new ModelFormatError(file, `"${line}" names ${target}, which does not exist`);
    const constraints = asConstraints || include[1] === '-c' || include[1] === '--constraint';
    await expandInto(out, text.split(/\r?\n/), target, modelDir, constraints, [...chain, target]);
  }
}

/** Joins `\` continuations, drops comments (a `#` at the start or after whitespace) and blank lines. */
export function logicalLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of lines) {
    const line = pending + raw;
    if (/(^|[^\\])\\$/.test(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = '';
    const text = line.replace(/(^|\s)#.*$/, '').trim();
    if (text) out.push(text);
  }
  const last = pending.replace(/(^|\s)#.*$/, '').trim();
  if (last) out.push(last);
  return out;
}
