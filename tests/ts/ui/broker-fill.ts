/**
 * Fills a UI test server's alert store with a real broker run: the alerts of
 * ztf/fink-topics-2023 (read in place from the shared data) through two in-process ONNX
 * modules (the runtime's test models, so no Python environment is built), one reading the
 * other's output, and one filter. The run's status, scores, cutouts and dead letters are then
 * what the broker and alert pages show.
 */
import { join } from 'node:path';
import { parseBrokerConfig } from '../../../src/broker/config/load-broker-config.js';
import type { BrokerSummary } from '../../../src/broker/pipeline/broker-run.js';
import type { AlertSource } from '../../../src/broker/sources/alert-source.js';
import { FINK_TOPICS, noEnvironments } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { runBroker } from '../../../src/broker/pipeline/run-broker.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { prepareTestModels } from '../../../src/runtime/testing/test-models.js';
import type { UiServer } from './ui-server.js';

export interface BrokerFillOptions {
  /** Default: the real alerts of ztf/fink-topics-2023. */
  readonly source?: AlertSource;
  readonly batchSize?: number;
  /** Tells this run's config and filter output apart from another run's: broker-<label>.yaml, likely-<label>.jsonl. */
  readonly label?: string;
}

export async function fillWithBrokerRun(server: UiServer, options: BrokerFillOptions = {}): Promise<BrokerSummary> {
  const models = await prepareTestModels();
  const suffix = options.label ? `-${options.label}` : '';
  const config = parseBrokerConfig(
    `batch_size: ${options.batchSize ?? 200}
modules:
  - name: cls
    model: ${models.dir}/onnx-classifier
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {cls_score: probabilities_1}
  - name: combo
    model: ${models.dir}/onnx-zipmap
    inputs: [cls_score, magpsf, fwhm, classtar]
    reads: [cls]
    outputs: {combo_score: output_probability_1}
filters:
  - name: likely
    expression: cls_score > 0.5 and drb > 0.5
    output: out/likely${suffix}.jsonl
`,
    join(server.work, `broker${suffix}.yaml`),
  );
  return runBroker({ config, source: options.source ?? openAlertSource(FINK_TOPICS), store: server.aviary.alerts, builder: noEnvironments });
}
