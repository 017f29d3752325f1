/**
 * The demo's two training environments, built from the requirement files beside the training
 * scripts by the runtime's EnvironmentBuilder (cached by content: a second demo finds them
 * built). Their scikit-learn versions conflict on purpose: one Aviary serves models of both.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvironmentBuilder, PythonEnvironment } from '../runtime/environment-builder.js';
import { logicalLines } from '../runtime/model-format/requirements-file.js';
import type { DemoProgress } from './demo-progress.js';

/** The Python the training environments are made with (matched on major.minor). */
export const TRAINING_PYTHON = '3.11';

export interface TrainingEnvironments {
  /** scikit-learn 1.5: trains `snia`. */
  readonly sklearn15: PythonEnvironment;
  /** scikit-learn 1.7 with skl2onnx and onnxruntime: trains `realbogus` (ONNX) and `variable`. */
  readonly sklearn17: PythonEnvironment;
}

export async function buildTrainingEnvironments(pythonDir: string, builder: EnvironmentBuilder, progress: DemoProgress): Promise<TrainingEnvironments> {
  // One after the other: two builds at once would share two cores with the server.
  const sklearn15 = await buildFrom(join(pythonDir, 'requirements-sklearn-1.5.txt'), 'scikit-learn 1.5', builder, progress);
  const sklearn17 = await buildFrom(join(pythonDir, 'requirements-sklearn-1.7.txt'), 'scikit-learn 1.7', builder, progress);
  return { sklearn15, sklearn17 };
}

async function buildFrom(file: string, label: string, builder: EnvironmentBuilder, progress: DemoProgress): Promise<PythonEnvironment> {
  const requirements = logicalLines((await readFile(file, 'utf8')).split(/\r?\n/));
  return builder.build({ python: TRAINING_PYTHON, requirements }, (event) => {
    progress.detail(`${label} environment: [${(event.elapsedMs / 1000).toFixed(1)}s] ${event.message}`);
  });
}
