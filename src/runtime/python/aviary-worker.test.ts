// aviary_worker.py spoken to directly, frame by frame, without the pool.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareTestModels, type TestModels } from '../testing/test-models.js';
import { decodeTable, encodeTable } from '../worker/batch-codec.js';
import { encodeFrame, FrameDecoder, FrameType, type Frame } from '../worker/frame-codec.js';

const script = fileURLToPath(new URL('./aviary_worker.py', import.meta.url));
let models: TestModels;

class RawWorker {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  private readonly frames: Frame[] = [];
  private wake: (() => void) | undefined;

  constructor(modelDir: string, ...args: string[]) {
    this.child = spawn(models.environment.python, ['-u', script, '--model-dir', modelDir, ...args], {
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    const decoder = new FrameDecoder();
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.frames.push(...decoder.push(chunk));
      this.wake?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  send(type: number, id: number, payload?: Uint8Array): void {
    this.child.stdin.write(encodeFrame(type, id, payload));
  }

  async next(): Promise<Frame> {
    while (this.frames.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.frames.shift()!;
  }

  async exitCode(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }
}

const json = (frame: Frame) => JSON.parse(frame.payload.toString()) as Record<string, unknown>;

beforeAll(async () => {
  models = await prepareTestModels();
}, 600_000);

describe('aviary_worker.py', () => {
  it('says ready with its versions, answers pings and predictions, reports unknown frames, exits 0 at end of input', async () => {
    const worker = new RawWorker(`${models.dir}/typed`);
    const ready = await worker.next();
    expect(ready.type).toBe(FrameType.Ready);
    expect(json(ready)).toMatchObject({ python: expect.stringMatching(/^3\.11\./), mlflow: '3.17.2', flavor: 'python_function', pid: worker.child.pid });
    worker.send(FrameType.Ping, 9);
    expect(await worker.next()).toMatchObject({ type: FrameType.Pong, id: 9 });
    worker.send(42, 10);
    const unknown = await worker.next();
    expect(unknown).toMatchObject({ type: FrameType.Error, id: 10 });
    expect(json(unknown)).toMatchObject({ type: 'ProtocolError' });
    // numbers travel as float64; the signature's long column gets int64
    worker.send(FrameType.Predict, 11, encodeTable({ columns: ['n'], data: [Float64Array.from([1, 41])], rows: 2 }));
    const result = await worker.next();
    expect(result).toMatchObject({ type: FrameType.Result, id: 11 });
    const table = decodeTable(result.payload);
    expect(table.columns).toEqual(['next', 'dtype']);
    expect(Array.from(table.data[0]!)).toEqual([2, 42]);
    expect(table.data[1]).toEqual(['int64', 'int64']);
    expect(typeof table.meta?.['predict_ms']).toBe('number');
    // a JSON column of numbers is numeric too
    worker.send(FrameType.Predict, 12, encodeTable({ columns: ['n'], data: [[3, 4]], rows: 2 }));
    const fromJson = decodeTable((await worker.next()).payload);
    expect(Array.from(fromJson.data[0]!)).toEqual([4, 5]);
    expect(fromJson.data[1]).toEqual(['int64', 'int64']);
    worker.child.stdin.end();
    expect(await worker.exitCode()).toBe(0);
  }, 120_000);

  it('sends an error frame with id 0 and exits 1 when the model cannot be loaded', async () => {
    const worker = new RawWorker(`${models.dir}/no-such-model`);
    const error = await worker.next();
    expect(error).toMatchObject({ type: FrameType.Error, id: 0 });
    expect(String(json(error).message)).toContain('no-such-model');
    expect(await worker.exitCode()).toBe(1);
  }, 120_000);

  it('stops with code 2 on a corrupted stream', async () => {
    const worker = new RawWorker(`${models.dir}/typed`);
    expect((await worker.next()).type).toBe(FrameType.Ready);
    worker.child.stdin.write(Buffer.from('not a frame header'));
    expect(await worker.exitCode()).toBe(2);
    expect(worker.stderr).toContain('protocol error, stopping: bad frame header');
  }, 120_000);
});
