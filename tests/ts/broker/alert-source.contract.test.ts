/**
 * The AlertSource contract, run against every implementation: every record of every file in
 * order with its origin; a truncated file costs one dead letter naming the file and the
 * position, and the next file still reads; a missing path is a dead letter; breaking out of
 * the loop closes the file.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSourceItem, DeadLetter } from '../../../src/broker/sources/alert-source.js';
import { describeOrigin } from '../../../src/broker/sources/alert-source.js';
import { ALERT_SOURCE_IMPLEMENTATIONS, type SourceFixture } from './alert-source-implementations.js';

const collect = async (source: AsyncIterable<AlertSourceItem>) => {
  const items: AlertSourceItem[] = [];
  for await (const item of source) items.push(item);
  return items;
};
const openFds = () => readdirSync('/proc/self/fd').length;

describe.each(ALERT_SOURCE_IMPLEMENTATIONS)('AlertSource contract: $name', (implementation) => {
  let root: string;
  let fixture: SourceFixture;
  let items: AlertSourceItem[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'aviary-alert-source-'));
    fixture = await implementation.prepare(join(root, 'alerts'));
    items = await collect(implementation.open(fixture.dir));
  }, 60_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('yields every record of the intact files, with its file and its index in the file', () => {
    const perFile = new Map<string, number[]>();
    for (const item of items) {
      if (item.kind !== 'alert') continue;
      const name = basename(item.origin.file);
      perFile.set(name, [...(perFile.get(name) ?? []), item.origin.index!]);
      expect(item.payload.objectId ?? (item.payload.diaSource as object | undefined)).toBeTruthy();
    }
    for (const [name, count] of Object.entries(fixture.counts)) {
      expect(perFile.get(name), name).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });

  it('turns a truncated file into one dead letter naming the file and the position, and reads on', () => {
    const dead = items.filter((i): i is DeadLetter => i.kind === 'dead-letter');
    expect(dead.map((d) => basename(d.origin.file))).toEqual(fixture.truncated);
    for (const letter of dead) {
      const hasPosition = [letter.origin.byteOffset, letter.origin.block, letter.origin.line].some((p) => p !== undefined);
      expect(hasPosition).toBe(true);
      expect(letter.reason).toMatch(/truncated|ends|footer/i);
      expect(describeOrigin(letter.origin)).toContain(basename(letter.origin.file));
      // The file after it still reads.
      expect(items.slice(items.indexOf(letter) + 1).some((i) => i.kind === 'alert')).toBe(true);
    }
  });

  it('names a missing path in a dead letter and goes on', async () => {
    const missing = join(root, 'no-such-file.avro');
    const got = await collect(implementation.open([missing, fixture.dir]));
    expect(got[0]).toMatchObject({ kind: 'dead-letter', origin: { file: missing } });
    expect(got.filter((i) => i.kind === 'alert').length).toBe(items.filter((i) => i.kind === 'alert').length);
  });

  it('closes the open file when the reader stops early', async () => {
    const before = openFds();
    for await (const item of implementation.open(fixture.dir)) {
      if (item.kind === 'alert') break;
    }
    expect(openFds()).toBe(before);
  });
});
