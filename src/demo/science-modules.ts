/** The demo's three science modules: who trains each, in which environment, and what it outputs. */
import type { TrainingEnvironments } from './training-environments.js';

export interface ScienceModule {
  readonly name: string;
  readonly script: string;
  readonly environment: keyof TrainingEnvironments;
  readonly what: string;
}

/** In training order: `variable` reads realbogus@champion's scores, so it comes after it. */
export const SCIENCE_MODULES: readonly ScienceModule[] = [
  { name: 'snia', script: 'train_snia.py', environment: 'sklearn15', what: 'SN Ia vs rest, Fink-style preprocessing + RandomForest' },
  { name: 'realbogus', script: 'train_realbogus.py', environment: 'sklearn17', what: 'real vs bogus, ONNX (skl2onnx), runs in-process' },
  { name: 'variable', script: 'train_variable.py', environment: 'sklearn17', what: 'periodic variable vs rest, alert fields + rb_score' },
];

export const CHAMPION = 'champion';

/** The folder (beside the training scripts) logged as snia's `preprocessing/` artifact. */
export const SNIA_PREPROCESSING_FOLDER = 'snia-preprocessing';

/** Alert fields the `variable` model takes before rb_score: the same list as train_variable.py's ALERT_FIELDS. */
export const VARIABLE_ALERT_FIELDS = ['magpsf', 'sigmapsf', 'ndethist', 'ncovhist', 'jd', 'jdstarthist', 'magnr', 'sigmagnr', 'distnr', 'sgscore1', 'distpsnr1'];

/** The candidate fields of the realbogus ONNX model, in its input's order: demo_training.py's REALBOGUS_FIELDS. */
export const REALBOGUS_FIELDS = ['fwhm', 'elong', 'magdiff', 'chipsf', 'sgscore1', 'distpsnr1', 'nbad', 'drb'];
