import { listBrokerRuns, type BrokerRunStatus, type ModuleStatus } from '../../api/broker-api.js';
import { usePolled } from '../../components/use-polled.js';

const RUNS_SEARCHED = 50;

export interface ModuleSnapshot {
  /** The latest run that has the module, if any of the latest runs has it. */
  readonly run?: BrokerRunStatus;
  readonly module?: ModuleStatus;
  readonly loadedAt: number;
}

/** A module's status in the latest run that has it, read again every 2 s while that run is running. */
export function useModuleStatus(name: string) {
  return usePolled(
    name,
    async (signal): Promise<ModuleSnapshot> => {
      const runs = await listBrokerRuns(RUNS_SEARCHED, signal);
      for (const run of runs) {
        const module = run.modules.find((m) => m.name === name);
        if (module) return { run, module, loadedAt: Date.now() };
      }
      return { loadedAt: Date.now() };
    },
    (snapshot) => snapshot.run?.state === 'running',
  );
}
