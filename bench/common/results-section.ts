/**
 * A results file shared by several benchmarks (bench/kafka/results.md: the clients, the
 * pipeline): each rewrites its own section, from its `# ` heading to the next `# ` heading,
 * and keeps the others as they are. A section not there yet is added at the end.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** `section` starts with its heading line (`# Title...`); `heading` is how that line begins. */
export function writeResultsSection(file: string, heading: string, section: string): void {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const start = lines.findIndex((line) => line.startsWith(heading));
  const body = section.trimEnd().split('\n');
  let next: string[];
  if (start < 0) {
    const kept = lines.join('\n').trimEnd();
    next = kept === '' ? body : [kept, '', ...body];
  } else {
    const after = lines.findIndex((line, i) => i > start && line.startsWith('# '));
    const before = lines.slice(0, start).join('\n').trimEnd();
    const rest = after < 0 ? '' : lines.slice(after).join('\n').trimEnd();
    next = [...(before === '' ? [] : [before, '']), ...body, ...(rest === '' ? [] : ['', rest])];
  }
  writeFileSync(file, `${next.join('\n')}\n`);
}
