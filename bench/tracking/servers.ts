/**
 * The two servers under test as child processes. Each is spawned as the leader of its own
 * process group, so its whole tree (MLflow's CLI, uvicorn worker and any helpers) is measured
 * and stopped together, and nothing outlives the bench.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerSpec {
  name: string;
  command: string;
  args(port: number): string[];
  env?: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
}

export interface RunningServer {
  readonly name: string;
  readonly baseUrl: string;
  readonly pid: number;
  /** Spawn to the first 200 on /health, in seconds. */
  readonly startSeconds: number;
  rss(): { mb: number; processes: number };
  stop(): Promise<void>;
}

const HEALTH_POLL_MS = 10;
const START_TIMEOUT_MS = 180_000;
const live = new Set<number>();

// Whatever ends the bench (an error, Ctrl-C), no server is left behind.
process.on('exit', () => live.forEach((pgid) => killGroup(pgid, 'SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = openSync(spec.logFile, 'a');
  const t0 = performance.now();
  const child = spawn(spec.command, spec.args(port), {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', log, log],
  });
  const pid = child.pid!;
  live.add(pid);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  while (!(await healthy(baseUrl))) {
    if (exited) throw new Error(`${spec.name} exited before answering; see ${spec.logFile}`);
    if (performance.now() - t0 > START_TIMEOUT_MS) {
      killGroup(pid, 'SIGKILL');
      throw new Error(`${spec.name} did not answer /health within ${START_TIMEOUT_MS / 1000} s; see ${spec.logFile}`);
    }
    await sleep(HEALTH_POLL_MS);
  }
  const startSeconds = (performance.now() - t0) / 1000;

  return {
    name: spec.name,
    baseUrl,
    pid,
    startSeconds,
    rss: () => groupRss(pid),
    async stop() {
      killGroup(pid, 'SIGTERM');
      // Unref'd: a pending grace timer would otherwise hold the bench's exit for its whole 15 s.
      await Promise.race([exit, sleep(15_000, undefined, { ref: false })]);
      killGroup(pid, 'SIGKILL'); // helpers that ignored SIGTERM or were orphaned
      live.delete(pid);
    },
  };
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Sum of VmRSS over every process of the group (/proc/<pid>/stat field 5 is the group id). */
function groupRss(pgid: number): { mb: number; processes: number } {
  let kb = 0;
  let processes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (!rss) continue; // a zombie has no memory
      kb += Number(rss[1]);
      processes++;
    } catch {
      // the process ended while being read
    }
  }
  return { mb: kb / 1024, processes };
}
