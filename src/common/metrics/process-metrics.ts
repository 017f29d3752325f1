/**
 * The process's own figures, read at each scrape: memory, CPU time, start time and file
 * descriptors (these two from /proc/self, so only where there is one: Linux).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { valueFamily, type MetricFamily, type MetricsCollector } from './metric-family.js';

export function processMetrics(): MetricsCollector {
  // When the process started (performance's origin), not when the collector was made.
  const startSeconds = performance.timeOrigin / 1000;
  return () => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const families: MetricFamily[] = [
      valueFamily('gauge', 'aviary_process_resident_memory_bytes', 'Resident memory size in bytes.', [{ labels: {}, value: memory.rss }]),
      valueFamily('gauge', 'aviary_process_heap_used_bytes', 'JavaScript heap in use, in bytes.', [{ labels: {}, value: memory.heapUsed }]),
      valueFamily('counter', 'aviary_process_cpu_seconds_total', 'User and system CPU time spent, in seconds.', [{ labels: {}, value: (cpu.user + cpu.system) / 1e6 }]),
      valueFamily('gauge', 'aviary_process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', [{ labels: {}, value: startSeconds }]),
    ];
    const openFds = countOpenFds();
    if (openFds !== undefined) families.push(valueFamily('gauge', 'aviary_process_open_fds', 'Open file descriptors.', [{ labels: {}, value: openFds }]));
    const maxFds = maxOpenFds();
    if (maxFds !== undefined) families.push(valueFamily('gauge', 'aviary_process_max_fds', 'Most file descriptors the process may open.', [{ labels: {}, value: maxFds }]));
    return families;
  };
}

function countOpenFds(): number | undefined {
  try {
    // Listing the folder opens one descriptor of its own, counted in the listing.
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return undefined;
  }
}

function maxOpenFds(): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}
