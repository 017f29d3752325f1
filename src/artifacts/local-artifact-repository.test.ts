import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowError } from '../common/mlflow-error.js';
import { LocalArtifactRepository } from './local-artifact-repository.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlflowError);
  return (err as MlflowError).code;
}

describe('LocalArtifactRepository', () => {
  let base: string;
  let root: string;
  let repo: LocalArtifactRepository;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'aviary-local-repo-'));
    root = join(base, 'artifacts'); // not created yet: the repository makes it
    repo = new LocalArtifactRepository(root);
  });

  afterEach(() => rm(base, { recursive: true, force: true }));

  it('gives back the exact bytes of a binary file, creating its folders', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(100_000)]);
    await repo.write('0/run/artifacts/model/model.pkl', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    const file = await repo.read('0/run/artifacts/model/model.pkl');
    expect(file.size).toBe(bytes.length);
    expect((await collect(file.stream)).equals(bytes)).toBe(true);
  });

  it('replaces a file written again', async () => {
    await repo.write('a.txt', Readable.from([Buffer.from('first version')]));
    await repo.write('a.txt', Readable.from([Buffer.from('second')]));
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('second');
  });

  it('lists the direct children of a folder as MLflow FileInfos, sorted', async () => {
    await repo.write('a/b/c.txt', Readable.from([Buffer.from('c')]));
    await repo.write('a/d.bin', Readable.from([Buffer.from('dddd')]));
    await repo.write('e f.txt', Readable.from([Buffer.from('ee')]));
    await repo.write('a/b/é.txt', Readable.from([Buffer.from('é')]));
    expect(await repo.list('')).toEqual([
      { path: 'a', is_dir: true },
      { path: 'e f.txt', is_dir: false, file_size: 2 },
    ]);
    expect(await repo.list('a')).toEqual([
      { path: 'a/b', is_dir: true },
      { path: 'a/d.bin', is_dir: false, file_size: 4 },
    ]);
    expect(await repo.list('a/b/')).toEqual([
      { path: 'a/b/c.txt', is_dir: false, file_size: 1 },
      { path: 'a/b/é.txt', is_dir: false, file_size: 2 },
    ]);
  });

  it('lists nothing for a file or a missing folder, as MLflow', async () => {
    await repo.write('a.txt', Readable.from([Buffer.from('a')]));
    expect(await repo.list('a.txt')).toEqual([]);
    expect(await repo.list('missing/folder')).toEqual([]);
    expect(await new LocalArtifactRepository(join(base, 'never-written')).list('')).toEqual([]);
  });

  it('deletes a file, a whole folder, and shrugs at a missing path', async () => {
    await repo.write('a/b/c.txt', Readable.from([Buffer.from('c')]));
    await repo.write('a/d.txt', Readable.from([Buffer.from('d')]));
    await repo.delete('a/d.txt');
    expect(await repo.list('a')).toEqual([{ path: 'a/b', is_dir: true }]);
    await repo.delete('a');
    expect(await repo.list('')).toEqual([]);
    await expect(repo.delete('a/never')).resolves.toBeUndefined();
    expect(await codeOf(repo.delete(''))).toBe('INVALID_PARAMETER_VALUE');
  });

  it("answers MLflow's errors for a missing file, a folder, and a file in the way", async () => {
    await repo.write('dir/f.txt', Readable.from([Buffer.from('f')]));
    expect(await codeOf(repo.read('dir/missing.txt'))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(repo.read('dir/f.txt/below'))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(repo.read('dir'))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(repo.write('dir', Readable.from([Buffer.from('x')])))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(repo.write('dir/f.txt/below', Readable.from([Buffer.from('x')])))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(await codeOf(repo.write('../escape.txt', Readable.from([Buffer.from('x')])))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('leaves nothing behind when an upload breaks off', async () => {
    await repo.write('dir/keep.txt', Readable.from([Buffer.from('kept')]));
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(repo.write('dir/partial.bin', broken)).rejects.toThrow('connection reset');
    expect(await readdir(join(root, 'dir'))).toEqual(['keep.txt']);
    // And a broken replacement keeps the old file whole.
    const again = new Readable({
      read() {
        this.destroy(new Error('gone'));
      },
    });
    await expect(repo.write('dir/keep.txt', again)).rejects.toThrow('gone');
    expect(await readFile(join(root, 'dir', 'keep.txt'), 'utf8')).toBe('kept');
  });

  describe('with symbolic links', () => {
    beforeEach(async () => {
      await mkdir(join(base, 'outside'));
      await writeFile(join(base, 'outside', 'secret.txt'), 'secret');
      await mkdir(join(root, 'inside'), { recursive: true });
      await symlink(join(base, 'outside'), join(root, 'escape'));
      await symlink(join(base, 'outside', 'secret.txt'), join(root, 'inside', 'secret-link.txt'));
      await symlink(join(root, 'inside'), join(root, 'alias'));
    });

    it('refuses every operation through a link leading outside the root', async () => {
      expect(await codeOf(repo.read('escape/secret.txt'))).toBe('INVALID_PARAMETER_VALUE');
      expect(await codeOf(repo.read('inside/secret-link.txt'))).toBe('INVALID_PARAMETER_VALUE');
      expect(await codeOf(repo.write('escape/new.txt', Readable.from([Buffer.from('x')])))).toBe(
        'INVALID_PARAMETER_VALUE',
      );
      expect(await codeOf(repo.list('escape'))).toBe('INVALID_PARAMETER_VALUE');
      expect(await codeOf(repo.delete('escape/secret.txt'))).toBe('INVALID_PARAMETER_VALUE');
      expect(await readdir(join(base, 'outside'))).toEqual(['secret.txt']);
    });

    it('does not list links leading outside, and serves links that stay inside', async () => {
      expect(await repo.list('')).toEqual([
        { path: 'alias', is_dir: true },
        { path: 'inside', is_dir: true },
      ]);
      expect(await repo.list('inside')).toEqual([]);
      await repo.write('alias/via-link.txt', Readable.from([Buffer.from('ok')]));
      expect((await collect((await repo.read('inside/via-link.txt')).stream)).toString()).toBe('ok');
    });
  });

  it('streams a 320 MB upload and download with flat memory', { timeout: 120_000 }, async () => {
    const chunk = randomBytes(1024 * 1024);
    const total = 320;
    async function* generate(): AsyncGenerator<Buffer> {
      for (let i = 0; i < total; i++) yield chunk;
    }
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      await repo.write('big/blob.bin', Readable.from(generate()));
      const file = await repo.read('big/blob.bin');
      let read = 0;
      for await (const piece of file.stream) read += (piece as Buffer).length;
      expect(read).toBe(total * chunk.length);
    } finally {
      clearInterval(sampler);
    }
    expect((await stat(join(root, 'big', 'blob.bin'))).size).toBe(total * chunk.length);
    // Buffering the file whole would add at least its 320 MB; streaming stays within a few chunks.
    expect(peak - baseline).toBeLessThan(96 * 1024 * 1024);
  });
});
