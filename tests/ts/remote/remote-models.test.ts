/**
 * `aviary models download|predict`, `env build` and `broker run` reaching an `aviary server --auth`
 * process over HTTP (--tracking-uri, or MLFLOW_TRACKING_URI), with the mlflow client's
 * credentials: a username and password, a token, wrong ones, none, a user without permission;
 * and a server that is not there. Each failure is exit 1 with one line, never a credential.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, type CliProcessResult } from '../../../src/cli/testing/run-cli-process.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { dataPath } from '../broker/shared-data.js';
import { basicAuth, closedPort, registerModelFolder, rest, startServerProcess, type ServerProcess } from './remote-testing.js';

const ADMIN_PASSWORD = `admin-${randomBytes(9).toString('hex')}`;
const BOB_PASSWORD = `bob-${randomBytes(9).toString('hex')}`;
const ROWS = 20;

let work: string;
let server: ServerProcess;
let models: TestModels;
let token: string;
let folder: string;
let outputs = 0;

/** The environment without the caller's MLflow settings, plus `extra`. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_')));
  return { ...clean, ...extra };
}

const admin = { MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: ADMIN_PASSWORD };

function aviary(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliProcessResult> {
  return runCliProcess(args, { cwd: work, env: env(extra), timeoutMs: 60_000 });
}

async function download(uri: string, extra: NodeJS.ProcessEnv, flags: string[] = ['--tracking-uri', server.url]) {
  const out = join(work, `out-${++outputs}`);
  return { ...(await aviary(['models', 'download', uri, out, ...flags], extra)), out };
}

async function readTree(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[relative(dir, join(entry.parentPath, entry.name))] = await readFile(join(entry.parentPath, entry.name));
  }
  return files;
}

/** One line, `aviary: ...`, and no secret anywhere in the output. */
function expectOneLineFailure(result: CliProcessResult, ...secrets: string[]): string {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('aviary:'));
  expect(lines, result.stderr).toHaveLength(1);
  for (const secret of secrets) expect(result.stderr + result.stdout).not.toContain(secret);
  return lines[0]!;
}

beforeAll(async () => {
  models = await prepareTestModels();
  folder = join(models.dir, 'onnx-classifier');
  work = await mkdtemp(join(tmpdir(), 'aviary-remote-models-'));
  // Nobody but the admin reads anything unless granted: bob is refused with 403.
  await writeFile(join(work, 'auth.ini'), '[mlflow]\ndefault_permission = NO_PERMISSIONS\nadmin_username = admin\n');
  server = await startServerProcess({ dataDir: join(work, 'server'), args: ['--auth', '--auth-config', join(work, 'auth.ini')], env: { AVIARY_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  const authorization = basicAuth('admin', ADMIN_PASSWORD);
  await registerModelFolder(server.url, 'cls', folder, { authorization, alias: 'champion' });
  await rest(server.url, 'POST', '/api/2.0/mlflow/users/create', { username: 'bob', password: BOB_PASSWORD }, authorization);
  token = (await rest<{ secret: string }>(server.url, 'POST', '/api/aviary/auth/tokens', { name: 'remote-test' }, authorization)).secret;
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('models over HTTP from a server with authentication', () => {
  it('downloads models:/cls@champion byte for byte with a username and password, from an empty folder', async () => {
    const result = await download('models:/cls@champion', admin);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Downloaded cls version 1 (5 files)');
    expect(await readTree(result.out)).toEqual(await readTree(folder));
    // Nothing of a local registry was made: the models came from the server alone.
    expect((await readdir(work)).filter((name) => name.startsWith('aviary-data'))).toEqual([]);
  });

  it('takes the server from MLFLOW_TRACKING_URI and a token from MLFLOW_TRACKING_TOKEN, as the mlflow client does', async () => {
    const result = await download('models:/cls/latest', { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: token }, []);
    expect(result.code, result.stderr).toBe(0);
    expect(await readTree(result.out)).toEqual(await readTree(folder));
  });

  it('scores rows with the model fetched over HTTP (models predict)', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => models.expected.columns.map((column) => column[i]!));
    const input = join(work, 'rows.json');
    await writeFile(input, JSON.stringify({ dataframe_split: { columns: models.expected.features, data: rows } }));
    const result = await aviary(['models', 'predict', 'models:/cls@champion', '--input', input, '--tracking-uri', server.url], admin);
    expect(result.code, result.stderr).toBe(0);
    const { predictions } = JSON.parse(result.stdout) as { predictions: { label: number; probabilities_1: number }[] };
    expect(predictions.map((p) => p.label)).toEqual(models.expected.labels.slice(0, ROWS));
    predictions.forEach((p, i) => expect(p.probabilities_1).toBeCloseTo(models.expected.proba[i]![1], 5));
  });

  it('refuses a wrong password in one line that says which variables to check, and never prints the password', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const result = await download('models:/cls@champion', { MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: wrong });
    const line = expectOneLineFailure(result, wrong, ADMIN_PASSWORD);
    expect(line).toBe(
      `aviary: tracking server ${server.url}: it refused the password of user 'admin' (401): check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD`,
    );
    await expect(readdir(result.out)).rejects.toThrow(); // nothing written
    const predict = await aviary(['models', 'predict', 'models:/cls@champion', '--input', join(work, 'rows.json'), '--tracking-uri', server.url], {
      MLFLOW_TRACKING_USERNAME: 'admin',
      MLFLOW_TRACKING_PASSWORD: wrong,
    });
    expect(expectOneLineFailure(predict, wrong)).toMatch(/Could not load models:\/cls@champion: .*refused the password of user 'admin' \(401\)/);
  });

  it('hides a password given in the tracking URI itself', async () => {
    const wrong = `inuri${randomBytes(6).toString('hex')}`;
    const result = await download('models:/cls@champion', {}, ['--tracking-uri', server.url.replace('//', `//admin:${wrong}@`)]);
    expect(expectOneLineFailure(result, wrong)).toContain(`tracking server ${server.url}: it refused the password of user 'admin'`);
  });

  it('says which variables to set when no credentials are given, and rejects a bad token', async () => {
    const none = await download('models:/cls@champion', {});
    expect(expectOneLineFailure(none)).toContain('it requires credentials (401): set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN');
    const badToken = `${token.slice(0, -4)}xxxx`;
    const bad = await download('models:/cls@champion', { MLFLOW_TRACKING_TOKEN: badToken });
    expect(expectOneLineFailure(bad, badToken)).toContain('it refused the token (401): check MLFLOW_TRACKING_TOKEN');
  });

  it('names the user and what was refused when a permission is missing (403)', async () => {
    const result = await download('models:/cls@champion', { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: BOB_PASSWORD });
    expect(expectOneLineFailure(result, BOB_PASSWORD)).toMatch(/tracking server .*: user 'bob' may not read model cls@champion \(403: .*\): ask an administrator for READ permission on it/);
  });

  it("passes on the server's message for a model or an alias it does not have", async () => {
    const alias = await download('models:/cls@nope', admin);
    expect(expectOneLineFailure(alias)).toMatch(new RegExp(`^aviary: tracking server ${server.url}: .*alias nope not found`, 'i'));
    const model = await download('models:/nobody/1', admin);
    expect(expectOneLineFailure(model)).toMatch(/nobody.*not found/i);
  });
});

describe('a tracking server that is not there', () => {
  it('fails models download, env build and broker run with one line naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const expected = `cannot reach the tracking server ${url} (connect ECONNREFUSED 127.0.0.1:${url.split(':').pop()}): check that it is running and that --tracking-uri (or MLFLOW_TRACKING_URI) names it`;
    const downloaded = await download('models:/cls@champion', admin, ['--tracking-uri', url]);
    expect(expectOneLineFailure(downloaded, ADMIN_PASSWORD)).toBe(`aviary: ${expected}`);
    const built = await aviary(['env', 'build', 'models:/cls@champion', '--tracking-uri', url]);
    expect(expectOneLineFailure(built)).toBe(`aviary: ${expected}`);
    const config = join(work, 'broker.yaml');
    await writeFile(config, 'modules:\n  - name: cls\n    model: models:/cls@champion\n    inputs: [magpsf, sigmapsf, drb, ndethist]\n    outputs: {cls_score: probabilities_1}\nfilters: []\n');
    const broker = await aviary(['broker', 'run', '--config', config, '--source', dataPath('ztf/raw-2020'), '--data-dir', join(work, 'broker-data')], { MLFLOW_TRACKING_URI: url });
    expect(expectOneLineFailure(broker)).toContain(`module cls: Could not load models:/cls@champion: the model files could not be fetched: ${expected}`);
  });

  it('refuses a tracking URI that is not http(s) in one line', async () => {
    const result = await aviary(['models', 'download', 'models:/cls@champion', join(work, 'never'), '--tracking-uri', 'ftp://user:secret@host/']);
    expect(expectOneLineFailure(result, 'secret')).toBe('aviary: --tracking-uri ftp://user:***@host/: expected http(s)://host:port (a local registry is --data-dir or --backend-store-uri)');
  });
});
