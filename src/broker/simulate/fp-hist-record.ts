/**
 * The ZTF 4.02 `fp_hist` record of an epoch: forced PSF photometry on the difference image at
 * the object's position, in DN (flux = 10^(-0.4 (mag - magzpsci))), measured whether or not
 * the source was detected.
 */
import type { Observation, SimulatedObject } from './simulated-object.js';

export function fpHistRecord(object: SimulatedObject, observation: Observation): Record<string, unknown> {
  const { epoch, measurement } = observation;
  const toDn = Math.pow(10, 0.4 * observation.magzpsci);
  const s = object.surroundings;
  return {
    field: object.field,
    rcid: object.rcid,
    fid: epoch.fid,
    pid: observation.pid,
    rfid: BigInt(object.field * 1_000_000 + epoch.fid * 100_000 + object.rcid * 1000 + 256),
    sciinpseeing: observation.fwhm,
    scibckgnd: observation.sky,
    scisigpix: Math.sqrt(observation.sky * 0.5) + 4,
    magzpsci: observation.magzpsci,
    magzpsciunc: 2e-6,
    magzpscirms: 0.02,
    clrcoeff: epoch.fid === 1 ? -0.05 : 0.08,
    clrcounc: 5e-6,
    exptime: 30,
    adpctdif1: 0.06,
    adpctdif2: 0.055,
    diffmaglim: epoch.diffmaglim,
    programid: 1,
    jd: epoch.jd,
    forcediffimflux: measurement.differenceFlux * toDn,
    forcediffimfluxunc: measurement.fluxError * toDn,
    procstatus: '0',
    distnr: s.distnr * 1.01,
    ranr: object.ra,
    decnr: object.dec,
    magnr: s.magnr,
    sigmagnr: 0.01 + 0.05 * Math.max(0, s.magnr - 17),
    chinr: 1,
    sharpnr: s.sgscore1 > 0.5 ? 0 : 0.3,
  };
}
