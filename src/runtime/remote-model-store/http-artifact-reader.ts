/**
 * A tracking server's proxied artifacts (/api/2.0/mlflow-artifacts/artifacts), read over HTTP.
 * What the server lists is untrusted: a name that is not one plain path segment is refused here,
 * and download-artifacts.ts checks again before anything is written.
 */
import type { ArtifactFile, ArtifactReader, FileInfo } from '../../artifacts/artifact-repository.js';
import { safeArtifactPath } from '../../artifacts/safe-artifact-path.js';
import { MlflowError } from '../../common/mlflow-error.js';
import type { TrackingServerClient } from './tracking-server-client.js';

interface ListedFile {
  readonly path: string;
  readonly is_dir?: boolean;
  readonly file_size?: number | string;
}

export class HttpArtifactReader implements ArtifactReader {
  constructor(private readonly server: TrackingServerClient) {}

  async list(path: string): Promise<FileInfo[]> {
    const folder = safeArtifactPath(path);
    const query: Record<string, string> = folder === '' ? {} : { path: folder };
    const { files = [] } = await this.server.getJson<{ files?: ListedFile[] }>('mlflow-artifacts', 'artifacts', query, `the artifacts in '${folder}'`).catch((err: unknown) => {
      throw this.withoutProxy(err);
    });
    return files.map((file) => ({
      path: this.childPath(folder, file.path),
      is_dir: file.is_dir === true,
      ...(file.file_size !== undefined ? { file_size: Number(file.file_size) } : {}),
    }));
  }

  async read(path: string): Promise<ArtifactFile> {
    const file = safeArtifactPath(path);
    const encoded = file.split('/').map(encodeURIComponent).join('/');
    const response = await this.server.download(encoded, `the artifact '${file}'`).catch((err: unknown) => {
      throw this.withoutProxy(err);
    });
    const length = Number(response.headers['content-length']);
    return { size: Number.isFinite(length) ? length : -1, stream: response };
  }

  /** MLflow lists base names; a full path under the folder is accepted too. Anything else could name a place outside it. */
  private childPath(folder: string, listed: string): string {
    const prefix = folder === '' ? '' : `${folder}/`;
    const name = listed.startsWith(prefix) && prefix !== '' ? listed.slice(prefix.length) : listed;
    let safe: string;
    try {
      safe = safeArtifactPath(name);
    } catch (err) {
      throw new Error(`tracking server ${this.server.display} listed '${listed}' in '${folder}': ${(err as Error).message}; nothing was downloaded from it`);
    }
    if (safe === '' || safe.includes('/')) throw new Error(`tracking server ${this.server.display} listed '${listed}' in '${folder}', which is not a name inside it; nothing was downloaded from it`);
    return `${prefix}${safe}`;
  }

  /** A server started without its artifact proxy answers ENDPOINT_NOT_FOUND: say what to change. */
  private withoutProxy(err: unknown): unknown {
    if (!(err instanceof MlflowError) || err.code !== 'ENDPOINT_NOT_FOUND') return err;
    return new Error(`tracking server ${this.server.display} does not serve artifacts (mlflow-artifacts): start it with its artifact proxy on (mlflow server --serve-artifacts)`);
  }
}
