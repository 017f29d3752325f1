/**
 * A broker config that cannot be used: where (file, line, column), which key, and what to do.
 * The message reads like a compiler's: "broker.yaml:7:5: modules[1].batch_size: expected ...".
 */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
  constructor(
    readonly file: string,
    /** 1-based; 0 when the error is about the file as a whole. */
    readonly line: number,
    readonly column: number,
    /** The key path, e.g. "modules[1].batch_size"; empty for the whole document. */
    readonly key: string,
    readonly reason: string,
  ) {
    const where = line > 0 ? `${file}:${line}:${column}` : file;
    super(key ? `${where}: ${key}: ${reason}` : `${where}: ${reason}`);
  }
}
