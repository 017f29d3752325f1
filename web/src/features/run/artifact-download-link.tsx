/**
 * An artifact's Download link. Signed in, the plain link would be refused (a navigation cannot
 * carry the session's credentials): the file is fetched with them and saved from a blob URL.
 */
import { useState, type MouseEvent } from 'react';
import { describeError } from '../../api/api-error.js';
import { artifactUrl, readArtifactBlob } from '../../api/run-api.js';
import { sessionAuthorization } from '../../api/session-credentials.js';

export function ArtifactDownloadLink({ runId, path }: { runId: string; path: string }) {
  const [error, setError] = useState<unknown>(undefined);
  const name = path.split('/').pop() ?? 'artifact';
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (!sessionAuthorization()) return;
    e.preventDefault();
    setError(undefined);
    readArtifactBlob(runId, path).then((blob) => {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      link.click();
      // The download has started reading the blob by then; a minute leaves slow disks time.
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    }, setError);
  };
  return (
    <>
      <a href={artifactUrl(runId, path)} download={name} onClick={onClick} data-testid="artifact-download">
        Download
      </a>
      {error !== undefined && <span className="error-inline">{describeError(error)}</span>}
    </>
  );
}
