import type { Logger } from '../../common/logger.js';

/**
 * A worker's stderr: each complete line goes to the log prefixed with the model's name, and
 * the last `keep` lines are kept for error messages. Chunks may cut lines (and characters:
 * the decoder holds a split UTF-8 sequence until its end arrives).
 */
export class WorkerStderr {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly decoder = new TextDecoder();

  constructor(
    private name: string,
    private readonly logger: Logger,
    private readonly keep = 20,
  ) {}

  /** A spare's lines are its model's once it has one. */
  rename(name: string): void {
    this.name = name;
  }

  push(chunk: Uint8Array): void {
    const lines = (this.partial + this.decoder.decode(chunk, { stream: true })).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.add(line);
  }

  /** Logs a last line that had no newline. */
  end(): void {
    if (this.partial) this.add(this.partial);
    this.partial = '';
  }

  tail(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }

  private add(line: string): void {
    this.logger.info(`[${this.name}] ${line}`);
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}
