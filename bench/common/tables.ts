/** Tables of a benchmark's numbers: aligned for the console, Markdown for results files. First column is labels, the rest numbers. */

export function consoleTable(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  return cells.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export function markdownTable(cells: string[][]): string {
  const [head, ...body] = cells;
  const lines = [`| ${head!.join(' | ')} |`, `| ${head!.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of body) lines.push(`| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  return lines.join('\n');
}
