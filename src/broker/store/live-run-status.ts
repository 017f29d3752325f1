/**
 * A broker run's state as a reader should see it. A run whose process died (killed, out of
 * memory, its machine lost) never saves `finished` or `failed`: its saved state stays `running`.
 * Such a run reads as `interrupted` when its heartbeat (`updatedAt`, saved every 2 s while it
 * runs) is older than STALE_HEARTBEAT_MS, or at once when it ran on this host and its process
 * is gone. A process on another host cannot be checked: there the heartbeat alone decides.
 */
import { hostname } from 'node:os';
import { processIsAlive } from '../../common/process-is-alive.js';
import type { BrokerRunStatus } from './alert-store.js';

/** Fifteen missed heartbeats: a busy event loop or a slow disk delays one by seconds, not by this. */
export const STALE_HEARTBEAT_MS = 30_000;

/** What deciding needs from the reader's side: its clock, its host, and whether one of its processes exists. */
export interface RunLivenessProbe {
  readonly now: number;
  readonly host: string;
  isAlive(pid: number): boolean;
}

export function thisHostProbe(): RunLivenessProbe {
  return { now: Date.now(), host: hostname(), isAlive: processIsAlive };
}

export function liveRunStatus(status: BrokerRunStatus, probe: RunLivenessProbe = thisHostProbe()): BrokerRunStatus {
  if (status.state !== 'running') return status;
  if (status.pid !== undefined && status.host === probe.host && !probe.isAlive(status.pid)) {
    return { ...status, state: 'interrupted', error: `interrupted: its process (pid ${status.pid} on ${status.host}) ended without finishing the run` };
  }
  const heartbeat = Date.parse(status.updatedAt);
  const silentMs = probe.now - heartbeat;
  if (Number.isNaN(heartbeat) || silentMs > STALE_HEARTBEAT_MS) {
    const where = status.pid !== undefined && status.host !== undefined ? ` (pid ${status.pid} on ${status.host})` : '';
    const since = Number.isNaN(heartbeat) ? 'no valid heartbeat' : `no heartbeat for ${Math.round(silentMs / 1000)} s`;
    return { ...status, state: 'interrupted', error: `interrupted: ${since} from its process${where}` };
  }
  return status;
}

/** Every status of a listing against one probe (one clock reading, one host name). */
export function liveRunStatuses(statuses: readonly BrokerRunStatus[], probe: RunLivenessProbe = thisHostProbe()): BrokerRunStatus[] {
  return statuses.map((status) => liveRunStatus(status, probe));
}
