/**
 * What a simulated object looks like over time. Fluxes are in magnitude units
 * (flux = 10^(-0.4 mag)), so the survey's zero point is applied only when pixels or DN are
 * needed. The difference image sees `flux - referenceFlux`: zero for a transient before it
 * appears, positive or negative for a variable star around its template brightness.
 */
export type SimulatedClass = 'snia' | 'variable' | 'agn' | 'bogus';

export const SIMULATED_CLASSES: readonly SimulatedClass[] = ['snia', 'variable', 'agn', 'bogus'];

/** ZTF filter ids. */
export type Band = 1 | 2;
export const G_BAND: Band = 1;
export const R_BAND: Band = 2;

export interface LightCurveModel {
  readonly simulatedClass: SimulatedClass;
  /** The source's flux in the reference (template) image: 0 for a transient. */
  referenceFlux(fid: Band): number;
  /** The source's flux at a time, the template's share included. */
  flux(jd: number, fid: Band): number;
}

export function fluxOf(mag: number): number {
  return Math.pow(10, -0.4 * mag);
}

export function magOf(flux: number): number {
  return -2.5 * Math.log10(flux);
}
