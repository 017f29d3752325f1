/**
 * <data dir>/broker.yaml: the demo's three science modules by their @champion aliases and its
 * two filters, written so that the same run can be repeated (or edited) with
 * `aviary broker run --config <data dir>/broker.yaml --source <alerts>`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REALBOGUS_FIELDS, VARIABLE_ALERT_FIELDS } from './science-modules.js';

export const BROKER_CONFIG_FILE = 'broker.yaml';

export const DEMO_FILTERS = [
  { name: 'early_snia', expression: 'snia_score > 0.5 and rb_score > 0.5 and ndethist <= 20', output: 'out/early_snia.jsonl' },
  { name: 'variables', expression: 'variable_score > 0.7 and rb_score > 0.5', output: 'out/variables.avro' },
] as const;

export function demoBrokerConfigText(): string {
  const list = (names: readonly string[]) => `[${names.join(', ')}]`;
  return `# Written by \`aviary demo\`. Run it again on any alerts (Avro, Parquet, JSON lines; files, folders, globs):
#   aviary broker run --config ${BROKER_CONFIG_FILE} --source <alerts>
# Paths below are relative to this file. Move an alias (e.g. snia@champion) and the broker follows it.
modules:
  - name: realbogus              # ONNX: runs in-process, no Python
    model: models:/realbogus@champion
    inputs: ${list(REALBOGUS_FIELDS)}
    outputs: {rb_score: probabilities_1}
  - name: snia                   # scikit-learn 1.5, after its preprocessing step (the run's preprocessing/ folder)
    model: models:/snia@champion
    outputs: {snia_score: prediction_1}
  - name: variable               # scikit-learn 1.7, fed alert fields and realbogus's score
    model: models:/variable@champion
    reads: [realbogus]
    inputs: ${list([...VARIABLE_ALERT_FIELDS, 'rb_score'])}
    outputs: {variable_score: prediction_1}
filters:
${DEMO_FILTERS.map((f) => `  - name: ${f.name}\n    expression: ${f.expression}\n    output: ${f.output}`).join('\n')}
`;
}

/** Writes the config into the data directory; returns its path. */
export async function writeDemoBrokerConfig(dataDir: string): Promise<string> {
  const file = join(dataDir, BROKER_CONFIG_FILE);
  await writeFile(file, demoBrokerConfigText());
  return file;
}
