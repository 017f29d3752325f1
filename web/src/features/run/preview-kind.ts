/** How an artifact file is previewed, from its name. */
export type PreviewKind = 'image' | 'table' | 'text' | 'download';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp']);
const TABLE = new Set(['csv', 'tsv']);
const TEXT = new Set(['txt', 'log', 'json', 'yaml', 'yml', 'md', 'py', 'r', 'sh', 'toml', 'ini', 'cfg', 'xml', 'html', 'js', 'ts', 'sql', 'jsonl', 'ndjson']);
/** Files MLflow writes with no extension that are text. */
const TEXT_NAMES = new Set(['MLmodel', 'LICENSE', 'README', 'Dockerfile']);

export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? path;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return TEXT_NAMES.has(name) ? 'text' : 'download';
  const ext = name.slice(dot + 1).toLowerCase();
  if (IMAGE.has(ext)) return 'image';
  if (TABLE.has(ext)) return 'table';
  return TEXT.has(ext) ? 'text' : 'download';
}
