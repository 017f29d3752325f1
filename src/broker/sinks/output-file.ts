/**
 * An output written under `<output>.partial` and renamed to `<output>` when complete, so a
 * reader never sees it half-written. The parent folder is created; an existing output is
 * replaced on commit (a run's output holds that run's matches only).
 */
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { makeFolders } from '../../common/make-folders.js';

export class OutputFile {
  readonly partial: string;

  constructor(readonly path: string) {
    this.partial = `${path}.partial`;
  }

  /** Creates the parent folder; returns the path to write to. */
  async prepare(): Promise<string> {
    await makeFolders(dirname(this.path));
    return this.partial;
  }

  async commit(): Promise<void> {
    await rename(this.partial, this.path);
  }

  /** Removes what was written so far, leaving an earlier output as it was. */
  async discard(): Promise<void> {
    await rm(this.partial, { force: true });
  }
}

/** `out/x.avro` → `out/x.1.avro` for n = 1: the n-th extra file next to an output. */
export function siblingPath(output: string, n: number): string {
  if (n === 0) return output;
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}.${n}${ext}`);
}
