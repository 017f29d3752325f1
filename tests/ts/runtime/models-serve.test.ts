/**
 * Acceptance (issue 4): `aviary models serve` speaks MLflow's scoring protocol. Two models are
 * registered by the real mlflow client (a scikit-learn classifier, and a custom pyfunc model with
 * a params schema whose answer is a DataFrame); each is served by `aviary models serve` and by
 * MLflow's own scoring server (`mlflow models serve --env-manager local`) side by side, and
 * fixtures/scoring_client.py sends both the payloads MLflow's clients build. Every answer must
 * match MLflow's: same status, same predictions, same error code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowClientEnv, REPO, runScript, startServer, train, trainingPython, type TestServer, type Trained } from './training.js';

const SLOW = 600_000;
type Answer = { status: number; content_type?: string; body: unknown };
type Answers = Record<string, Answer>;

let server: TestServer;
let trained: Trained;
const children: ChildProcess[] = [];
const logs = new Map<ChildProcess, string>();
let classifier: { aviary: Answers; mlflow: Answers };
let echo: { aviary: Answers; mlflow: Answers };
const timings: Record<string, number> = {};

function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, { cwd: REPO, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  logs.set(child, '');
  const keep = (chunk: Buffer) => logs.set(child, (logs.get(child)! + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

/** `aviary models serve <uri> --port 0`: resolves with its URL once it listens. */
function aviaryServe(uri: string): Promise<string> {
  const child = start(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'models', 'serve', uri, '--port', '0', '--data-dir', server.dataDir]);
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', () => {
      const match = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(logs.get(child)!);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`aviary models serve ${uri} exited with ${code}:\n${logs.get(child)}`)));
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

/** MLflow's own scoring server for `uri`, in the training environment (the client script waits for it). */
async function mlflowServe(python: string, uri: string): Promise<string> {
  const port = await freePort();
  const args = ['-m', 'mlflow', 'models', 'serve', '-m', uri, '--env-manager', 'local', '--host', '127.0.0.1', '--port', String(port)];
  // It starts `uvicorn` from PATH: the environment's bin folder comes first.
  start(python, args, { ...mlflowClientEnv(server.url), PATH: `${dirname(python)}:${process.env.PATH ?? ''}` });
  return `http://127.0.0.1:${port}`;
}

async function probe(python: string, name: string, rows: object[], params: object | null, urls: { aviary: string; mlflow: string }) {
  const spec = join(server.dataDir, `${name}-rows.json`);
  await writeFile(spec, JSON.stringify({ rows, params }));
  const out = JSON.parse(await runScript(python, server, 'scoring_client.py', [spec, urls.aviary, urls.mlflow])) as Record<string, Answers>;
  return { aviary: out[urls.aviary]!, mlflow: out[urls.mlflow]! };
}

beforeAll(async () => {
  try {
    await setUp();
  } catch (err) {
    const output = children.map((child) => `--- ${child.spawnargs.join(' ')}\n${logs.get(child)!.slice(-3000)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${output}`);
  }
}, SLOW);

async function setUp(): Promise<void> {
  const t0 = performance.now();
  server = await startServer();
  const python = await trainingPython('sklearn-1.5.txt');
  [trained] = await Promise.all([train(python, server, 'served', 'logistic'), runScript(python, server, 'log_echo_model.py', ['echo'])]);
  timings.trained = Math.round(performance.now() - t0);
  const [aviaryClassifier, aviaryEcho, mlflowClassifier, mlflowEcho] = await Promise.all([
    aviaryServe('models:/served@champion'),
    aviaryServe('models:/echo@champion'),
    mlflowServe(python, 'models:/served@champion'),
    mlflowServe(python, 'models:/echo@champion'),
  ]);
  timings.aviaryListening = Math.round(performance.now() - t0);
  const echoRows = [{ x: 0.25 }, { x: 0.75 }, { x: 3 }];
  [classifier, echo] = await Promise.all([
    probe(python, 'served', trained.rows, null, { aviary: aviaryClassifier, mlflow: mlflowClassifier }),
    probe(python, 'echo', echoRows, { scale: 2 }, { aviary: aviaryEcho, mlflow: mlflowEcho }),
  ]);
  timings.probed = Math.round(performance.now() - t0);
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM'); // its process group: MLflow's CLI runs uvicorn as a child
      } catch {
        // already gone
      }
    }
  }
  await server?.close();
  console.error(`models serve timings (ms from start): ${JSON.stringify(timings)}`);
});

const SUCCESSES = [
  'ScoringServerClient.invoke',
  'client dataframe_split',
  'serving input example',
  'dataframe_split with index',
  'dataframe_records',
  'instances',
  'inputs as columns',
  'inputs as records',
  'charset utf-8',
  'csv',
  'csv with index',
  'parquet',
];
const FAILURES = [
  'client ndarray inputs',
  'charset latin-1',
  'unknown content type parameter',
  'text/plain',
  'malformed json',
  'a list',
  'two formats',
  'no format',
  'split with an extra key',
  'records not a list',
  'missing column',
];

describe('aviary models serve, next to MLflow\'s scoring server', () => {
  it('answers /ping, /health and /version, and 404 elsewhere, as MLflow does', () => {
    for (const route of ['ping', 'health', 'not found']) expect(classifier.aviary[route]!.status, route).toBe(classifier.mlflow[route]!.status);
    expect(classifier.aviary.version!.status).toBe(200);
    expect(classifier.aviary['not found']!.body).toEqual(classifier.mlflow['not found']!.body);
  });

  it.each(SUCCESSES)('predicts what the model predicted at training time: %s', (name) => {
    const ours = classifier.aviary[name]!;
    const theirs = classifier.mlflow[name]!;
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    expect(ours.status, JSON.stringify(ours.body)).toBe(200);
    expect(ours.body).toEqual({ predictions: trained.proba });
    if (!name.startsWith('csv')) expect(ours.body).toEqual(theirs.body);
    else {
      // pandas.read_csv's default float parser is not correctly rounded, so MLflow's CSV answers
      // can differ from the model's in the last bits; Aviary reads the same digits exactly.
      const mlflow = (theirs.body as { predictions: number[][] }).predictions;
      mlflow.forEach((row, r) => row.forEach((p, c) => expect(p).toBeCloseTo(trained.proba[r]![c]!, 12)));
    }
  });

  it.each(FAILURES)('refuses bad input with MLflow\'s status and error code: %s', (name) => {
    const ours = classifier.aviary[name]!;
    const theirs = classifier.mlflow[name]!;
    expect(theirs.status).toBeGreaterThanOrEqual(400);
    expect(ours.status, JSON.stringify(ours.body)).toBe(theirs.status);
    if (typeof theirs.body === 'object' && theirs.body !== null) {
      expect((ours.body as { error_code?: string }).error_code).toBe((theirs.body as { error_code?: string }).error_code);
      expect(typeof (ours.body as { message?: string }).message).toBe('string');
    } else {
      expect(typeof ours.body).toBe('string');
    }
  });

  it('passes params to the model and answers a DataFrame as records, as MLflow does', () => {
    const withParams = echo.aviary['client dataframe_split with params']!;
    expect(withParams.status, JSON.stringify(withParams.body)).toBe(200);
    expect(withParams.body).toEqual({
      predictions: [
        { y: 0.5, word: 'small' },
        { y: 1.5, word: 'big' },
        { y: 6, word: 'big' },
      ],
    });
    expect(withParams.body).toEqual(echo.mlflow['client dataframe_split with params']!.body);
    for (const name of SUCCESSES) {
      expect(echo.aviary[name]!.status, name).toBe(echo.mlflow[name]!.status);
      expect(echo.aviary[name]!.body, name).toEqual(echo.mlflow[name]!.body);
    }
  });
});
