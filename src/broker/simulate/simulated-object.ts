/**
 * One simulated astronomical object: its class and light-curve model, where it is on the sky
 * and on the camera, what surrounds it in the reference catalogues, and every epoch ZTF
 * observed it with what was measured. Alerts are cut from these observations.
 */
import type { SeededRandom } from './seeded-random.js';
import { ARTEFACTS, type Artefact } from './cutout-scene.js';
import type { LightCurveModel, SimulatedClass } from './light-curve-model.js';
import { type Epoch, ztfCadence } from './ztf-cadence.js';
import { type Measurement, measure } from './photometry.js';
import { createLightCurve } from './create-light-curve.js';
import { type Surroundings, surroundingsFor } from './surroundings.js';
import { CandidRegistry, processingId } from './ztf-ids.js';

export interface Observation {
  readonly epoch: Epoch;
  readonly measurement: Measurement;
  readonly pid: bigint;
  /** Detections only: the candidate id and its row in the exposure's table. */
  readonly candid: bigint | null;
  readonly tblid: number | null;
  readonly magzpsci: number;
  /** Seeing of the exposure, FWHM in pixels. */
  readonly fwhm: number;
  readonly sky: number;
}

export interface SimulatedObject {
  readonly index: number;
  readonly simulatedClass: SimulatedClass;
  readonly model: LightCurveModel;
  readonly ra: number;
  readonly dec: number;
  readonly field: number;
  readonly rcid: number;
  readonly xpos: number;
  readonly ypos: number;
  readonly surroundings: Surroundings;
  readonly artefact: Artefact;
  /** Detections and coverage before the simulated span (long-lived sources have years of them). */
  readonly priorDetections: number;
  readonly priorCoverage: number;
  readonly firstDetectionJd: number | null;
  readonly observations: readonly Observation[];
}

export function createSimulatedObject(rng: SeededRandom, simulatedClass: SimulatedClass, index: number, endJd: number, spanDays: number, candids: CandidRegistry): SimulatedObject {
  const startJd = endJd - spanDays;
  const model = createLightCurve(rng, simulatedClass, startJd, endJd);
  const longLived = simulatedClass === 'variable' || simulatedClass === 'agn';
  const rcid = rng.int(0, 63);
  const epochs = ztfCadence(rng, startJd, endJd);
  const observations = epochs.map((epoch): Observation => {
    const measurement = measure(rng, model.flux(epoch.jd, epoch.fid) - model.referenceFlux(epoch.fid), epoch.diffmaglim);
    const pid = processingId(epoch.jd, rcid);
    const row = measurement.detected ? candids.next(pid) : null;
    const magzpsci = rng.normal(epoch.fid === 1 ? 26.3 : 26.2, 0.08);
    return { epoch, measurement, pid, candid: row?.candid ?? null, tblid: row?.tblid ?? null, magzpsci, fwhm: rng.uniform(1.7, 3.4), sky: rng.uniform(60, 400) };
  });
  const priorDetections = longLived ? rng.int(20, 600) : simulatedClass === 'bogus' && rng.chance(0.3) ? rng.int(1, 40) : 0;
  const firstDetected = observations.find((o) => o.measurement.detected)?.epoch.jd ?? null;
  return {
    index,
    simulatedClass,
    model,
    ra: rng.uniform(0, 360),
    dec: (Math.asin(rng.uniform(Math.sin(-0.5236), 1)) * 180) / Math.PI, // uniform on the sky north of -30 deg
    field: rng.int(245, 880),
    rcid,
    xpos: rng.uniform(simulatedClass === 'bogus' && rng.chance(0.3) ? 1 : 40, 3030),
    ypos: rng.uniform(simulatedClass === 'bogus' && rng.chance(0.3) ? 1 : 40, 3040),
    surroundings: surroundingsFor(rng, simulatedClass, model),
    artefact: simulatedClass === 'bogus' ? rng.pick(ARTEFACTS) : 'none',
    priorDetections,
    priorCoverage: priorDetections + rng.int(100, 1500),
    firstDetectionJd: priorDetections > 0 ? startJd - rng.uniform(30, 1800) : firstDetected,
    observations,
  };
}
