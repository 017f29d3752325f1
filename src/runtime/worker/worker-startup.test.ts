import { describe, expect, it } from 'vitest';
import type { WorkerInfo } from './worker-process.js';
import { describeStartup, slowestStartup, workerStartup } from './worker-startup.js';

const info = (readyMs: number, mainMs: number, importMs: number, loadMs: number): WorkerInfo => ({
  pid: 1,
  readyMs,
  mainMs,
  importMs,
  loadMs,
  python: '3.11.7',
  mlflow: '3.17.2',
  flavor: 'sklearn',
  loaderModule: 'mlflow.sklearn',
  uncompiled: [],
  modules: [],
});

describe('worker startup', () => {
  it('takes the interpreter\'s start as what came before the script, never below zero', () => {
    expect(workerStartup(info(2100, 1900, 1300, 500))).toEqual({ readyMs: 2100, interpreterMs: 200, importMs: 1300, loadMs: 500 });
    expect(workerStartup(info(100, 120, 0, 1)).interpreterMs).toBe(0);
  });

  it('describes a pool by its slowest worker', () => {
    const slowest = slowestStartup([workerStartup(info(900, 800, 500, 200)), workerStartup(info(2100, 1900, 1300, 500))]);
    expect(slowest?.readyMs).toBe(2100);
    expect(slowestStartup([])).toBeUndefined();
    expect(describeStartup(slowest!)).toBe('ready in 2.1 s: interpreter 0.2 s, import mlflow 1.3 s, model loaded in 0.5 s');
    // A preprocessing step imports no MLflow; short stages keep two decimals.
    expect(describeStartup(workerStartup(info(300, 280, 0, 2)), 'preprocessing')).toBe('ready in 0.3 s: interpreter 0.02 s, preprocessing loaded in 0.00 s');
  });
});
