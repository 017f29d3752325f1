/**
 * One Avro object container file being written: avsc's block encoder (deflate blocks) piped
 * to `<output>.partial`, renamed to `<output>` on close. The header is written at once, so even
 * an output with no records is a valid container.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import avro from 'avsc';
import { OutputFile } from '../output-file.js';

export class AvroFileWriter {
  private readonly done: Promise<Error | undefined>;
  private count = 0;

  private constructor(
    readonly file: OutputFile,
    readonly type: avro.Type,
    private readonly encoder: avro.streams.BlockEncoder,
    out: NodeJS.WritableStream,
  ) {
    this.done = pipeline(encoder, out).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  }

  static async open(path: string, type: avro.Type): Promise<AvroFileWriter> {
    const file = new OutputFile(path);
    const partial = await file.prepare();
    const encoder = new avro.streams.BlockEncoder(type as unknown as avro.Schema, { codec: 'deflate', writeHeader: 'always' });
    return new AvroFileWriter(file, type, encoder, createWriteStream(partial));
  }

  get written(): number {
    return this.count;
  }

  async write(record: unknown): Promise<void> {
    if (!this.encoder.write(record)) await Promise.race([once(this.encoder, 'drain'), this.done.then((err) => Promise.reject(err ?? new Error('the Avro output closed early')))]);
    this.count += 1;
  }

  async close(): Promise<void> {
    this.encoder.end();
    const err = await this.done;
    if (err) throw new Error(`cannot write ${this.file.path}: ${err.message}`);
    await this.file.commit();
  }
}
