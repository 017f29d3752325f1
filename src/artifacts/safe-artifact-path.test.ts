import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../common/mlflow-error.js';
import {
  checkRawRequestPath,
  type InvalidPathError,
  resolveInsideRoot,
  safeArtifactPath,
  safeArtifactPathFromUrl,
} from './safe-artifact-path.js';

/** The rule named by the refusal `fn` throws, which must be MLflow's INVALID_PARAMETER_VALUE "Invalid path". */
async function refusal(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((err as MlflowError).status).toBe(400);
    expect((err as MlflowError).message).toBe('Invalid path');
    return (err as InvalidPathError).reason;
  }
  throw new Error('expected a refusal');
}

describe('safeArtifactPath', () => {
  it.each([
    ['a/b/c.txt', 'a/b/c.txt'],
    ['model.pkl', 'model.pkl'],
    ['my model/file name.txt', 'my model/file name.txt'],
    ['données/模型/é.bin', 'données/模型/é.bin'],
    ['.hidden/...dots/a..b', '.hidden/...dots/a..b'],
    ['0/run/artifacts/', '0/run/artifacts'],
    ['100%.txt', '100%.txt'],
    ['', ''],
  ])('accepts %j', (input, expected) => {
    expect(safeArtifactPath(input)).toBe(expected);
  });

  it.each([
    ['..', "'..' is not allowed"],
    ['../etc/passwd', "'..' is not allowed"],
    ['a/../../b', "'..' is not allowed"],
    ['a/..', "'..' is not allowed"],
    ['../', "'..' is not allowed"],
    ['/etc/passwd', 'absolute'],
    ['//server/share', 'absolute'],
    ['/', 'absolute'],
    ['C:/Windows', 'drive letters'],
    ['c:secret', 'drive letters'],
    ['a\\..\\b', 'backslashes'],
    ['a\0b', 'control characters'],
    ['a\nb', 'control characters'],
    ['a//b', "empty or '.'"],
    ['./a', "empty or '.'"],
    ['a/./b', "empty or '.'"],
    ['%2e%2e/x', 'percent-encoded'],
    ['a%2fb', 'percent-encoded'],
    ['%252e%252e/x', 'percent-encoded'],
    ['a%00b', 'percent-encoded'],
    ['a#b', "'#'"],
  ])('refuses %j', async (input, reason) => {
    expect(await refusal(() => safeArtifactPath(input))).toContain(reason);
  });
});

describe('safeArtifactPathFromUrl', () => {
  it('decodes exactly once', () => {
    expect(safeArtifactPathFromUrl('a%20b.txt')).toBe('a b.txt');
    expect(safeArtifactPathFromUrl('0/r/artifacts/%E6%A8%A1%E5%9E%8B.bin')).toBe('0/r/artifacts/模型.bin');
    expect(safeArtifactPathFromUrl('100%25.txt')).toBe('100%.txt');
  });

  it.each([
    ['%2e%2e/secret', "'..' is not allowed"],
    ['%2E%2E', "'..' is not allowed"],
    ['a/%2e%2e/%2e%2e/b', "'..' is not allowed"],
    ['..%2f..%2fetc%2fpasswd', "encoded '/'"],
    ['a%2Fb', "encoded '/'"],
    ['a%5c..%5cb', "encoded '\\'"],
    ['%252e%252e/secret', 'double encoding'],
    ['%25252e', 'double encoding'],
    ['a%00.txt', 'control characters'],
    ['%2fetc/passwd', "encoded '/'"],
    ['C%3a/x', 'drive letters'],
    ['a%23b', "'#'"],
    ['%zz', 'malformed'],
    ['%C3', 'malformed'],
  ])('refuses %j', async (input, reason) => {
    expect(await refusal(() => safeArtifactPathFromUrl(input))).toContain(reason);
  });
});

describe('checkRawRequestPath', () => {
  it('lets ordinary request lines through, whatever their query', () => {
    expect(() => checkRawRequestPath('/api/2.0/mlflow-artifacts/artifacts/0/a..b/c.txt?path=../x')).not.toThrow();
    expect(() => checkRawRequestPath('/api/2.0/mlflow-artifacts/artifacts')).not.toThrow();
  });

  it.each([
    '/api/2.0/mlflow-artifacts/artifacts/0/../secret',
    '/api/2.0/mlflow-artifacts/artifacts/0/%2e%2e/secret',
    '/api/2.0/mlflow-artifacts/artifacts/0/.%2E/secret',
    '/api/2.0/mlflow-artifacts/artifacts/./secret',
    '/api/2.0/mlflow-artifacts/artifacts/0\\..\\secret',
  ])('refuses %j, which URL parsing would have rewritten', async (raw) => {
    await refusal(() => checkRawRequestPath(raw));
  });
});

describe('resolveInsideRoot', () => {
  let base: string;
  let root: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'aviary-safe-path-'));
    root = join(base, 'root');
    await mkdir(join(root, 'inside'), { recursive: true });
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'secret'), 'secret');
    await symlink(join(base, 'outside'), join(root, 'escape'));
    await symlink(join(root, 'inside'), join(root, 'alias'));
    await symlink(join(base, 'nowhere'), join(root, 'dangling'));
    await symlink('../../outside', join(root, 'inside', 'relative-escape'));
  });

  afterAll(() => rm(base, { recursive: true, force: true }));

  it('places a path under the root, existing or not', async () => {
    expect(await resolveInsideRoot(root, 'inside/new/deeper/file.txt')).toBe(join(root, 'inside/new/deeper/file.txt'));
    expect(await resolveInsideRoot(root, '')).toBe(root);
  });

  it('follows a link that stays inside, and keeps the link in the answer', async () => {
    expect(await resolveInsideRoot(root, 'alias/file.txt')).toBe(join(root, 'alias/file.txt'));
  });

  it.each(['escape', 'escape/secret', 'escape/new/file', 'inside/relative-escape/secret'])(
    'refuses %j, through a link leading outside',
    async (path) => {
      expect(await refusal(() => resolveInsideRoot(root, path))).toContain('outside the artifact root');
    },
  );

  it('refuses a link that leads nowhere (it could be created outside later)', async () => {
    expect(await refusal(() => resolveInsideRoot(root, 'dangling/file'))).toContain('cannot be resolved');
  });

  it('checks the path itself too', async () => {
    await refusal(() => resolveInsideRoot(root, '../outside/secret'));
  });
});
