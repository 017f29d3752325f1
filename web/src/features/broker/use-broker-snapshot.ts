import { useEffect, useState } from 'react';
import { listBrokerRuns, listDeadLetters, scoreHistograms, type BrokerRunStatus, type DeadLetter, type ScoreHistogram } from '../../api/broker-api.js';

export const POLL_MS = 2000;
export const HISTOGRAM_BINS = 20;
const RUNS_SHOWN = 50;
const DEAD_LETTERS_SHOWN = 100;

export interface BrokerSnapshot {
  readonly runs: readonly BrokerRunStatus[];
  readonly histograms: readonly ScoreHistogram[];
  readonly deadLetters: readonly DeadLetter[];
  /** When this snapshot was read (ms). */
  readonly loadedAt: number;
}

export interface BrokerSnapshotState {
  readonly snapshot?: BrokerSnapshot;
  readonly error?: unknown;
  /** True while the shown run is running: the snapshot is read again every POLL_MS. */
  readonly live: boolean;
}

/** The run shown: the one asked for, else the latest. */
export function chosenRun(runs: readonly BrokerRunStatus[], runId: string | undefined): BrokerRunStatus | undefined {
  return runs.find((r) => r.runId === runId) ?? (runId === undefined ? runs[0] : undefined);
}

/**
 * The broker's runs, score histograms and dead letters, read again every 2 s while the shown
 * run is running, and no more once it has finished or failed. A failed read is shown and, while
 * live, tried again at the next tick.
 */
export function useBrokerSnapshot(runId: string | undefined, deadLetterModule: string | undefined): BrokerSnapshotState {
  const [state, setState] = useState<BrokerSnapshotState>({ live: false });
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasLive = false;
    const read = async () => {
      try {
        const [runs, histograms, deadLetters] = await Promise.all([
          listBrokerRuns(RUNS_SHOWN, signal),
          scoreHistograms({ bins: HISTOGRAM_BINS }, signal),
          listDeadLetters({ module: deadLetterModule, limit: DEAD_LETTERS_SHOWN }, signal),
        ]);
        if (signal.aborted) return;
        wasLive = chosenRun(runs, runId)?.state === 'running';
        setState({ snapshot: { runs, histograms, deadLetters, loadedAt: Date.now() }, live: wasLive });
      } catch (error) {
        if (signal.aborted) return;
        setState((s) => ({ ...s, error, live: wasLive }));
      }
      if (wasLive) timer = setTimeout(() => void read(), POLL_MS);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [runId, deadLetterModule]);
  return state;
}
