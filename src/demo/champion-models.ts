/** What the registry holds of the demo's modules: each one's @champion version and its held-out accuracy. */
import type { Aviary } from '../app/open-aviary.js';
import { CHAMPION, SCIENCE_MODULES } from './science-modules.js';

export interface Champion {
  readonly name: string;
  readonly version: string;
  /** The `accuracy` metric of the run that trained it, when it logged one. */
  readonly accuracy?: number;
}

/** Every module's champion, or undefined when any one is missing (the demo then trains them all). */
export async function championModels(aviary: Pick<Aviary, 'registry' | 'tracking'>): Promise<Champion[] | undefined> {
  const champions: Champion[] = [];
  for (const module of SCIENCE_MODULES) {
    const version = await aviary.registry.getVersionByAlias(module.name, CHAMPION).catch(() => undefined);
    if (!version) return undefined;
    const metric = version.run_id ? (await aviary.tracking.getRun(version.run_id)).data.metrics.find((m) => m.key === 'accuracy') : undefined;
    champions.push({ name: module.name, version: version.version, ...(metric ? { accuracy: metric.value } : {}) });
  }
  return champions;
}
