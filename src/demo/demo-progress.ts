/** The demo's progress lines on stderr: numbered steps, indented details, and the replay's progress line. */
import { brokerProgressLine, type ProgressLine } from './broker-progress-line.js';

export interface DemoProgress {
  step(message: string): void;
  detail(message: string): void;
  /** The replay's progress; `expected` alerts when known. */
  replay(expected: number | undefined): ProgressLine;
}

export const DEMO_STEPS = 6;

export function stderrProgress(write: (text: string) => void = (t) => process.stderr.write(t)): DemoProgress {
  let step = 0;
  return {
    step: (message) => write(`\n[${++step}/${DEMO_STEPS}] ${message}\n`),
    detail: (message) => write(`      ${message}\n`),
    replay: (expected) => brokerProgressLine(expected),
  };
}

export const silentProgress: DemoProgress = { step() {}, detail() {}, replay: () => ({ update() {}, end() {} }) };
