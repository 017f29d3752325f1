import { listBrokerRuns, listDeadLetters, scoreHistograms, type BrokerRunStatus, type DeadLetter, type ScoreHistogram } from '../../api/broker-api.js';
import { usePolled } from '../../components/use-polled.js';

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
  /** True while the shown run is running: the snapshot is read again every 2 s. */
  readonly live: boolean;
}

/** The run shown: the one asked for, else the latest. */
export function chosenRun(runs: readonly BrokerRunStatus[], runId: string | undefined): BrokerRunStatus | undefined {
  return runs.find((r) => r.runId === runId) ?? (runId === undefined ? runs[0] : undefined);
}

/**
 * The broker's runs, score histograms and dead letters, read again every 2 s while the shown
 * run is running, and no more once it has finished or failed.
 */
export function useBrokerSnapshot(runId: string | undefined, deadLetterModule: string | undefined): BrokerSnapshotState {
  const { value, error, live } = usePolled(
    `${runId ?? ''}\n${deadLetterModule ?? ''}`,
    async (signal): Promise<BrokerSnapshot> => {
      const [runs, histograms, deadLetters] = await Promise.all([
        listBrokerRuns(RUNS_SHOWN, signal),
        scoreHistograms({ bins: HISTOGRAM_BINS }, signal),
        listDeadLetters({ module: deadLetterModule, limit: DEAD_LETTERS_SHOWN }, signal),
      ]);
      return { runs, histograms, deadLetters, loadedAt: Date.now() };
    },
    (snapshot) => chosenRun(snapshot.runs, runId)?.state === 'running',
  );
  return { snapshot: value, error, live };
}
