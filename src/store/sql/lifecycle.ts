import type { LifecycleStage, ViewType } from '../../tracking/entities.js';

/** The lifecycle stages a search's view type lets through. */
export function lifecycleStagesOf(viewType: ViewType): LifecycleStage[] {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}
