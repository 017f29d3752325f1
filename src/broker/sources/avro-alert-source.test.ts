import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSourceItem } from './alert-source.js';
import { readAvroFile } from './avro-alert-source.js';
import { avroContainer } from './avro/testing/avro-test-files.js';

/** Spec-breaking defaults as ZTF and Fink write them, and a long past 2^53. */
const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'alert',
  namespace: 'test',
  fields: [
    { name: 'candid', type: 'long' },
    { name: 'magpsf', type: ['float', 'null'], default: null },
    { name: 'tooflag', type: ['null', 'int'], default: 0 },
    { name: 'stamp', type: 'bytes' },
  ],
});

const records = Array.from({ length: 7 }, (_, i) => ({
  candid: 3560118260615015042n + BigInt(i),
  magpsf: i % 2 === 0 ? null : 18.5,
  tooflag: i % 3 === 0 ? null : i,
  stamp: Buffer.from([0x1f, 0x8b, i]),
}));

const container = (codec: 'null' | 'deflate', perBlock: number) => avroContainer(SCHEMA, records, { codec, perBlock });

const collect = async (file: string) => {
  const items: AlertSourceItem[] = [];
  for await (const item of readAvroFile(file)) items.push(item);
  return items;
};

describe('readAvroFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-avro-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(['null', 'deflate'] as const)('reads every block (codec %s), longs as exact BigInt, spec-breaking defaults coped with', async (codec) => {
    const file = join(dir, `ok-${codec}.avro`);
    const { blockOffsets } = container(codec, 3);
    await writeFile(file, container(codec, 3).bytes);
    const items = await collect(file);
    expect(items.map((i) => i.kind)).toEqual(Array(7).fill('alert'));
    items.forEach((item, i) => {
      if (item.kind !== 'alert') return;
      expect(item.payload.candid).toBe(records[i]!.candid);
      expect(item.payload.magpsf).toBe(records[i]!.magpsf);
      expect(item.payload.tooflag).toBe(records[i]!.tooflag);
      expect(Buffer.from(item.payload.stamp as Uint8Array)).toEqual(records[i]!.stamp);
      expect(item.origin).toEqual({ file, format: 'avro', index: i, block: Math.floor(i / 3), byteOffset: blockOffsets[Math.floor(i / 3)] });
      expect(item.schemaName).toBe('test.alert');
    });
  });

  it('ends a file at a corrupt block with a dead letter naming its block and byte offset, after the good blocks', async () => {
    const file = join(dir, 'corrupt.avro');
    const { bytes, blockOffsets } = container('null', 3);
    const corrupt = Buffer.from(bytes);
    corrupt[blockOffsets[2]! - 1] ^= 0xff; // the sync marker closing block 1
    await writeFile(file, corrupt);
    const items = await collect(file);
    expect(items.filter((i) => i.kind === 'alert')).toHaveLength(3);
    expect(items[3]).toMatchObject({ kind: 'dead-letter', origin: { file, block: 1, byteOffset: blockOffsets[1], index: 3 } });
    expect((items[3] as { reason: string }).reason).toMatch(/sync marker/);
    expect(items).toHaveLength(4);
  });

  it('names the truncated block and where the file ends', async () => {
    const file = join(dir, 'truncated.avro');
    const { bytes, blockOffsets } = container('deflate', 3);
    await writeFile(file, bytes.subarray(0, blockOffsets[2]! + 4));
    const items = await collect(file);
    expect(items.filter((i) => i.kind === 'alert')).toHaveLength(6);
    expect(items[6]).toMatchObject({ kind: 'dead-letter', origin: { block: 2, byteOffset: blockOffsets[2], index: 6 } });
    expect((items[6] as { reason: string }).reason).toMatch(/truncated/);
  });

  it('refuses a file that is not Avro with one dead letter at byte 0', async () => {
    const file = join(dir, 'not-avro.avro');
    await writeFile(file, 'PAR1 certainly not avro');
    expect(await collect(file)).toEqual([{ kind: 'dead-letter', origin: { file, format: 'avro', index: 0, byteOffset: 0 }, reason: expect.stringMatching(/magic/) }]);
  });

  it('refuses a header cut short, at byte 0', async () => {
    const file = join(dir, 'short-header.avro');
    await writeFile(file, (await readFile(join(dir, 'ok-null.avro'))).subarray(0, 40));
    const items = await collect(file);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'dead-letter', origin: { byteOffset: 0 }, reason: expect.stringMatching(/header.*truncated|truncated.*header/) });
  });
});
