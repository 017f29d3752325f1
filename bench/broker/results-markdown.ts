/** bench/broker/results.md: when, where, on what, the tables and the targets of the last full run. */
import type { Machine } from '../common/machine.js';
import type { EndToEndRun } from './end-to-end.js';
import type { ReplicatedSet } from './replicate.js';
import { decodeTable, endToEndTable, int, markdownTable, verdict, whereTimeGoes, type DecodeSection, type Target } from './report.js';
import type { SimulatedSet } from './simulated.js';
import { parityLine, processTable, versusTable, type Round } from './versus-plain-python.js';

export interface MarkdownInput {
  readonly command: string;
  readonly minutes: number;
  readonly machine: Machine;
  readonly onnxruntimeNode: string;
  readonly load: { before: number; measuring: number; after: number; waitedSeconds: number };
  readonly real: ReplicatedSet;
  readonly simulated?: SimulatedSet;
  readonly simulatedMissing?: string;
  readonly sections: readonly DecodeSection[];
  readonly e2e: readonly EndToEndRun[];
  readonly e2eMissing?: string;
  /** Aviary's three-module run and plain_python_broker.py, in turn. */
  readonly rounds?: readonly Round[];
  readonly goals: readonly Target[];
  readonly batchSize: number;
  readonly runs: number;
}

export function resultsMarkdown(m: MarkdownInput): string {
  const { machine: env, load, real } = m;
  const fast = m.sections[0]!.result.fastavro;
  const wait = load.waitedSeconds >= 1 ? `, after waiting ${Math.round(load.waitedSeconds)} s for it to settle` : '';
  const schemas = Object.entries(real.schemas)
    .map(([name, n]) => `${n} \`${name}\``)
    .join(' and ');
  const lines = [
    '# Broker benchmark: Avro decoding beside fastavro, and the broker end to end',
    '',
    `Taken ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`${m.command}\` (${m.minutes.toFixed(1)} min).`,
    '',
    `- Machine: ${env.cores} cores (${env.cpu}), ${env.memoryGiB.toFixed(1)} GiB memory, shared with other work: 1-minute load average ${load.before.toFixed(2)} at start, ${load.measuring.toFixed(2)} when measuring began${wait}, ${load.after.toFixed(2)} at the end`,
    `- Versions: Node ${env.node}, onnxruntime-node ${m.onnxruntimeNode}; Python ${fast.python}, fastavro ${fast.version} (compiled reader \`${fast.reader}\`); Aviary ${env.aviary}`,
    `- Real alerts: ${int(real.alerts)}, from the ${real.originals} distinct real ZTF alerts of \`ztf/raw-2020\` and \`ztf/fink-topics-2023\` (${schemas}; ${real.duplicates} repeated alerts left out), each copied up to ${real.copies} times with candid + k x 10^12 (exact 64-bit, unique), re-encoded with its own writer schema into Avro container files of 1,000 alerts in blocks of 100, no codec: ${(real.bytes / 1e6).toFixed(0)} MB in ${real.files.length} files, ${int(real.bytes / real.alerts)} bytes an alert`,
    m.simulated
      ? `- Simulated alerts: ${int(m.simulated.alerts)} ZTF alerts from \`writeSimulatedAlerts\` (seed 42): ${(m.simulated.bytes / 1e6).toFixed(0)} MB in ${m.simulated.files.length} files, ${int(m.simulated.bytes / m.simulated.alerts)} bytes an alert`
      : `- Simulated alerts: not measured (${m.simulatedMissing})`,
    `- Decoding: each reader warmed up on the first two files, then ${m.runs} round(s) over every file, the order rotated per round; the median pass. Aviary reads with \`openAlertSource\` on the folder (every record decoded with avsc, 64-bit integers as BigInt, cutouts as bytes) and counts the records; "readAlerts" also maps each to the Alert envelope (ids, position, light curve, cutouts). fastavro runs \`fastavro.reader\` over the same files in a Python process (timed by its own clock, the interpreter's start left out), records decoded whole (ints exact, bytes as bytes) and counted. MB are 10^6 bytes of Avro files`,
    '',
    ...m.sections.flatMap((s) => [markdownTable(decodeTable(s)), '']),
  ];
  if (m.e2e.length > 0) {
    lines.push(
      '## End to end',
      '',
      `\`runBroker\` over the folder with a fresh SQLite alert store (\`openAlertStore\`), batches of ${m.batchSize}, two filters writing JSON lines. Three modules, their models trained on the real alerts and registered in an Aviary in the same process (\`bench/broker/train_models.py\`), resolved as \`models:/NAME@champion\`: **pre**, a random forest (25 trees) behind a Fink-style preprocessing step (\`bench/broker/preprocessing/preprocessing.py\`, in its own environment); **fields**, a logistic regression fed 8 alert fields through \`inputs\` (Python worker); **boosted**, gradient-boosted trees (50) converted with skl2onnx, scored in-process by onnxruntime-node. "No module" runs the same alerts through decode, store and filters only: the pipeline's own ceiling. A first run on one file builds or finds every environment and loads every model before the timed runs. Stage times are the summary's: milliseconds summed over batches, which overlap, so shares can add up to more than 100%.`,
      '',
      markdownTable(endToEndTable(m.e2e)),
      '',
      ...m.e2e.map((r) => `- ${r.label}: ${whereTimeGoes(r)}`),
      '',
    );
  } else {
    lines.push('## End to end', '', `Not measured: ${m.e2eMissing}.`, '');
  }
  if (m.rounds && m.rounds.length > 0) {
    lines.push(
      '## Beside a plain Python script',
      '',
      `What a user would write instead of Aviary: \`bench/broker/plain_python_broker.py\`, one Python process reading the same Avro files with fastavro, building Fink's flat dict of each alert, running the same \`pre_processing\` and the same three models (mlflow.pyfunc for the scikit-learn ones, onnxruntime for the ONNX one, batches of ${m.batchSize}) and writing the scores into SQLite with executemany. It and Aviary's three-module run alternate, ${m.rounds.length} round(s); each value is the median over the rounds. Each side is measured as a process tree: Aviary is this Node process (the in-process Aviary server, the alert store's writer thread) with its sandboxed Python workers; CPU is each process's own user + system time from /proc (the plain script's from its own getrusage at exit), peak RSS the largest sum over the tree sampled every 100 ms.`,
      '',
      markdownTable(versusTable(m.rounds)),
      '',
      ...m.rounds.map((r, i) => `- score parity, round ${i + 1}: ${parityLine(r.parity)}`),
      '',
      'Where Aviary\'s CPU and memory go, by kind of process (each process\'s own CPU; the largest RSS one process of that kind reached):',
      '',
      markdownTable(processTable(m.rounds)),
      '',
    );
  }
  lines.push('## Targets', '', ...m.goals.map((t) => `- ${t.met ? 'met' : `**${verdict(t).toLowerCase()}**`}: ${t.target} (${t.actual})`), '');
  return lines.join('\n');
}
