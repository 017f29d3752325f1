/** MLflow's LogModel (`runs/log-model`): the client records each model logged in a run in the run's model history. */
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { Route } from '../router.js';
import { parseMessage, string } from '../schema.js';

export function logModelRoute(tracking: TrackingService): Route {
  return {
    method: 'POST',
    pattern: '/runs/log-model',
    handler: async (r) => {
      const req = parseMessage({ run_id: string().req(), model_json: string().req() }, await r.input());
      await tracking.recordLoggedModel(req.run_id, req.model_json);
      return {};
    },
  };
}
