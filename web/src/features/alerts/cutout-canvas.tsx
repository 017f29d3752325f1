/** One cutout: fetched, gunzipped, read as FITS and drawn on a canvas with the chosen scale. */
import { useEffect, useRef } from 'react';
import { getCutout, type CutoutKind } from '../../api/aviary-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { readFitsImage, type FitsImage } from './fits-image.js';
import { levelFunction, type ScaleName } from './image-scale.js';

/** NaN pixels (masked or off the chip) are drawn in this colour, apart from the grey scale. */
const NAN_RGB = [170, 40, 120] as const;

export function CutoutCanvas({ alertId, survey, kind, scale }: { alertId: string; survey?: string; kind: CutoutKind; scale: ScaleName }) {
  const [state] = useAsync(`${alertId}|${survey}|${kind}`, async (signal) => readFitsImage(await getCutout(alertId, kind, survey, signal)));
  return (
    <figure className="cutout" data-testid={`cutout-${kind}`}>
      {state.status === 'loading' && <Progress label={`Loading the ${kind} cutout…`} />}
      {state.status === 'error' && <ErrorBanner error={state.error} />}
      {state.status === 'done' && <ImageCanvas image={state.value} scale={scale} kind={kind} />}
      <figcaption>
        {kind}
        {state.status === 'done' && ` (${state.value.width}×${state.value.height}, ${scale})`}
      </figcaption>
    </figure>
  );
}

function ImageCanvas({ image, scale, kind }: { image: FitsImage; scale: ScaleName; kind: CutoutKind }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const { width, height, pixels } = image;
    const level = levelFunction(pixels, scale);
    const data = context.createImageData(width, height);
    for (let row = 0; row < height; row++) {
      // FITS rows go bottom-up; the canvas top-down.
      const source = (height - 1 - row) * width;
      for (let col = 0; col < width; col++) {
        const v = level(pixels[source + col]!);
        const at = (row * width + col) * 4;
        if (Number.isNaN(v)) [data.data[at], data.data[at + 1], data.data[at + 2]] = NAN_RGB;
        else data.data[at] = data.data[at + 1] = data.data[at + 2] = Math.round(v);
        data.data[at + 3] = 255;
      }
    }
    context.putImageData(data, 0, 0);
    canvas.dataset.drawn = scale;
  }, [image, scale]);
  return <canvas ref={ref} width={image.width} height={image.height} data-kind={kind} aria-label={`${kind} cutout`} />;
}
