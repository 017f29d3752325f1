/**
 * When ZTF looks at a position: the public survey revisits each field every 2-3 nights in g
 * and r (the two visits about half an hour apart), nights are lost to weather, and the depth
 * (the 5-sigma limit of the difference image) changes with the sky from visit to visit.
 */
import type { SeededRandom } from './seeded-random.js';
import { type Band, G_BAND, R_BAND } from './light-curve-model.js';

export interface Epoch {
  readonly jd: number;
  readonly fid: Band;
  /** 5-sigma limiting magnitude of the difference image. */
  readonly diffmaglim: number;
}

const WEATHER_LOSS = 0.2;
const SINGLE_BAND_VISIT = 0.15;

/** The epochs in [startJd, endJd], in time order. */
export function ztfCadence(rng: SeededRandom, startJd: number, endJd: number): Epoch[] {
  const epochs: Epoch[] = [];
  const nightStart = Math.floor(startJd - 0.5) + 0.5; // JD days start at noon
  for (let night = nightStart + rng.int(0, 2); night <= endJd; night += rng.pick([1, 2, 2, 3, 3, 4])) {
    if (rng.chance(WEATHER_LOSS)) continue;
    const nightDepth = rng.normal(0, 0.25); // transparency and moon of the night
    let time = night + rng.uniform(0.62, 0.95); // Palomar nights, in UT
    const bands: Band[] = rng.chance(SINGLE_BAND_VISIT) ? [rng.pick([G_BAND, R_BAND])] : rng.chance(0.5) ? [G_BAND, R_BAND] : [R_BAND, G_BAND];
    for (const fid of bands) {
      if (time >= startJd && time <= endJd) epochs.push({ jd: time, fid, diffmaglim: depth(rng, fid, nightDepth) });
      time += rng.uniform(0.02, 0.045);
    }
  }
  return epochs;
}

function depth(rng: SeededRandom, fid: Band, nightDepth: number): number {
  const typical = fid === G_BAND ? 20.6 : 20.4;
  return Math.min(21.4, Math.max(18.3, typical + nightDepth + rng.normal(0, 0.12)));
}
