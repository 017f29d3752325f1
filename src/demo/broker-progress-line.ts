/**
 * The replay's progress (the broker command's progress text): one line redrawn in place on a terminal, a line every few seconds
 * otherwise (logs, CI), and always the last state at the end.
 */
import type { BrokerProgress } from '../broker/pipeline/broker-run.js';
import { progressLine } from '../broker/pipeline/format-summary.js';

const LOG_EVERY_MS = 5000;
const BAR_WIDTH = 24;

export interface ProgressLine {
  update(progress: BrokerProgress): void;
  end(): void;
}

export function brokerProgressLine(expected: number | undefined, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  let last: BrokerProgress | undefined;
  let loggedAt = -Infinity;
  let loggedLast = false;
  return {
    update(p) {
      last = p;
      if (stream.isTTY) {
        stream.write(`\r      ${describe(p, expected)}\x1b[K`);
      } else if (p.elapsedMs - loggedAt >= LOG_EVERY_MS) {
        loggedAt = p.elapsedMs;
        stream.write(`      ${describe(p, expected)}\n`);
        loggedLast = true;
        return;
      }
      loggedLast = false;
    },
    end() {
      if (stream.isTTY) stream.write('\n');
      else if (last && !loggedLast) stream.write(`      ${describe(last, expected)}\n`);
    },
  };
}

/** The broker command's progress text, after a bar when the number of alerts is known. */
function describe(p: BrokerProgress, expected: number | undefined): string {
  return `${bar(p.alertsRead, expected)}${progressLine(p)}`;
}

function bar(done: number, expected: number | undefined): string {
  if (!expected) return '';
  const filled = Math.min(BAR_WIDTH, Math.round((done / expected) * BAR_WIDTH));
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] `;
}
