/**
 * Display scales for astronomical images: zscale (IRAF's algorithm, simplified: a line fitted
 * to the sorted sample with iterative rejection, the range set by its slope over a contrast)
 * and asinh stretch between robust percentiles. NaN pixels are ignored.
 */
export type ScaleName = 'zscale' | 'asinh';

export interface DisplayRange {
  readonly low: number;
  readonly high: number;
}

const MAX_SAMPLES = 1000;

/** Finite pixel values, evenly sampled, sorted. */
export function sortedSample(pixels: ArrayLike<number>, maxSamples = MAX_SAMPLES): number[] {
  const finite: number[] = [];
  const step = Math.max(1, Math.floor(pixels.length / maxSamples));
  for (let i = 0; i < pixels.length; i += step) {
    const v = pixels[i]!;
    if (Number.isFinite(v)) finite.push(v);
  }
  return finite.sort((a, b) => a - b);
}

export function zscale(pixels: ArrayLike<number>, contrast = 0.25, maxReject = 0.5, minPixels = 5, rejectSigma = 2.5, iterations = 5): DisplayRange {
  const sample = sortedSample(pixels);
  const n = sample.length;
  if (n === 0) return { low: 0, high: 1 };
  const min = sample[0]!;
  const max = sample[n - 1]!;
  const center = Math.floor((n - 1) / 2);
  const median = n % 2 === 1 ? sample[center]! : (sample[center]! + sample[center + 1]!) / 2;
  let keep = sample.map(() => true);
  let slope = 0;
  let intercept = median;
  let kept = n;
  const minKept = Math.max(minPixels, Math.floor(n * (1 - maxReject)));
  for (let round = 0; round < iterations && kept >= minKept; round++) {
    let sx = 0, sy = 0, sxx = 0, sxy = 0, count = 0;
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      sx += i; sy += sample[i]!; sxx += i * i; sxy += i * sample[i]!; count++;
    }
    const denominator = count * sxx - sx * sx;
    if (count < 2 || denominator === 0) break;
    slope = (count * sxy - sx * sy) / denominator;
    intercept = (sy - slope * sx) / count;
    const residuals = sample.map((v, i) => v - (intercept + slope * i));
    const used = residuals.filter((_, i) => keep[i]);
    const sigma = Math.sqrt(used.reduce((a, r) => a + r * r, 0) / used.length);
    const next = residuals.map((r) => Math.abs(r) <= rejectSigma * sigma);
    const nextKept = next.filter(Boolean).length;
    if (nextKept === kept || nextKept < minKept) break;
    keep = next;
    kept = nextKept;
  }
  if (kept < minKept) return { low: min, high: max };
  const adjusted = slope / contrast;
  const low = Math.max(min, median - (center - 0) * adjusted);
  const high = Math.min(max, median + (n - 1 - center) * adjusted);
  return low < high ? { low, high } : { low: min, high: max > min ? max : min + 1 };
}

/** 0..255 grey levels of a pixel for the scale; NaN stays NaN (drawn apart). */
export function levelFunction(pixels: ArrayLike<number>, scale: ScaleName): (v: number) => number {
  if (scale === 'zscale') {
    const { low, high } = zscale(pixels);
    return (v) => (Number.isNaN(v) ? NaN : 255 * clamp((v - low) / (high - low)));
  }
  const sample = sortedSample(pixels);
  if (sample.length === 0) return () => NaN;
  const low = sample[Math.floor(sample.length * 0.005)]!;
  const high = sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.998))]!;
  const span = high > low ? high - low : 1;
  const softening = 0.1;
  const norm = Math.asinh(1 / softening);
  return (v) => (Number.isNaN(v) ? NaN : (255 * Math.asinh(clamp((v - low) / span) / softening)) / norm);
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
