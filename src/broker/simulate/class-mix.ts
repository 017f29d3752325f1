/**
 * The share of each class among the simulated alerts, from `snia=0.3,variable=0.3,agn=0.2,bogus=0.2`.
 * Shares are weights: they are normalised to sum to 1; a class not named gets none.
 */
import { SIMULATED_CLASSES, type SimulatedClass } from './light-curve-model.js';

export type ClassMix = Readonly<Record<SimulatedClass, number>>;

export const DEFAULT_CLASS_MIX: ClassMix = { snia: 0.3, variable: 0.3, agn: 0.2, bogus: 0.2 };

export function parseClassMix(text: string): ClassMix {
  const shares: Record<SimulatedClass, number> = { snia: 0, variable: 0, agn: 0, bogus: 0 };
  const seen = new Set<string>();
  const example = 'e.g. --classes snia=0.3,variable=0.3,agn=0.2,bogus=0.2';
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)\s*=\s*(\S+)$/i.exec(part);
    if (!match) throw new Error(`--classes: "${part}" is not class=share (${example})`);
    const name = match[1]!.toLowerCase();
    if (!(SIMULATED_CLASSES as readonly string[]).includes(name)) {
      throw new Error(`--classes: unknown class "${match[1]}" (known: ${SIMULATED_CLASSES.join(', ')})`);
    }
    if (seen.has(name)) throw new Error(`--classes: "${name}" is given twice`);
    seen.add(name);
    const share = Number(match[2]);
    if (!Number.isFinite(share) || share < 0) throw new Error(`--classes: the share of ${name} must be a number >= 0, got "${match[2]}"`);
    shares[name as SimulatedClass] = share;
  }
  return normaliseClassMix(shares);
}

export function normaliseClassMix(shares: Partial<Record<SimulatedClass, number>>): ClassMix {
  const total = SIMULATED_CLASSES.reduce((sum, c) => sum + (shares[c] ?? 0), 0);
  if (!(total > 0)) throw new Error(`--classes: at least one class needs a share above 0 (classes: ${SIMULATED_CLASSES.join(', ')})`);
  return Object.fromEntries(SIMULATED_CLASSES.map((c) => [c, (shares[c] ?? 0) / total])) as ClassMix;
}

/**
 * Picks each next object's class so the alert counts track the mix closely: the class furthest
 * below its share of the alerts so far goes next.
 */
export class ClassScheduler {
  private readonly counts: Record<SimulatedClass, number> = { snia: 0, variable: 0, agn: 0, bogus: 0 };
  private total = 0;

  constructor(private readonly mix: ClassMix) {}

  next(): SimulatedClass {
    let best: SimulatedClass | undefined;
    let bestDeficit = -Infinity;
    for (const c of SIMULATED_CLASSES) {
      if (this.mix[c] === 0) continue;
      const deficit = this.mix[c] * (this.total + 1) - this.counts[c];
      if (deficit > bestDeficit) [best, bestDeficit] = [c, deficit];
    }
    return best!;
  }

  record(simulatedClass: SimulatedClass, alerts: number): void {
    this.counts[simulatedClass] += alerts;
    this.total += alerts;
  }
}
