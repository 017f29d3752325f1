/**
 * A run's artifacts: one folder listed at a time (folders first, with file sizes), a path bar
 * to go back up, and the chosen file previewed beside it. Folder and file live in the URL
 * (?dir=&file=) so a view of an artifact can be shared.
 */
import { listArtifacts, type ArtifactFile } from '../../api/run-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { replaceQuery, useLocation } from '../../routing/location.js';
import { ArtifactPreview, formatSize } from './artifact-preview.js';

const baseName = (path: string) => path.split('/').pop() ?? path;

export function ArtifactsBrowser({ runId }: { runId: string }) {
  const { query } = useLocation();
  const dir = query.get('dir') ?? '';
  const file = query.get('file') ?? '';
  const [listing, reload] = useAsync(`${runId}/${dir}`, (signal) => listArtifacts(runId, dir, signal));
  const openDir = (path: string) => replaceQuery({ dir: path, file: undefined });
  const chosen = listing.status === 'done' ? listing.value.find((f) => f.path === file) : undefined;

  const parts = dir ? dir.split('/') : [];
  return (
    <div className="artifacts" data-testid="artifacts">
      <div className="artifact-list">
        <nav className="artifact-path" data-testid="artifact-path">
          <button type="button" className="linkish" onClick={() => openDir('')}>
            artifacts
          </button>
          {parts.map((part, i) => (
            <span key={i}>
              {' / '}
              <button type="button" className="linkish" onClick={() => openDir(parts.slice(0, i + 1).join('/'))}>
                {part}
              </button>
            </span>
          ))}
        </nav>
        {listing.status === 'loading' && <Progress label={`Listing ${dir || 'the artifacts'}…`} />}
        {listing.status === 'error' && (
          <>
            <ErrorBanner error={listing.error} />
            <button type="button" onClick={reload}>
              Retry
            </button>
          </>
        )}
        {listing.status === 'done' && <FileList files={listing.value} chosen={file} onDir={openDir} onFile={(path) => replaceQuery({ file: path })} />}
      </div>
      <div className="artifact-view">
        {file && chosen && <ArtifactPreview key={file} runId={runId} path={file} size={chosen.file_size} />}
        {file && !chosen && listing.status === 'done' && <ArtifactPreview key={file} runId={runId} path={file} />}
        {!file && <p className="empty">Choose a file to preview it.</p>}
      </div>
    </div>
  );
}

function FileList({ files, chosen, onDir, onFile }: { files: ArtifactFile[]; chosen: string; onDir: (path: string) => void; onFile: (path: string) => void }) {
  if (files.length === 0) return <p className="empty">No artifacts here.</p>;
  return (
    <ul className="file-list">
      {files.map((f) => (
        <li key={f.path} data-testid="artifact-entry" data-path={f.path} className={f.path === chosen ? 'chosen' : undefined}>
          <button type="button" className={f.is_dir ? 'linkish folder' : 'linkish'} onClick={() => (f.is_dir ? onDir(f.path) : onFile(f.path))}>
            {baseName(f.path)}
            {f.is_dir ? '/' : ''}
          </button>
          {!f.is_dir && f.file_size !== undefined && <span className="meta size">{formatSize(f.file_size)}</span>}
        </li>
      ))}
    </ul>
  );
}
