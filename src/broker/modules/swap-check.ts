/**
 * The check a new version of a module passes before it replaces the one scoring: on recently
 * stored alerts, through the module's own inputs, the preprocessing contract of `models check`
 * (pre_processing never raises, gives finite features) and the model's (it accepts the features;
 * its outputs fit the module's names), within the module's per-alert time (its `timeout` over its
 * `batch_size`: slower, its batches would time out). The answer is one line naming how many
 * alerts failed, the first failure and its alert.
 */
import type { PreprocessedModel, ScoredAlert } from '../../runtime/preprocessing/preprocessed-model.js';
import type { Alert } from '../alert.js';
import { outputsOf, type OutputValue } from '../enriched-alert.js';
import type { RecentAlert } from '../pipeline/recent-alerts.js';
import type { SwapCheck } from './alias-follower.js';
import type { ModelModule } from './model-module.js';
import { ModuleOutputError, outputMapping } from './output-mapping.js';

export function swapCheck(module: ModelModule, sample: () => Promise<readonly RecentAlert[]>, maxMeanMs = module.config.timeoutMs / module.config.batchSize): SwapCheck {
  return async (model) => {
    const recent = await sample();
    if (recent.length === 0) return undefined;
    const alerts = recent.map((r) => r.alert);
    const reads = new Set(module.config.reads);
    const prior = recent.map((r) => outputsOf(r.scores.filter((s) => reads.has(s.module))));
    return checkOn(module, model, alerts, prior, maxMeanMs);
  };
}

async function checkOn(module: ModelModule, model: PreprocessedModel, alerts: readonly Alert[], prior: readonly Record<string, OutputValue>[], maxMeanMs: number): Promise<string | undefined> {
  const inputs = module.inputsFor(model, alerts, prior);
  const started = performance.now();
  const answer = await model.scoreAlerts(inputs);
  const firstMs = (performance.now() - started) / alerts.length;
  const failures = new Map<string, { count: number; first: string }>();
  const fail = (kind: string, detail: string, alert: Alert) => {
    const entry = failures.get(kind) ?? { count: 0, first: `${detail} (${describeAlert(alert)})` };
    entry.count++;
    failures.set(kind, entry);
  };
  let outputs: string[] | undefined;
  answer.alerts.forEach((scored: ScoredAlert, i) => {
    const alert = alerts[i]!;
    if (scored.error) {
      const where = scored.error.stage === 'preprocessing' ? 'raise in pre_processing' : scored.error.stage === 'predict' ? 'are refused by the model' : 'cannot be given to the model';
      fail(where, `${scored.error.type}: ${scored.error.message}`, alert);
      return;
    }
    const bad = scored.features?.findIndex((v) => !Number.isFinite(v)) ?? -1;
    if (bad >= 0) fail('give features that are not finite', `feature ${bad} (${answer.featureNames[bad] ?? '?'}) is ${scored.features![bad]}`, alert);
    if (scored.predictions) outputs ??= Object.keys(scored.predictions);
  });
  const n = alerts.length;
  const problems = [...failures].map(([kind, { count, first }]) => `${count} of ${n} alerts ${kind}: ${first}`);
  if (outputs) {
    try {
      outputMapping(module.config.name, module.config.outputs, outputs);
    } catch (err) {
      if (!(err instanceof ModuleOutputError)) throw err;
      problems.push(err.message);
    }
  } else if (failures.size === 0) problems.push(`the model returned no prediction for ${n} alerts`);
  if (problems.length === 0 && firstMs > maxMeanMs) {
    // Timed again before refusing: the first call pays for imports and for the step learning which fields it reads.
    const again = performance.now();
    await model.scoreAlerts(inputs);
    const meanMs = (performance.now() - again) / n;
    if (meanMs > maxMeanMs) problems.push(`it takes ${meanMs.toFixed(1)} ms an alert, more than the module's ${maxMeanMs.toFixed(1)} ms (timeout over batch_size): its batches would time out`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function describeAlert(alert: Alert): string {
  const id = alert.survey === 'ztf' ? 'candid' : 'diaSourceId';
  return `${alert.objectId ?? 'no object'}, ${id} ${alert.alertId}`;
}
