/** What the numbers say, in sentences computed from them: the lines under "Reading" in results.md. */
import { IDLE_MS } from './breakdown.js';
import { median } from './measure.js';
import { ms, type Cells, type Results, workerOwnCost } from './report.js';

export function reading(cells: Cells, r: Results): string[] {
  const lines: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const [n, c] of cells) {
    const b = r.breakdown.bySize.get(n)!;
    const a = c.pyfunc.p50;
    const small = b.stages.decode + b.stages.output_columns + b.stages.encode + b.hostEncode + b.hostDecode;
    lines.push(
      `- Batch ${n}: the worker adds ${ms(c.worker.p50 - a)} ms to pyfunc predict's ${ms(a)} ms by p50 (${ms(b.poolMinusPlain)} ms call by call; ${ms(workerOwnCost(r.breakdown, n))} ms from the parts, ${pct(workerOwnCost(r.breakdown, n) / b.plain)} of (a) measured beside them): ` +
        `building the DataFrame ${ms(b.stages.dataframe)} ms (column by column, as before the block: ${ms(b.stages.dataframe_per_column)} ms), ` +
        `pipes and wake-ups ${ms(b.outsideWorker - b.stages.encode - b.hostEncode - b.hostDecode)} ms, decode, encode and output conversion on both sides ${ms(small)} ms together, the pool ${ms(b.poolMinusDirect)} ms.` +
        (b.plain > 1.5 * a
          ? ` The machine was busier while these parts were taken ((a) ${ms(b.plain)} ms beside them, ${ms(a)} ms in the table above): a woken process then waits for a CPU, and the pipes' cost grows with it.`
          : ''),
    );
  }
  const { ping, pingAfterIdle } = r.breakdown;
  lines.push(
    `- An empty Ping round trip takes ${ms(ping.p50)} ms back to back but ${ms(pingAfterIdle.p50)} ms after ${IDLE_MS} ms idle: the pipes' fixed cost is mostly waking a process that slept (the host sleeps through every predict), not moving bytes.`,
  );
  const last = [...cells.keys()].at(-1)!;
  const onnx = cells.get(last)!;
  lines.push(
    `- ONNX at batch ${last}: ${ms(onnx.onnx.p50)} ms with ONNX Runtime's default thread pool, ${ms(onnx.onnx1.p50)} ms on one thread (CPU per call ${ms(r.predict.cpuPerCall.get(last)!.onnx)} vs ${ms(r.predict.cpuPerCall.get(last)!.onnx1)} ms); pyfunc ${ms(onnx.pyfunc.p50)} ms.`,
  );
  const totals = median(r.ready.starts.map((s) => s.total));
  const loads = median(r.ready.starts.map((s) => s.modelLoad));
  const bytecode = r.ready.bytecode ? 'holds bytecode' : `holds no bytecode${r.ready.dontWriteBytecode ? ' and PYTHONDONTWRITEBYTECODE is set' : ''}, so every start compiles what it imports from source`;
  lines.push(
    `- Startup: ${ms(totals - loads)} ms beyond the model's own ${ms(loads)} ms load; \`import mlflow, mlflow.pyfunc\` alone takes ${ms(r.interpreter.importMlflow)} ms. The cached environment ${bytecode}.` +
      (r.cold?.secondStart
        ? ` A fresh environment's second start, reading the bytecode its first start wrote, needs ${ms(r.cold.secondStart.total - r.cold.secondStart.modelLoad)} ms beyond a ${ms(r.cold.secondStart.modelLoad)} ms load (first start: ${ms(r.cold.firstStart!.total - r.cold.firstStart!.modelLoad)} ms beyond ${ms(r.cold.firstStart!.modelLoad)} ms).`
        : ''),
  );
  return lines;
}
