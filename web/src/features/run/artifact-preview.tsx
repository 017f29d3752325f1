/**
 * One artifact file shown in the page: text (the first 100 KB) in a <pre>, CSV/TSV as a table
 * (the first 200 rows), images as <img>; anything else is offered as a download. Images and
 * signed-in downloads are fetched with the session's credentials (an <img src> or a plain link
 * cannot send them) and handed to the browser as blob URLs.
 */
import { useState } from 'react';
import { readArtifactBlob, readArtifactText } from '../../api/run-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { useObjectUrl } from '../../components/use-object-url.js';
import { ArtifactDownloadLink } from './artifact-download-link.js';
import { parseDelimited } from './csv.js';
import { previewKind } from './preview-kind.js';

const MAX_TEXT_BYTES = 100 * 1024;
const MAX_TABLE_ROWS = 200;

export function ArtifactPreview({ runId, path, size }: { runId: string; path: string; size?: number }) {
  const kind = previewKind(path);
  return (
    <div className="artifact-preview" data-testid="artifact-preview" data-path={path} data-kind={kind}>
      <div className="preview-head">
        <span className="mono">{path}</span>
        {size !== undefined && <span className="meta">{formatSize(size)}</span>}
        <ArtifactDownloadLink runId={runId} path={path} />
      </div>
      {kind === 'image' && <ImagePreview runId={runId} path={path} />}
      {(kind === 'text' || kind === 'table') && <TextPreview runId={runId} path={path} asTable={kind === 'table'} />}
      {kind === 'download' && <p className="empty">No preview for this kind of file; download it to open it.</p>}
    </div>
  );
}

function ImagePreview({ runId, path }: { runId: string; path: string }) {
  const [failed, setFailed] = useState(false);
  const [blob] = useAsync(`${runId}/${path}`, (signal) => readArtifactBlob(runId, path, signal));
  const src = useObjectUrl(blob.status === 'done' ? blob.value : undefined);
  if (blob.status === 'loading') return <Progress label={`Loading ${path}…`} />;
  if (blob.status === 'error') return <ErrorBanner error={blob.error} />;
  if (failed) return <div className="error" role="alert">The image {path} could not be shown.</div>;
  return src ? <img className="preview-image" src={src} alt={path} data-testid="artifact-image" onError={() => setFailed(true)} /> : null;
}

function TextPreview({ runId, path, asTable }: { runId: string; path: string; asTable: boolean }) {
  const [content] = useAsync(`${runId}/${path}`, (signal) => readArtifactText(runId, path, MAX_TEXT_BYTES, signal));
  if (content.status === 'loading') return <Progress label={`Loading ${path}…`} />;
  if (content.status === 'error') return <ErrorBanner error={content.error} />;
  const { text, truncated } = content.value;
  const note = truncated && <p className="meta">Showing the first {MAX_TEXT_BYTES / 1024} KB.</p>;
  if (!asTable)
    return (
      <>
        {note}
        <pre className="preview-text" data-testid="artifact-text">
          {text}
        </pre>
      </>
    );
  const delimiter = path.toLowerCase().endsWith('.tsv') ? '\t' : ',';
  // A cut-off file ends mid-row: drop the partial last row.
  const rows = parseDelimited(text, delimiter, MAX_TABLE_ROWS + 2).slice(0, truncated ? -1 : undefined);
  const [header = [], ...body] = rows;
  const shown = body.slice(0, MAX_TABLE_ROWS);
  return (
    <>
      {(truncated || body.length > MAX_TABLE_ROWS) && <p className="meta">Showing the first {shown.length} rows.</p>}
      <div className="preview-table-scroll">
        <table className="grid preview-table" data-testid="artifact-table">
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function formatSize(bytes: number): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
