/**
 * The main thread's side of the alert writer thread: one request per write, answered in order,
 * each promise settled with the thread's reply. The thread keeps the process alive only while a
 * write is pending. If the thread dies, every pending and later write fails with its reason.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WriteResult } from '../alert-store.js';
import type { AlertWriteRow, OtherWrite } from './alert-store-writes.js';
import { packAlertRows, type AlertWriterOptions, type WriterReply, type WriterRequest } from './alert-writer-messages.js';

type Pending = { resolve: (reply: WriterReply) => void; reject: (err: Error) => void; settled: Promise<unknown> };
type Request = { kind: 'alerts'; rows: readonly AlertWriteRow[] } | OtherWrite | { kind: 'close' };

export class AlertWriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<void>;
  private nextId = 0;
  private failure?: Error;
  /** Set by close(): the thread then keeps the process alive until it has exited. */
  private closing = false;

  constructor(options: AlertWriterOptions) {
    this.worker = startWorker(options);
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(new Error(`the alert writer thread failed: ${err.message}`)));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.fail(new Error(`the alert writer thread exited (code ${code})`));
        resolve();
      }),
    );
  }

  async writeAlerts(rows: readonly AlertWriteRow[]): Promise<WriteResult> {
    const reply = await this.request({ kind: 'alerts', rows }, [packAlertRows(rows)]);
    return reply.ok && reply.result ? reply.result : { inserted: 0, updated: 0, refused: 0 };
  }

  async write(write: OtherWrite): Promise<void> {
    await this.request(write);
  }

  /** Waits for every pending write, then closes the thread's connection and ends the thread. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((p) => p.settled));
    // An unref'ed thread lets the event loop end while we wait for its exit, leaving this
    // promise unsettled (and the process exiting with 13, Node's "unsettled top-level await").
    this.closing = true;
    this.worker.ref();
    if (!this.failure) await this.request({ kind: 'close' }).catch(() => undefined);
    await this.exited;
  }

  private request(request: Request, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    let pending!: Pending;
    const settled = new Promise<WriterReply>((resolve, reject) => {
      pending = { resolve, reject, settled: undefined as unknown as Promise<unknown> };
    });
    pending.settled = settled.catch(() => undefined);
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, pending);
    this.worker.postMessage({ ...request, id } as WriterRequest, transfer);
    return settled.then((reply) => {
      if (reply.ok) return reply;
      throw Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code });
    });
  }

  private settle(reply: WriterReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
    pending.resolve(reply);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}

/**
 * Bundled, scripts/build.mjs puts the thread's script beside dist/aviary.js as
 * alert-writer-worker.js; from the sources (tsx, vitest) it is the .ts file next to this one,
 * loaded through tsx, which the thread registers first (threads do not inherit the loader).
 */
function startWorker(options: AlertWriterOptions): Worker {
  const bundled = new URL('./alert-writer-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { workerData: options });
  const source = new URL('./alert-writer-worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(source))) throw new Error(`the alert writer thread's script is missing: looked for ${fileURLToPath(bundled)} and ${fileURLToPath(source)}`);
  const tsx = import.meta.resolve('tsx/esm/api');
  const start = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(start, { eval: true, workerData: options });
}
