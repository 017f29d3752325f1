/**
 * An AlertSource over a list of files read one after another by one per-file reader. Every
 * format's source is one of these; a file that cannot even be opened becomes a dead letter.
 */
import type { AlertFileFormat, AlertSource, AlertSourceItem } from './alert-source.js';
import { deadLetter, reasonOf } from './alert-source.js';

/** Reads one file: its records, and dead letters for what fails (the reader never throws for a bad file). */
export type AlertFileReader = (file: string) => AsyncGenerator<AlertSourceItem>;

/** A file to read, or an error met while listing the files (a missing path, an empty glob). */
export type FileEntry = { readonly file: string; readonly error?: string };

export class FilesAlertSource implements AlertSource {
  constructor(
    readonly description: string,
    private readonly files: AsyncIterable<FileEntry> | Iterable<FileEntry>,
    private readonly readerFor: (file: string) => Promise<AlertFileReader | string>,
    private readonly format?: AlertFileFormat,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<AlertSourceItem> {
    for await (const entry of this.files) {
      if (entry.error !== undefined) {
        yield deadLetter({ file: entry.file, format: this.format }, entry.error);
        continue;
      }
      let reader: AlertFileReader | string;
      try {
        reader = await this.readerFor(entry.file);
      } catch (err) {
        reader = reasonOf(err);
      }
      if (typeof reader === 'string') {
        yield deadLetter({ file: entry.file, format: this.format }, reader);
        continue;
      }
      yield* reader(entry.file);
    }
  }
}

