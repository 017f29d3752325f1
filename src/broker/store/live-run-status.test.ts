import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { BrokerRunStatus } from './alert-store.js';
import { liveRunStatus, liveRunStatuses, STALE_HEARTBEAT_MS, type RunLivenessProbe } from './live-run-status.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function run(state: BrokerRunStatus['state'], updatedAt: string, who: { pid?: number; host?: string } = { pid: 4242, host: 'here' }): BrokerRunStatus {
  return {
    runId: `${state}-${updatedAt}`, state, startedAt: ago(3_600_000), updatedAt, ...who, config: 'broker.yaml',
    alertsRead: 10, alertsStored: 10, alertsPerSecond: 1, sourceDeadLetters: 0, modules: [], filters: [],
  };
}

/** A reader on host `here` at NOW, where only the pids in `alive` exist. */
const probe = (alive: number[] = [4242]): RunLivenessProbe => ({ now: NOW, host: 'here', isAlive: (pid) => alive.includes(pid) });

describe('liveRunStatus', () => {
  it('keeps a running run whose heartbeat is fresh and whose process lives', () => {
    const status = run('running', ago(STALE_HEARTBEAT_MS - 1000));
    expect(liveRunStatus(status, probe())).toBe(status);
  });

  it('reads a running run whose heartbeat is older than 30 s as interrupted, whatever its host', () => {
    expect(STALE_HEARTBEAT_MS).toBe(30_000);
    for (const who of [{ pid: 4242, host: 'here' }, { pid: 4242, host: 'elsewhere' }, {}]) {
      const stale = liveRunStatus(run('running', ago(45_000), who), probe());
      expect(stale.state).toBe('interrupted');
      expect(stale.error).toMatch(/^interrupted: no heartbeat for 45 s from its process/);
    }
    expect(liveRunStatus(run('running', 'not a time'), probe()).state).toBe('interrupted');
  });

  it('reads a running run of this host whose process is gone as interrupted at once', () => {
    const gone = liveRunStatus(run('running', ago(1000)), probe([]));
    expect(gone).toMatchObject({ state: 'interrupted', error: 'interrupted: its process (pid 4242 on here) ended without finishing the run' });
  });

  it('cannot check a process of another host: its fresh heartbeat keeps it running', () => {
    expect(liveRunStatus(run('running', ago(1000), { pid: 4242, host: 'elsewhere' }), probe([])).state).toBe('running');
  });

  it('leaves finished and failed runs as saved, however old', () => {
    for (const state of ['finished', 'failed'] as const) {
      const status = run(state, ago(86_400_000));
      expect(liveRunStatus(status, probe([]))).toBe(status);
    }
  });

  it('checks against this host and its processes by default', () => {
    const mine = { pid: process.pid, host: hostname() };
    // Above Linux's largest pid_max (2^22): no such process.
    const runs = [run('running', new Date().toISOString(), mine), run('running', new Date().toISOString(), { pid: 2 ** 22 + 1, host: hostname() })];
    expect(liveRunStatuses(runs).map((r) => r.state)).toEqual(['running', 'interrupted']);
  });
});
