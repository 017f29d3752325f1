/**
 * CPU time and peak RSS of a process tree, from /proc (Linux): a process and every descendant,
 * found through their parent ids. RSS is sampled every ~100 ms and summed over the tree; its
 * peak is the largest sum seen. CPU is each process's own utime + stime (/proc/<pid>/stat), as
 * last sampled, summed over every process seen: workers in a sandbox (bwrap) may end without
 * being waited for, so their parents' cutime cannot be relied on. What this misses: a process's
 * last ~100 ms, and processes that live less than one interval.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on
const PAGE_BYTES = 4096;

interface ProcStat {
  readonly ppid: number;
  /** Own utime + stime, ticks. */
  readonly ticks: number;
  readonly rssBytes: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): field n is f[n - 3].
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * PAGE_BYTES };
  } catch {
    return undefined; // ended between the listing and the read
  }
}

/** The root and its live descendants, by pid. */
export function treeStats(root: number): Map<number, ProcStat> {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const s = procStat(Number(name));
    if (s) all.set(Number(name), s);
  }
  const tree = new Map<number, ProcStat>();
  const rootStat = all.get(root);
  if (!rootStat) return tree;
  tree.set(root, rootStat);
  let added = true;
  while (added) {
    added = false;
    for (const [pid, s] of all) if (!tree.has(pid) && tree.has(s.ppid)) (tree.set(pid, s), (added = true));
  }
  return tree;
}

export interface TreeUsage {
  /** CPU seconds of the tree between start and stop. */
  readonly cpuSeconds: number;
  /** Largest summed RSS seen, bytes. */
  readonly peakRssBytes: number;
  /** Processes seen in the tree, the root included. */
  readonly processes: number;
  /** The same by kind of process (processLabel), largest CPU first: where the time and memory go. */
  readonly byKind: readonly KindUsage[];
}

export interface KindUsage {
  readonly kind: string;
  readonly processes: number;
  readonly cpuSeconds: number;
  /** The largest RSS one process of this kind reached, bytes. */
  readonly peakRssBytes: number;
}

/** What a process is, from its command line: Aviary's own process, a model or preprocessing worker (by its folder), a sandbox wrapper. */
export function processLabel(pid: number, root: number): string {
  if (pid === root) return 'main process (Node, with its threads)';
  let args: string[] = [];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return 'ended before it was named';
  }
  const dir = args[args.indexOf('--model-dir') + 1];
  if (args.some((a) => a.endsWith('aviary_worker.py')) && dir) {
    return /aviary-preprocessing/.test(dir) ? 'Python worker: preprocessing step' : `Python worker: model ${dir.split('/').slice(-3).join('/')}`;
  }
  const name = (args[0] ?? '').split('/').pop() ?? '';
  return name === 'bwrap' ? 'sandbox (bwrap)' : name || `pid ${pid}`;
}

export interface TreeSampler {
  stop(): TreeUsage;
}

/** Samples the tree of `root` until stop(). CPU: every process's last sample minus its ticks at start (0 if started since). */
export function sampleTree(root: number, intervalMs = 100): TreeSampler {
  const baseline = treeStats(root);
  const last = new Map<number, number>();
  const peakOf = new Map<number, number>();
  const labels = new Map<number, string>();
  let peak = 0;
  const sample = () => {
    const tree = treeStats(root);
    let rss = 0;
    for (const [pid, s] of tree) {
      rss += s.rssBytes;
      last.set(pid, s.ticks);
      peakOf.set(pid, Math.max(peakOf.get(pid) ?? 0, s.rssBytes));
      if (!labels.has(pid)) labels.set(pid, processLabel(pid, root));
    }
    peak = Math.max(peak, rss);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let ticks = 0;
      const kinds = new Map<string, { kind: string; processes: number; ticks: number; peakRssBytes: number }>();
      for (const [pid, t] of last) {
        const own = t - (baseline.get(pid)?.ticks ?? 0);
        ticks += own;
        const kind = labels.get(pid) ?? `pid ${pid}`;
        const k = kinds.get(kind) ?? { kind, processes: 0, ticks: 0, peakRssBytes: 0 };
        k.processes++;
        k.ticks += own;
        k.peakRssBytes = Math.max(k.peakRssBytes, peakOf.get(pid) ?? 0);
        kinds.set(kind, k);
      }
      const byKind = [...kinds.values()].map((k) => ({ kind: k.kind, processes: k.processes, cpuSeconds: k.ticks / TICKS_PER_SECOND, peakRssBytes: k.peakRssBytes })).sort((a, b) => b.cpuSeconds - a.cpuSeconds);
      return { cpuSeconds: ticks / TICKS_PER_SECOND, peakRssBytes: peak, processes: last.size, byKind };
    },
  };
}
