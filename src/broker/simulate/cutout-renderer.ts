/**
 * Renders an alert's science, template and difference images (square, `size` pixels a side)
 * from a CutoutScene; each survey encodes them as its cutouts. Pixel noise comes from a pool of
 * Gaussian draws read at random offsets and signs, so a cutout costs a few array passes instead
 * of thousands of fresh random draws; every image still has its own noise and its own source.
 * The difference is science minus template, pixel by pixel, so they agree exactly.
 */
import type { SeededRandom } from './seeded-random.js';
import type { CutoutScene } from './cutout-scene.js';

const POOL_SIZE = 1 << 16;

/** The three images of one render: buffers the renderer reuses, valid until its next render. */
export interface CutoutImages {
  readonly science: Float32Array;
  readonly template: Float32Array;
  readonly difference: Float32Array;
}

export interface CutoutGeometry {
  /** Pixels a side. */
  readonly size: number;
  /** The template is a deep coadd: its noise is this fraction of the science image's. */
  readonly templateNoiseRatio: number;
}

export class CutoutRenderer {
  private readonly pool: Float32Array;
  private readonly pixels: number;
  private readonly science: Float32Array;
  private readonly template: Float32Array;
  private readonly difference: Float32Array;

  constructor(
    private readonly rng: SeededRandom,
    readonly geometry: CutoutGeometry,
  ) {
    this.pixels = geometry.size * geometry.size;
    this.science = new Float32Array(this.pixels);
    this.template = new Float32Array(this.pixels);
    this.difference = new Float32Array(this.pixels);
    this.pool = Float32Array.from({ length: POOL_SIZE + this.pixels }, () => rng.normal());
  }

  render(scene: CutoutScene): CutoutImages {
    const { science, template, difference, pixels } = this;
    const { size, templateNoiseRatio } = this.geometry;
    const scienceNoise = scene.noise / Math.sqrt(1 + templateNoiseRatio ** 2);
    this.fillSky(science, scene.sky, scienceNoise);
    this.fillSky(template, scene.sky, scienceNoise * templateNoiseRatio);
    const centre = (size - 1) / 2;
    for (const image of [science, template]) {
      if (scene.host) addGaussian(image, size, centre + scene.host.dx, centre + scene.host.dy, scene.host.flux, scene.host.sigma);
      if (scene.neighbour) addGaussian(image, size, centre + scene.neighbour.dx, centre + scene.neighbour.dy, scene.neighbour.flux, scene.psfSigma);
    }
    const x = centre + scene.dx;
    const y = centre + scene.dy;
    addGaussian(template, size, x, y, scene.referenceFlux, scene.psfSigma);
    this.addArtefact(scene, x, y);
    addGaussian(science, size, x, y, Math.max(scene.scienceFlux, 0), scene.psfSigma);
    for (let i = 0; i < pixels; i++) difference[i] = science[i]! - template[i]!;
    return { science, template, difference };
  }

  private fillSky(image: Float32Array, sky: number, sigma: number): void {
    const offset = this.rng.int(0, POOL_SIZE - 1);
    const s = this.rng.chance(0.5) ? sigma : -sigma;
    const { pool, pixels } = this;
    if (this.rng.chance(0.5)) for (let i = 0; i < pixels; i++) image[i] = sky + s * pool[offset + i]!;
    else for (let i = 0; i < pixels; i++) image[i] = sky + s * pool[offset + pixels - 1 - i]!;
  }

  private addArtefact(scene: CutoutScene, x: number, y: number): void {
    const { rng, science, template } = this;
    const { size } = this.geometry;
    switch (scene.artefact) {
      case 'hot-pixel': {
        const at = Math.round(y) * size + Math.round(x);
        science[at] = science[at]! + scene.noise * rng.uniform(30, 300);
        if (rng.chance(0.5)) science[at + 1] = science[at + 1]! + scene.noise * rng.uniform(5, 60);
        return;
      }
      case 'streak': {
        const angle = rng.uniform(0, Math.PI);
        const flux = scene.noise * rng.uniform(8, 40);
        for (let t = -45; t <= 45; t += 0.5) addGaussian(science, size, x + t * Math.cos(angle), y + t * Math.sin(angle), flux, 0.8);
        return;
      }
      case 'dipole': {
        // a misaligned subtraction: the template's copy of a bright source sits slightly off
        const flux = scene.noise * rng.uniform(200, 1500);
        addGaussian(science, size, x, y, flux, scene.psfSigma);
        addGaussian(template, size, x + rng.uniform(-1.2, 1.2), y + rng.uniform(-1.2, 1.2), flux * rng.uniform(0.9, 1.1), scene.psfSigma);
        return;
      }
      case 'none':
        return;
    }
  }
}

/** Adds a circular Gaussian of total `flux` centred at (x, y), within 4 sigma, to a size x size image. */
function addGaussian(image: Float32Array, size: number, x: number, y: number, flux: number, sigma: number): void {
  if (flux === 0) return;
  const radius = Math.ceil(4 * sigma);
  const x0 = Math.max(0, Math.floor(x) - radius);
  const x1 = Math.min(size - 1, Math.floor(x) + radius);
  const y0 = Math.max(0, Math.floor(y) - radius);
  const y1 = Math.min(size - 1, Math.floor(y) + radius);
  if (x0 > x1 || y0 > y1) return;
  const norm = flux / (2 * Math.PI * sigma * sigma);
  const k = -1 / (2 * sigma * sigma);
  const gx = new Float64Array(x1 - x0 + 1);
  for (let i = x0; i <= x1; i++) gx[i - x0] = Math.exp(k * (i - x) ** 2);
  for (let j = y0; j <= y1; j++) {
    const gy = norm * Math.exp(k * (j - y) ** 2);
    const row = j * size;
    for (let i = x0; i <= x1; i++) image[row + i] = image[row + i]! + gy * gx[i - x0]!;
  }
}
