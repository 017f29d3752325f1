/**
 * A light curve in SVG: x = days since the first point, y = magnitude (inverted: brighter up)
 * when the points carry magnitudes (ZTF), else flux (Rubin). One colour per band; detections
 * as points with error bars, upper limits as downward arrows at the limiting magnitude, forced
 * photometry as open squares; the current alert ringed.
 */
import type { LightCurvePoint } from '../../api/aviary-api.js';
import { niceTicks } from './chart-ticks.js';

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { left: 58, right: 16, top: 14, bottom: 40 };
const BAND_COLOURS: Record<string, string> = { u: '#6a3d9a', g: '#1a9850', r: '#d73027', i: '#e08214', z: '#8c510a', y: '#4d4d4d' };
const OTHER_COLOUR = '#2166ac';

export const bandColour = (band: string | null) => (band && BAND_COLOURS[band]) || OTHER_COLOUR;

interface Plotted {
  readonly point: LightCurvePoint;
  readonly y: number;
  readonly low?: number;
  readonly high?: number;
}

export function LightCurveChart({ points, currentId, timeLabel }: { points: readonly LightCurvePoint[]; currentId?: string; timeLabel: string }) {
  const useMagnitude = points.some((p) => p.kind === 'detection' && isNum(p.magnitude));
  const plotted = points.map((p) => plot(p, useMagnitude)).filter((p): p is Plotted => p !== undefined);
  if (plotted.length === 0) return <p className="empty">No light-curve point to draw.</p>;
  const counts = { detection: 0, 'upper-limit': 0, forced: 0 };
  for (const p of plotted) counts[p.point.kind]++;
  const t0 = Math.min(...plotted.map((p) => p.point.time));
  const xs = plotted.map((p) => p.point.time - t0);
  const ys = plotted.flatMap((p) => [p.y, p.low ?? p.y, p.high ?? p.y]);
  const [xMin, xMax] = padded(Math.min(...xs), Math.max(...xs));
  const [yLow, yHigh] = padded(Math.min(...ys), Math.max(...ys));
  // Room for the upper-limit arrows, which point to fainter values (down) from the limit.
  const arrowRoom = counts['upper-limit'] > 0 ? (yHigh - yLow) * 0.08 : 0;
  const [yMin, yMax] = useMagnitude ? [yLow, yHigh + arrowRoom] : [yLow - arrowRoom, yHigh];
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * innerW;
  // Magnitudes: larger is fainter, drawn lower; flux: larger is brighter, drawn higher.
  const sy = (y: number) => (useMagnitude ? MARGIN.top + ((y - yMin) / (yMax - yMin)) * innerH : MARGIN.top + ((yMax - y) / (yMax - yMin)) * innerH);
  const bands = [...new Set(plotted.map((p) => p.point.band))].sort();
  return (
    <figure className="light-curve">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label="light curve"
        data-testid="light-curve"
        data-detections={counts.detection}
        data-upper-limits={counts['upper-limit']}
        data-forced={counts.forced}
        data-y-axis={useMagnitude ? 'magnitude' : 'flux'}
      >
        <rect x={MARGIN.left} y={MARGIN.top} width={innerW} height={innerH} className="plot-area" />
        {niceTicks(xMin, xMax, 8).map((t) => (
          <g key={`x${t}`} className="tick">
            <line x1={sx(t)} x2={sx(t)} y1={MARGIN.top} y2={MARGIN.top + innerH} />
            <text x={sx(t)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle">
              {trim(t)}
            </text>
          </g>
        ))}
        {niceTicks(yMin, yMax, 6).map((t) => (
          <g key={`y${t}`} className="tick">
            <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={sy(t)} y2={sy(t)} />
            <text x={MARGIN.left - 6} y={sy(t) + 4} textAnchor="end">
              {trim(t)}
            </text>
          </g>
        ))}
        <text x={MARGIN.left + innerW / 2} y={HEIGHT - 6} textAnchor="middle" className="axis-label">
          days since {timeLabel} {trim(t0)}
        </text>
        <text transform={`translate(14 ${MARGIN.top + innerH / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">
          {useMagnitude ? 'magnitude' : 'flux (nJy)'}
        </text>
        {plotted.map((p, i) => (
          <Marker key={i} p={p} x={sx(p.point.time - t0)} sy={sy} current={currentId !== undefined && p.point.id === currentId} />
        ))}
      </svg>
      <figcaption className="legend">
        {bands.map((band) => (
          <span key={band ?? 'none'} data-band={band ?? ''}>
            <i style={{ background: bandColour(band) }} /> {band ?? 'unknown band'}
          </span>
        ))}
        <span>● detection</span>
        <span>↓ upper limit</span>
        {counts.forced > 0 && <span>□ forced photometry</span>}
        {currentId !== undefined && <span>◎ this alert</span>}
      </figcaption>
    </figure>
  );
}

function Marker({ p, x, sy, current }: { p: Plotted; x: number; sy: (y: number) => number; current: boolean }) {
  const colour = bandColour(p.point.band);
  const y = sy(p.y);
  const title = describe(p.point);
  if (p.point.kind === 'upper-limit') {
    return (
      <g className="marker" data-kind="upper-limit" stroke={colour} fill={colour}>
        <title>{title}</title>
        <line x1={x} x2={x} y1={y} y2={y + 12} strokeWidth={1.5} />
        <path d={`M${x - 4},${y + 8} L${x + 4},${y + 8} L${x},${y + 14} Z`} />
        <line x1={x - 5} x2={x + 5} y1={y} y2={y} strokeWidth={1.5} />
      </g>
    );
  }
  const errorBar = p.low !== undefined && p.high !== undefined && <line x1={x} x2={x} y1={sy(p.low)} y2={sy(p.high)} stroke={colour} strokeWidth={1.2} />;
  return (
    <g className="marker" data-kind={p.point.kind} data-current={current || undefined}>
      <title>{title}</title>
      {errorBar}
      {p.point.kind === 'forced' ? (
        <rect x={x - 3.5} y={y - 3.5} width={7} height={7} fill="white" stroke={colour} strokeWidth={1.5} />
      ) : (
        <circle cx={x} cy={y} r={4} fill={colour} />
      )}
      {current && <circle cx={x} cy={y} r={9} fill="none" stroke="#111" strokeWidth={2} data-testid="current-point" />}
    </g>
  );
}

function plot(point: LightCurvePoint, useMagnitude: boolean): Plotted | undefined {
  if (useMagnitude) {
    if (point.kind === 'upper-limit') return isNum(point.limitingMagnitude) ? { point, y: point.limitingMagnitude } : undefined;
    if (!isNum(point.magnitude)) return undefined;
    const error = isNum(point.magnitudeError) ? point.magnitudeError : 0;
    return { point, y: point.magnitude, low: point.magnitude - error, high: point.magnitude + error };
  }
  if (!isNum(point.flux)) return undefined;
  const error = isNum(point.fluxError) ? point.fluxError : 0;
  return point.kind === 'upper-limit' ? { point, y: point.flux } : { point, y: point.flux, low: point.flux - error, high: point.flux + error };
}

function describe(p: LightCurvePoint): string {
  const value =
    p.kind === 'upper-limit'
      ? `limit ${fmt(p.limitingMagnitude ?? p.flux)}`
      : isNum(p.magnitude)
        ? `mag ${fmt(p.magnitude)} ± ${fmt(p.magnitudeError)}`
        : `flux ${fmt(p.flux)} ± ${fmt(p.fluxError)}`;
  return `${p.kind} ${p.band ?? ''} at ${p.time}: ${value}${p.id ? ` (id ${p.id})` : ''}`;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const fmt = (v: number | null | undefined) => (isNum(v) ? v.toFixed(3) : '—');
const trim = (v: number) => String(Number(v.toPrecision(8)));

function padded(min: number, max: number): [number, number] {
  const span = max - min || Math.max(Math.abs(max) * 0.05, 0.5);
  return [min - span * 0.05, max + span * 0.05];
}
