/**
 * Hands out the rows of each exposure's source table, so two simulated sources of one exposure
 * never share an id. Rows run on from a place drawn from the seed and the exposure: simulations
 * whose seeds agree in the bits an id keeps for the seed still number their sources apart.
 */
import { SeededRandom } from './seeded-random.js';

export class ExposureRows {
  private readonly rowsTaken = new Map<bigint, number>();

  constructor(
    private readonly seed: number,
    private readonly rows: number,
  ) {}

  /** The next free row of the exposure, in [0, rows). */
  next(exposure: bigint): number {
    const taken = this.rowsTaken.get(exposure) ?? 0;
    if (taken >= this.rows) throw new Error(`more than ${this.rows} simulated sources in exposure ${exposure}`);
    this.rowsTaken.set(exposure, taken + 1);
    return (this.firstRow(exposure) + taken) % this.rows;
  }

  private firstRow(exposure: bigint): number {
    return new SeededRandom((this.seed ^ Number(exposure % 4294967296n)) >>> 0).int(0, this.rows - 1);
  }
}
