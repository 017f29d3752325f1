/**
 * Trains and registers the three science modules with the real mlflow client: snia in the
 * scikit-learn 1.5 environment while realbogus then variable train in the 1.7 one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoProgress } from './demo-progress.js';
import { runTrainingScript } from './run-training-script.js';
import { SCIENCE_MODULES, SNIA_PREPROCESSING_FOLDER, type ScienceModule } from './science-modules.js';
import type { TrainingEnvironments } from './training-environments.js';

export interface TrainedModule {
  readonly name: string;
  readonly version: string;
  readonly accuracy: number;
  readonly train: number;
  readonly test: number;
  readonly sklearn: string;
}

export interface TrainingJob {
  readonly pythonDir: string;
  /** The labelled flat dicts (write-training-set.ts). */
  readonly trainingSet: string;
  /** Where results and logs go. */
  readonly workDir: string;
  readonly trackingUri: string;
  readonly environments: TrainingEnvironments;
  readonly progress: DemoProgress;
}

export async function trainScienceModules(job: TrainingJob): Promise<TrainedModule[]> {
  const byEnvironment = (env: ScienceModule['environment']) => SCIENCE_MODULES.filter((m) => m.environment === env);
  const chains = (['sklearn15', 'sklearn17'] as const).map(async (env) => {
    const trained: TrainedModule[] = [];
    for (const module of byEnvironment(env)) trained.push(await trainOne(module, job));
    return trained;
  });
  const trained = (await Promise.all(chains)).flat();
  return SCIENCE_MODULES.map((m) => trained.find((t) => t.name === m.name)!);
}

async function trainOne(module: ScienceModule, job: TrainingJob): Promise<TrainedModule> {
  const result = join(job.workDir, `${module.name}-trained.json`);
  const extra = module.name === 'snia' ? [join(job.pythonDir, SNIA_PREPROCESSING_FOLDER)] : [];
  job.progress.detail(`${module.name}: training (${module.what})`);
  await runTrainingScript({
    environment: job.environments[module.environment],
    script: join(job.pythonDir, module.script),
    args: [job.trainingSet, ...extra, result],
    cwd: job.pythonDir,
    trackingUri: job.trackingUri,
    logFile: join(job.workDir, `${module.name}-training.log`),
    showLine: (line) => line.startsWith(`${module.name}: `),
    onLine: (line) => job.progress.detail(line),
  });
  const trained = JSON.parse(await readFile(result, 'utf8')) as TrainedModule;
  job.progress.detail(`${module.name}: registered version ${trained.version} as ${module.name}@champion`);
  return trained;
}
