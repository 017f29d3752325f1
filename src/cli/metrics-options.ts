/**
 * `aviary broker run --metrics-port <port> [--metrics-host <host>]`: the run's metrics served in
 * Prometheus' text format while it runs, at http://<host>:<port>/metrics (127.0.0.1 unless told;
 * port 0 picks a free one). The address is said on stderr once it is bound.
 */
import type { Command } from 'commander';
import { MetricsRegistry } from '../common/metrics/metrics-registry.js';
import { processMetrics } from '../common/metrics/process-metrics.js';
import { serveMetricsEndpoint } from '../server/metrics/metrics-endpoint.js';

export interface MetricsFlags {
  metricsPort?: string;
  metricsHost?: string;
}

export interface OpenMetrics {
  /** The process's metrics; the run adds its own. */
  readonly registry: MetricsRegistry;
  close(): Promise<void>;
}

export function addMetricsOptions(command: Command): Command {
  return command
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://<metrics-host>:<port>/metrics while the run lasts (0 picks a free port, said on stderr)')
    .option('--metrics-host <host>', 'the address the metrics endpoint listens on (default: 127.0.0.1)');
}

/** The endpoint when --metrics-port is given; a bad port or one in use is a one-line Error naming the flag. */
export async function openMetricsFromFlags(flags: MetricsFlags): Promise<OpenMetrics | undefined> {
  if (flags.metricsPort === undefined) {
    if (flags.metricsHost !== undefined) throw new Error('--metrics-host needs --metrics-port');
    return undefined;
  }
  const text = flags.metricsPort;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port <= 65535)) throw new Error(`--metrics-port ${text}: expected a port number from 0 to 65535`);
  const registry = new MetricsRegistry();
  registry.collect(processMetrics());
  const endpoint = await serveMetricsEndpoint(registry, flags.metricsHost ?? '127.0.0.1', port).catch((err: Error) => {
    throw new Error(`--metrics-port ${text}: ${err.message}`);
  });
  process.stderr.write(`metrics at ${endpoint.url}\n`);
  return { registry, close: () => endpoint.close() };
}
