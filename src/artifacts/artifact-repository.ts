/**
 * The artifact-storage boundary: where MLflow's proxied artifact service keeps files.
 * Paths are relative POSIX strings ('' is the root) already checked by `safeArtifactPath`;
 * implementations check again at their own edge. File contents only ever move as streams,
 * so an upload or download of any size holds a bounded amount of memory.
 */
import type { Readable } from 'node:stream';

/** One entry of a listing, as MLflow's `FileInfo` proto: sizes for files, none for folders. */
export interface FileInfo {
  /** Relative to the repository root, like MLflow's repositories return it. */
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}

export interface ArtifactFile {
  readonly size: number;
  /** Must be consumed or destroyed by the caller, or the file stays open. */
  readonly stream: Readable;
}

export interface ArtifactRepository {
  /**
   * Stores `body` at `path`, replacing any file there. The file appears only once the body
   * has been read to its end: a failed or interrupted upload leaves nothing behind.
   */
  write(path: string, body: Readable): Promise<void>;

  /** RESOURCE_DOES_NOT_EXIST when absent, INVALID_PARAMETER_VALUE when `path` is a folder. */
  read(path: string): Promise<ArtifactFile>;

  /** The direct children of the folder `path`, sorted; empty when `path` is a file or absent (as MLflow). */
  list(path: string): Promise<FileInfo[]>;

  /** Removes a file or a whole folder; an absent path is not an error (as MLflow). */
  delete(path: string): Promise<void>;

  /**
   * The absolute folder the files are kept in, when it is on this machine: local artifact URIs
   * under it (`aviary server --default-artifact-root` pointing there) name files this repository serves.
   */
  readonly localFolder?: string;
}

/** What downloading needs: a remote server's artifacts are read, never written, through it. */
export type ArtifactReader = Pick<ArtifactRepository, 'list' | 'read' | 'localFolder'>;
