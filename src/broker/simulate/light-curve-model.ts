/**
 * What a simulated object looks like over time. Fluxes are in magnitude units
 * (flux = 10^(-0.4 mag)), so the survey's zero point is applied only when pixels or DN are
 * needed. The difference image sees `flux - referenceFlux`: zero for a transient before it
 * appears, positive or negative for a variable star around its template brightness.
 */
export type SimulatedClass = 'snia' | 'variable' | 'agn' | 'bogus';

export const SIMULATED_CLASSES: readonly SimulatedClass[] = ['snia', 'variable', 'agn', 'bogus'];

/**
 * A passband, numbered in the order u g r i z y: ZTF's filter ids (1 g, 2 r, 3 i) are the same
 * numbers, Rubin observes all six.
 */
export type Band = 0 | 1 | 2 | 3 | 4 | 5;
export const U_BAND = 0;
export const G_BAND = 1;
export const R_BAND = 2;
export const I_BAND = 3;
export const Z_BAND = 4;
export const Y_BAND = 5;
export const BANDS: readonly Band[] = [U_BAND, G_BAND, R_BAND, I_BAND, Z_BAND, Y_BAND];
export const BAND_NAMES = ['u', 'g', 'r', 'i', 'z', 'y'] as const;
export type BandName = (typeof BAND_NAMES)[number];

export interface LightCurveModel {
  readonly simulatedClass: SimulatedClass;
  /** The source's flux in the reference (template) image: 0 for a transient. */
  referenceFlux(band: Band): number;
  /** The source's flux at a time (JD for ZTF, MJD for Rubin: models use only differences), the template's share included. */
  flux(time: number, band: Band): number;
}

export function fluxOf(mag: number): number {
  return Math.pow(10, -0.4 * mag);
}

export function magOf(flux: number): number {
  return -2.5 * Math.log10(flux);
}
